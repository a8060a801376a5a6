// Package names holds the names of the in-tree scheduler plugins.
package names

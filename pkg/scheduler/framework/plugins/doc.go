// Package plugins lists the in-tree scheduler plugins.
package plugins

// Package scoring holds the score normalizations shared by plugins.
package scoring

// Package apivalidation holds small validation helpers shared by several API
// groups of keel.dev/api (int-or-percent checks, path-segment names), so the
// groups need not import one another for them.
package apivalidation

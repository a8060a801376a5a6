// Package install registers every API group of keel.dev/api in a scheme.
package install

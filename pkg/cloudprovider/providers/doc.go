// Package providers links Keel's built-in cloud providers into a binary.
// Importing it (from a cloud-controller-manager's builtins.go) runs the
// providers' init functions, which register them in the
// keel.dev/cloud-provider registry.
package providers

// Package plugins knows the admission plugins by their Kubernetes names,
// the default-enabled set, and builds the chain the apiserver installs in
// its stores from --enable-admission-plugins and
// --disable-admission-plugins.
package plugins

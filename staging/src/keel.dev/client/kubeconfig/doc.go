// Package kubeconfig loads, merges and writes kubeconfig files (the
// KUBECONFIG colon-separated list merged with first-wins per name, or
// ~/.kube/config), turns a context into a rest.Config, and builds the
// in-cluster config from the service-account mount.
package kubeconfig

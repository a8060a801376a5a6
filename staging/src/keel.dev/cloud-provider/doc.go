// Package cloudprovider is the interface a cloud provider implements to plug
// into Keel's cloud-controller-manager, and the provider registry. It is
// being built; see the cloud-controller-manager issue.
package cloudprovider

// Package client is Keel's client library: kubeconfig loading, the REST
// client, typed and dynamic clients, informers, the work queue and leader
// election. It is being built; see the client issue.
package client

// Package fake is an in-memory cloud provider for controller tests. It
// records every call with its arguments, can fail or delay any method on
// demand, and assigns load balancer IPs from a configurable list. It
// registers itself as "fake" in the cloudprovider registry.
package fake

// Package v1 holds the coordination.k8s.io/v1 API: Lease, the lock object
// leader election and node heartbeats are built on.
package v1

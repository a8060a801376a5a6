// Package app is the keel controller-manager: flags, the controller
// registry, leader election, the shared informer factory and the
// /healthz and /metrics endpoints.
package app

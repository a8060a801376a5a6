// Package bootstrap reconciles the objects every cluster has from its first
// start: the namespaces default, kube-system, kube-public and
// kube-node-lease, and in default the `kubernetes` Service (the first
// Service IP, port 443 → the secure port) with its Endpoints and
// EndpointSlice pointing at the advertise address (unless it is a loopback
// address, which endpoints may not carry). Run is idempotent: it
// creates what is missing and repairs what drifted, so it runs at every
// start.
package bootstrap

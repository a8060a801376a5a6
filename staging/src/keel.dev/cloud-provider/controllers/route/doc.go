// Package route is the cloud route controller: through the provider's Routes
// capability it keeps one cloud route per Node pod CIDR (spec.podCIDRs, or
// spec.podCIDR), named after the Node's UID, and deletes routes whose Node is
// gone, whose CIDR the Node no longer has, or that the provider reports as
// blackholed. Once a Node's routes exist it sets the Node's
// NetworkUnavailable condition to False with reason RouteCreated.
//
// The controller reconciles all Nodes at once: Node events and a periodic
// timer enqueue a single key, processed by one worker.
package route

// Package nodestatus registers the kubelet's Node, keeps its status
// (capacity, allocatable, addresses, node info, conditions, images) up to
// date, and renews the node's Lease in kube-node-lease.
package nodestatus

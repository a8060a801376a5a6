// Package nodeipam gives each Node a pod CIDR (spec.podCIDR and
// spec.podCIDRs) carved from the cluster CIDR. The allocation map is rebuilt
// from the nodes' existing CIDRs at start, a deleted node's CIDR is released,
// and a CIDRNotAvailable event is recorded when the range is exhausted.
package nodeipam

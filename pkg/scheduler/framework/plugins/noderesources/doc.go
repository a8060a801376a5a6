// Package noderesources implements NodeResourcesFit (requests must fit the
// node's free allocatable; scored LeastAllocated, MostAllocated or
// RequestedToCapacityRatio) and NodeResourcesBalancedAllocation (favors nodes
// whose cpu and memory use stay balanced).
package noderesources

// Package nodelifecycle watches node heartbeats (the node's Lease in
// kube-node-lease and its Ready condition). A node silent for longer than
// the grace period gets its Ready and pressure conditions set to Unknown and
// the node.kubernetes.io/unreachable NoExecute taint (not-ready when Ready is
// False); NoSchedule taints mirror the conditions and spec.unschedulable.
// Pods on a node with NoExecute taints are deleted at once when they do not
// tolerate a taint, or when their tolerationSeconds run out, after being
// given the DisruptionTarget condition (reason DeletionByTaintManager).
//
// Adding NoExecute taints is rate-limited per zone, by zone state as in
// Kubernetes: a Normal zone at --node-eviction-rate; a PartialDisruption
// zone (at least --unhealthy-zone-threshold of its nodes, and more than
// two, not Ready) at --secondary-node-eviction-rate when it has more than
// --large-cluster-size-threshold nodes and not at all otherwise; a
// FullDisruption zone (no node Ready) at the primary rate while other zones
// are healthy. When every zone is fully disrupted the controller assumes it
// is the one cut off: it adds no NoExecute taint and removes the not-ready
// and unreachable NoExecute taints it added, so nothing is evicted.
//
// The default tolerations of 300 s for not-ready and unreachable are added
// to pods by the apiserver at creation (Kubernetes' DefaultTolerationSeconds
// admission), not by this controller.
package nodelifecycle

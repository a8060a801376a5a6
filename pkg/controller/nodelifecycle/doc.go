// Package nodelifecycle watches node heartbeats (the node's Lease in
// kube-node-lease and its Ready condition). A node silent for longer than
// the grace period gets its Ready and pressure conditions set to Unknown and
// the node.kubernetes.io/unreachable NoExecute taint (not-ready when Ready is
// False); NoSchedule taints mirror the conditions and spec.unschedulable.
// Pods on a node with NoExecute taints are deleted at once when they do not
// tolerate a taint, or when their tolerationSeconds run out. Adding
// NoExecute taints is rate-limited per zone.
//
// The default tolerations of 300 s for not-ready and unreachable are added
// to pods by the apiserver at creation (Kubernetes' DefaultTolerationSeconds
// admission), not by this controller.
package nodelifecycle

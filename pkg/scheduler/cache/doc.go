// Package cache keeps the scheduler's view of nodes and the pods on them,
// including pods assumed onto a node before their binding is observed, and
// copies it incrementally (by NodeInfo generation) into the read-only
// framework.Snapshot each scheduling cycle uses.
//
// Assumed pod lifecycle (Kubernetes' semantics):
//
//	AssumePod ─▶ assumed ─▶ FinishBinding ─▶ assumed with deadline ─▶ expired (removed) after TTL
//	              │                             │
//	              ├─ ForgetPod (bind failed) ─▶ gone
//	              └─ AddPod (informer saw it) ─▶ confirmed (added)
package cache

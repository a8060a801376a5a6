// Package noderestriction is the NodeRestriction admission plugin: it
// limits what kubelets (users system:node:<name> in system:nodes) may
// write to their own Node, their own Lease, and mirror pods bound to
// themselves, as Kubernetes' plugin of that name does.
//
// Keel's subresource stores (nodes/status, pods/status, pods/eviction,
// serviceaccounts/token) do not run admission, so the checks Kubernetes
// makes there are not made.
package noderestriction

// Package noderestriction is the NodeRestriction admission plugin: it
// limits what kubelets (users system:node:<name> in system:nodes) may
// write, as Kubernetes' plugin of that name does: their own Node and its
// status, their own Lease, mirror pods bound to themselves, the status and
// evictions of pods bound to themselves, and service account tokens bound
// to such a pod for an audience the pod uses.
package noderestriction

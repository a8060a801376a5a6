// Package daemonset runs one pod of each DaemonSet on every eligible node:
// nodes matching the template's nodeSelector and required node affinity
// whose NoSchedule/NoExecute taints the pod tolerates (with the tolerations
// Kubernetes adds to every daemon pod). Pods are created with a required
// node affinity on metadata.name so the scheduler binds them to their node.
// Template changes roll out through ControllerRevisions with RollingUpdate
// (maxUnavailable / maxSurge) or OnDelete. Orphan pods and
// ControllerRevisions the selector matches are adopted, owned ones that
// stop matching are released (ownerref.Claimer).
package daemonset

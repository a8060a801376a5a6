// Package v1 holds the apps/v1 API: the workload controllers Deployment,
// ReplicaSet, DaemonSet and StatefulSet, and ControllerRevision, the
// history record DaemonSets and StatefulSets roll back to.
package v1

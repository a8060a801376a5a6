// Package limitranger is the LimitRanger admission plugin: a new pod's
// containers get the requests and limits a LimitRange of the namespace
// defaults (recorded in the kubernetes.io/limit-ranger annotation), then
// pods are checked against the Container and Pod min, max and
// maxLimitRequestRatio, and claims against the PersistentVolumeClaim
// storage min and max, with Kubernetes' messages.
package limitranger

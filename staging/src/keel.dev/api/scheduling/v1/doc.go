// Package v1 holds the scheduling.k8s.io/v1 API: PriorityClass, which maps
// a class name to a pod priority.
package v1

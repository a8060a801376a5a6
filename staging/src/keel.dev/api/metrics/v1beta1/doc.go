// Package v1beta1 holds the metrics.k8s.io/v1beta1 API: NodeMetrics and
// PodMetrics, the point-in-time CPU and memory usage that `kubectl top`
// and the horizontal pod autoscaler read. The objects are not stored; the
// apiserver computes them from the kubelets' summaries on each request.
package v1beta1

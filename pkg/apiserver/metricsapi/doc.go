// Package metricsapi serves metrics.k8s.io/v1beta1 from inside the
// apiserver, Keel's built-in equivalent of metrics-server: NodeMetrics and
// PodMetrics are computed on request from each kubelet's
// /stats/summary?only_cpu_and_memory=true (fetched in parallel with a short
// timeout and cached for a few seconds), cpu being the kubelet's
// usageNanoCores and memory its workingSetBytes.
//
// The storages are read-only (get and list, with label and field
// selectors applied to the underlying nodes and pods) and plug into the
// endpoints layer like any other rest.Storage.
package metricsapi

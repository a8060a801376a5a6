// Package stats serves the kubelet's resource usage: the Summary API
// (GET /stats/summary, the stats/v1alpha1 JSON shape Kubernetes kubelets
// serve) and the Prometheus /metrics/resource endpoint metrics-server reads.
//
// Node figures come from /proc and statfs; pod and container figures come
// from the runtime's CRI stats (ListContainerStats, ListPodSandboxStats).
// CRI reports cumulative CPU time, so a Provider keeps a small cache of
// samples taken every ten seconds and derives usageNanoCores from the
// difference between a fresh reading and the newest cached one.
package stats

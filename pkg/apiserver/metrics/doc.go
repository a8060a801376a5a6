// Package metrics holds the apiserver's Prometheus metrics, named as
// Kubernetes names them so dashboards carry over: request counts and
// latencies by verb, resource and code, in-flight and long-running request
// gauges, and etcd request latency (observed by the storage layer through
// ObserveEtcdRequest). Handler serves them in the exposition format at
// /metrics.
//
// The collectors live in one process-wide registry, like Kubernetes' legacy
// registry: several apiservers in one test process share the counters.
package metrics

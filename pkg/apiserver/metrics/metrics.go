package metrics

import (
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// latencyBuckets are the request latency buckets in seconds.
var latencyBuckets = []float64{0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1, 1.25, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 45, 60}

// Component is the value of the component label of request metrics.
const Component = "apiserver"

// The request kinds of the in-flight gauge.
const (
	ReadOnlyKind = "readOnly"
	MutatingKind = "mutating"
)

var (
	registry = prometheus.NewRegistry()

	requestTotal = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "apiserver_request_total",
		Help: "Counter of apiserver requests broken out by verb, group, version, resource, subresource, scope, component and HTTP response code.",
	}, []string{"verb", "group", "version", "resource", "subresource", "scope", "component", "code"})

	requestDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "apiserver_request_duration_seconds",
		Help:    "Response latency distribution in seconds for each verb, group, version, resource, subresource, scope and component (long-running requests are not observed).",
		Buckets: latencyBuckets,
	}, []string{"verb", "group", "version", "resource", "subresource", "scope", "component"})

	inflight = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "apiserver_current_inflight_requests",
		Help: "Number of requests being served, by kind (readOnly or mutating); long-running requests are not counted.",
	}, []string{"request_kind"})

	longRunning = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "apiserver_longrunning_requests",
		Help: "Number of open long-running requests (watches, exec, logs, …) by verb and resource.",
	}, []string{"verb", "resource"})

	etcdDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "etcd_request_duration_seconds",
		Help:    "Etcd request latency in seconds for each operation and object type.",
		Buckets: latencyBuckets,
	}, []string{"operation", "type"})
)

func init() {
	registry.MustRegister(requestTotal, requestDuration, inflight, longRunning, etcdDuration,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
}

// Registry returns the registry the apiserver's metrics are in; other
// packages of the process may register their own collectors with it.
func Registry() *prometheus.Registry { return registry }

// Handler serves the metrics in the Prometheus text exposition format.
func Handler() http.Handler {
	return promhttp.HandlerFor(registry, promhttp.HandlerOpts{})
}

// RequestLabels identify a request in the request metrics.
type RequestLabels struct {
	// Verb is the metrics verb: LIST, WATCH, GET, POST, PUT, PATCH, APPLY,
	// DELETE, CONNECT, or the HTTP method of a non-resource request.
	Verb        string
	Group       string
	Version     string
	Resource    string
	Subresource string
	// Scope is resource, namespace, cluster, or empty for non-resource paths.
	Scope string
}

// ObserveRequest records a finished request with its HTTP status code. The
// duration is observed only for requests that are not long-running.
func ObserveRequest(l RequestLabels, code string, elapsed time.Duration, longRunning bool) {
	requestTotal.WithLabelValues(l.Verb, l.Group, l.Version, l.Resource, l.Subresource, l.Scope, Component, code).Inc()
	if !longRunning {
		requestDuration.WithLabelValues(l.Verb, l.Group, l.Version, l.Resource, l.Subresource, l.Scope, Component).Observe(elapsed.Seconds())
	}
}

// TrackLongRunning counts an open long-running request until the returned
// function is called.
func TrackLongRunning(verb, resource string) (done func()) {
	g := longRunning.WithLabelValues(verb, resource)
	g.Inc()
	return g.Dec
}

// AddInflight moves the in-flight gauge of kind (ReadOnlyKind or
// MutatingKind) by delta.
func AddInflight(kind string, delta float64) {
	inflight.WithLabelValues(kind).Add(delta)
}

// ObserveEtcdRequest records the latency of one etcd request; operation is
// get, list, create, update, delete, watch, …, and typ the object type
// ("/registry/pods" or the resource name).
func ObserveEtcdRequest(operation, typ string, elapsed time.Duration) {
	etcdDuration.WithLabelValues(operation, typ).Observe(elapsed.Seconds())
}

// ObserveEtcdRequestSince records the time since start; for call sites like
// defer metrics.ObserveEtcdRequestSince("get", "pods", time.Now()).
func ObserveEtcdRequestSince(operation, typ string, start time.Time) {
	ObserveEtcdRequest(operation, typ, time.Since(start))
}

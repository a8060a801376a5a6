package app

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"keel.dev/client/workqueue"
)

// Metrics holds the per-controller Prometheus collectors.
type Metrics struct {
	Registry *prometheus.Registry
	depth    *prometheus.GaugeVec
	adds     *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	work     *prometheus.HistogramVec
	retries  *prometheus.CounterVec
}

// NewMetrics creates and registers the collectors in a fresh registry.
func NewMetrics() *Metrics {
	m := &Metrics{
		Registry: prometheus.NewRegistry(),
		depth: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "workqueue_depth", Help: "Current depth of the workqueue.",
		}, []string{"name"}),
		adds: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "workqueue_adds_total", Help: "Total number of adds handled by the workqueue.",
		}, []string{"name"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "workqueue_queue_duration_seconds", Help: "Seconds an item waits in the workqueue.",
			Buckets: prometheus.ExponentialBuckets(1e-6, 10, 10),
		}, []string{"name"}),
		work: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "workqueue_work_duration_seconds", Help: "Seconds a sync of one item takes.",
			Buckets: prometheus.ExponentialBuckets(1e-6, 10, 10),
		}, []string{"name"}),
		retries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "workqueue_retries_total", Help: "Total number of failed syncs requeued with backoff.",
		}, []string{"name"}),
	}
	m.Registry.MustRegister(m.depth, m.adds, m.latency, m.work, m.retries,
		prometheus.NewGoCollector(), prometheus.NewProcessCollector(prometheus.ProcessCollectorOpts{}))
	return m
}

// Queue returns the workqueue metrics sink labelled with name.
func (m *Metrics) Queue(name string) workqueue.Metrics {
	return queueMetrics{m: m, name: name}
}

type queueMetrics struct {
	m    *Metrics
	name string
}

func (q queueMetrics) Added()      { q.m.adds.WithLabelValues(q.name).Inc() }
func (q queueMetrics) Depth(n int) { q.m.depth.WithLabelValues(q.name).Set(float64(n)) }
func (q queueMetrics) Latency(d time.Duration) {
	q.m.latency.WithLabelValues(q.name).Observe(d.Seconds())
}
func (q queueMetrics) WorkDuration(d time.Duration) {
	q.m.work.WithLabelValues(q.name).Observe(d.Seconds())
}
func (q queueMetrics) Retried() { q.m.retries.WithLabelValues(q.name).Inc() }

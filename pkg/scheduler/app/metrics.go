package app

import (
	"net/http"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"keel.dev/keel/internal/profiling"
	"keel.dev/keel/pkg/scheduler/queue"
)

// metrics implements scheduler.Metrics with kube-scheduler's metric names.
type metrics struct {
	attempts *prometheus.CounterVec
	duration *prometheus.HistogramVec
	e2e      *prometheus.HistogramVec
}

func newMetrics(reg *prometheus.Registry) *metrics {
	m := &metrics{
		attempts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "scheduler_schedule_attempts_total",
			Help: "Number of attempts to schedule pods, by the result.",
		}, []string{"result", "profile"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "scheduler_scheduling_attempt_duration_seconds",
			Help:    "Scheduling attempt latency in seconds (scheduling algorithm + binding).",
			Buckets: prometheus.ExponentialBuckets(0.001, 2, 15),
		}, []string{"result", "profile"}),
		e2e: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "scheduler_pod_scheduling_sli_duration_seconds",
			Help:    "E2e latency for a pod being scheduled, from the time the pod enters the scheduling queue.",
			Buckets: prometheus.ExponentialBuckets(0.01, 2, 20),
		}, []string{"profile"}),
	}
	reg.MustRegister(m.attempts, m.duration, m.e2e,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// ObserveAttempt counts one scheduling attempt and its latency.
func (m *metrics) ObserveAttempt(profile, result string, d time.Duration) {
	m.attempts.WithLabelValues(result, profile).Inc()
	m.duration.WithLabelValues(result, profile).Observe(d.Seconds())
}

// ObservePodScheduled records a pod's end-to-end scheduling latency.
func (m *metrics) ObservePodScheduled(profile string, e2e time.Duration) {
	m.e2e.WithLabelValues(profile).Observe(e2e.Seconds())
}

// watchQueue registers scheduler_pending_pods{queue}, read from q on scrape.
func (m *metrics) watchQueue(reg *prometheus.Registry, q *queue.PriorityQueue) {
	reg.MustRegister(pendingPods{q: q, desc: prometheus.NewDesc("scheduler_pending_pods",
		"Number of pending pods, by the queue type: 'active', 'backoff', 'unschedulable' or 'gated'.",
		[]string{"queue"}, nil)})
}

type pendingPods struct {
	q    *queue.PriorityQueue
	desc *prometheus.Desc
}

func (p pendingPods) Describe(ch chan<- *prometheus.Desc) { ch <- p.desc }

func (p pendingPods) Collect(ch chan<- prometheus.Metric) {
	active, backoff, unsched, gated := p.q.Sizes()
	for _, s := range []struct {
		name string
		n    int
	}{{"active", active}, {"backoff", backoff}, {"unschedulable", unsched}, {"gated", gated}} {
		ch <- prometheus.MustNewConstMetric(p.desc, prometheus.GaugeValue, float64(s.n), s.name)
	}
}

// endpoints serves /healthz (ok once the caches synced), /metrics and,
// when profiling, /debug/pprof.
func endpoints(reg *prometheus.Registry, healthy *atomic.Bool, withProfiling bool) http.Handler {
	mux := http.NewServeMux()
	health := func(w http.ResponseWriter, _ *http.Request) {
		if !healthy.Load() {
			http.Error(w, "informer caches not synced", http.StatusServiceUnavailable)
			return
		}
		_, _ = w.Write([]byte("ok"))
	}
	mux.HandleFunc("/healthz", health)
	mux.HandleFunc("/readyz", health)
	mux.HandleFunc("/livez", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok")) })
	mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	if withProfiling {
		profiling.Install(mux)
	}
	return mux
}

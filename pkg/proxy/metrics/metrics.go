// Package metrics defines the proxy's Prometheus metrics. Names follow
// kube-proxy's so existing dashboards keep working.
package metrics

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics is the set of proxy metrics.
type Metrics struct {
	SyncDuration       *prometheus.HistogramVec
	ProgrammingLatency prometheus.Histogram
	Rules              *prometheus.GaugeVec
	LastSyncTimestamp  prometheus.Gauge
	SyncFailures       prometheus.Counter
	ChangedChains      prometheus.Histogram
}

// New creates the metrics and registers them with reg when it is non-nil.
func New(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		SyncDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "kubeproxy_sync_proxy_rules_duration_seconds",
			Help:    "Duration of one proxy rules sync, by kind (full or partial).",
			Buckets: prometheus.ExponentialBuckets(0.001, 2, 15),
		}, []string{"kind"}),
		ProgrammingLatency: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "kubeproxy_network_programming_duration_seconds",
			Help:    "Time from an EndpointSlice change to the rules being applied.",
			Buckets: append(prometheus.LinearBuckets(0.25, 0.25, 2), prometheus.ExponentialBuckets(1, 2, 12)...),
		}),
		Rules: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "kubeproxy_sync_proxy_rules_total",
			Help: "Number of rules programmed, by table.",
		}, []string{"table"}),
		LastSyncTimestamp: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "kubeproxy_sync_proxy_rules_last_timestamp_seconds",
			Help: "Unix time of the last successful sync.",
		}),
		SyncFailures: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "kubeproxy_sync_proxy_rules_failures_total",
			Help: "Number of failed syncs.",
		}),
		ChangedChains: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "kubeproxy_sync_proxy_rules_changed_chains",
			Help:    "Number of per-service chains rewritten by a sync.",
			Buckets: prometheus.ExponentialBuckets(1, 4, 10),
		}),
	}
	if reg != nil {
		reg.MustRegister(m.SyncDuration, m.ProgrammingLatency, m.Rules, m.LastSyncTimestamp, m.SyncFailures, m.ChangedChains)
	}
	return m
}

// ObserveSync records a successful sync that took d and finished at now.
func (m *Metrics) ObserveSync(kind string, d time.Duration, now time.Time, rules map[string]int, changedChains int) {
	m.SyncDuration.WithLabelValues(kind).Observe(d.Seconds())
	m.LastSyncTimestamp.Set(float64(now.UnixNano()) / 1e9)
	for table, n := range rules {
		m.Rules.WithLabelValues(table).Set(float64(n))
	}
	m.ChangedChains.Observe(float64(changedChains))
}

// ObserveProgramming records the latency from trigger to now.
func (m *Metrics) ObserveProgramming(trigger, now time.Time) {
	if d := now.Sub(trigger); d >= 0 {
		m.ProgrammingLatency.Observe(d.Seconds())
	}
}

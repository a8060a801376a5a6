package metrics

import (
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

func TestObserveSyncRecordsDurationRulesAndTimestamp(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := New(reg)
	now := time.Unix(1700000000, 0)
	m.ObserveSync("partial", 250*time.Millisecond, now, map[string]int{"nat": 12, "filter": 3}, 4)
	m.ObserveProgramming(now.Add(-2*time.Second), now)
	m.ObserveProgramming(now.Add(time.Second), now) // a trigger from the future is ignored
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, mf := range mfs {
		for _, s := range mf.GetMetric() {
			key := mf.GetName()
			for _, l := range s.GetLabel() {
				key += "/" + l.GetValue()
			}
			switch {
			case s.Gauge != nil:
				got[key] = s.GetGauge().GetValue()
			case s.Histogram != nil:
				got[key] = float64(s.GetHistogram().GetSampleCount())
			}
		}
	}
	cases := []struct {
		name, key string
		want      float64
	}{
		{name: "the nat rule gauge holds the count", key: "kubeproxy_sync_proxy_rules_total/nat", want: 12},
		{name: "the filter rule gauge holds the count", key: "kubeproxy_sync_proxy_rules_total/filter", want: 3},
		{name: "the partial sync duration has one sample", key: "kubeproxy_sync_proxy_rules_duration_seconds/partial", want: 1},
		{name: "only the past trigger time is observed", key: "kubeproxy_network_programming_duration_seconds", want: 1},
		{name: "the last sync timestamp is set", key: "kubeproxy_sync_proxy_rules_last_timestamp_seconds", want: 1700000000},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got[tc.key] != tc.want {
				t.Errorf("%s = %v, want %v (all: %v)", tc.key, got[tc.key], tc.want, got)
			}
		})
	}
}

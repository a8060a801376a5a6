package proxy_test

import (
	"context"
	"errors"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	corev1 "keel.dev/api/core/v1"
	discoveryv1 "keel.dev/api/discovery/v1"
	"keel.dev/apimachinery/pkg/types"
	"keel.dev/keel/pkg/proxy"
	"keel.dev/keel/pkg/proxy/conntrack"
	"keel.dev/keel/pkg/proxy/healthcheck"
	"keel.dev/keel/pkg/proxy/iptables"
	"keel.dev/keel/pkg/proxy/metrics"
	"keel.dev/keel/pkg/proxy/model"
	"keel.dev/keel/pkg/proxy/proxytest"
)

// fakeBackend records the kind of every sync.
type fakeBackend struct {
	mu    sync.Mutex
	syncs []string
	fail  error
}

func (f *fakeBackend) Sync(_ context.Context, _ *model.Result, changed map[types.NamespacedName]struct{}) (proxy.SyncStats, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	kind := "full"
	if changed != nil {
		kind = "partial"
	}
	f.syncs = append(f.syncs, kind)
	if err := f.fail; err != nil {
		f.fail = nil
		return proxy.SyncStats{}, err
	}
	return proxy.SyncStats{Rules: map[string]int{"nat": 7}, ChangedChains: len(changed)}, nil
}

func (f *fakeBackend) Cleanup(context.Context) error { return nil }

func (f *fakeBackend) kinds() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return strings.Join(f.syncs, ",")
}

type env struct {
	p       *proxy.Proxier
	backend *fakeBackend
	ct      *conntrack.FakeExec
	metrics *metrics.Metrics
	reg     *prometheus.Registry
	health  *healthcheck.ProxyHealth
	svcH    *healthcheck.ServiceHealth
	now     *time.Time
}

func newEnv(t *testing.T) *env {
	t.Helper()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	reg := prometheus.NewRegistry()
	e := &env{backend: &fakeBackend{}, ct: &conntrack.FakeExec{}, metrics: metrics.New(reg), reg: reg, now: &now}
	clock := func() time.Time { return *e.now }
	e.health = healthcheck.NewProxyHealth(time.Minute, clock)
	e.svcH = healthcheck.NewServiceHealth(func(int32) (net.Listener, error) { return net.Listen("tcp", "127.0.0.1:0") }, nil, proxytest.Discard())
	t.Cleanup(e.svcH.Close)
	p, err := proxy.New(proxy.Config{
		Backend:       e.backend,
		Tracker:       model.NewTracker(model.Config{NodeName: proxytest.NodeName, Logger: proxytest.Discard()}),
		SyncPeriod:    time.Minute,
		Conntrack:     &conntrack.Client{Exec: e.ct},
		Health:        e.health,
		ServiceHealth: e.svcH,
		Metrics:       e.metrics,
		Logger:        proxytest.Discard(),
		Now:           clock,
	})
	if err != nil {
		t.Fatal(err)
	}
	e.p = p
	c := proxytest.Table()
	for _, s := range c.Services {
		p.OnServiceUpdate(nil, s)
	}
	for _, s := range c.Slices {
		p.OnEndpointSliceUpdate(nil, s)
	}
	return e
}

func TestProxierChoosesFullAndPartialSyncs(t *testing.T) {
	cases := []struct {
		name  string
		steps func(t *testing.T, e *env)
		want  string
	}{
		{name: "the first sync is full and later ones are partial", steps: func(t *testing.T, e *env) {
			mustSync(t, e.p)
			mustSync(t, e.p)
		}, want: "full,partial"},
		{name: "a failed sync makes the next one full", steps: func(t *testing.T, e *env) {
			mustSync(t, e.p)
			e.backend.fail = errors.New("boom")
			if err := e.p.Sync(); err == nil {
				t.Error("Sync hid the backend failure")
			}
			mustSync(t, e.p)
			if got := metricValue(t, e.reg, "kubeproxy_sync_proxy_rules_failures_total"); got != 1 {
				t.Errorf("failure counter = %v, want 1", got)
			}
		}, want: "full,partial,full"},
		{name: "a sync after the sync period is full", steps: func(t *testing.T, e *env) {
			mustSync(t, e.p)
			*e.now = e.now.Add(2 * time.Minute)
			mustSync(t, e.p)
		}, want: "full,full"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			tc.steps(t, e)
			if got := e.backend.kinds(); got != tc.want {
				t.Errorf("syncs = %s, want %s", got, tc.want)
			}
		})
	}
}

func mustSync(t *testing.T, p *proxy.Proxier) {
	t.Helper()
	if err := p.Sync(); err != nil {
		t.Fatal(err)
	}
}

func TestProxierSideEffectsAfterSync(t *testing.T) {
	e := newEnv(t)
	e.health.QueuedUpdate()
	*e.now = e.now.Add(5 * time.Minute)
	if ok, _, _ := e.health.Status(); ok {
		t.Fatal("health is fine before any sync")
	}
	mustSync(t, e.p)
	if ok, _, _ := e.health.Status(); !ok {
		t.Error("health not updated by the sync")
	}
	if got := metricValue(t, e.reg, "kubeproxy_sync_proxy_rules_total"); got != 7 {
		t.Errorf("nat rule gauge = %v, want 7", got)
	}
	if got := e.svcH.Ports()[types.NamespacedName{Namespace: "ns2", Name: "local"}]; got != 32000 {
		t.Errorf("health check port of ns2/local = %d, want 32000", got)
	}
	// The UDP service ns2/dns gained endpoints: its conntrack entries are flushed.
	if !containsCmd(e.ct.Commands, "conntrack -D -p udp --orig-dst 10.96.0.16 --dport 53") {
		t.Errorf("conntrack commands = %q", e.ct.Commands)
	}

	// Removing one UDP endpoint flushes entries NATed to it.
	c := proxytest.Table()
	var old, upd *discoveryv1.EndpointSlice
	for _, s := range c.Slices {
		if s.Name == "dns-1" {
			old = s
			upd = s.DeepCopy()
			upd.Endpoints = upd.Endpoints[1:]
			upd.Annotations = map[string]string{model.TriggerTimeAnnotation: e.now.Add(-3 * time.Second).Format(time.RFC3339Nano)}
		}
	}
	e.p.OnEndpointSliceUpdate(old, upd)
	mustSync(t, e.p)
	if !containsCmd(e.ct.Commands, "conntrack -D -p udp --orig-dst 10.96.0.16 --dst-nat 10.244.2.7") {
		t.Errorf("conntrack commands = %q", e.ct.Commands)
	}
	if n := metricValue(t, e.reg, "kubeproxy_network_programming_duration_seconds"); n != 1 {
		t.Errorf("programming latency samples = %v, want 1", n)
	}
}

func containsCmd(cmds []string, want string) bool {
	for _, c := range cmds {
		if c == want {
			return true
		}
	}
	return false
}

func TestProxierRunLoopSyncsOnEvents(t *testing.T) {
	f := &iptables.FakeRunner{}
	p, err := iptables.NewProxier(proxy.Config{
		Tracker: model.NewTracker(model.Config{Logger: proxytest.Discard()}),
		Logger:  proxytest.Discard(),
	}, iptables.Config{}, f)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go p.Run(ctx)
	svc := proxytest.Service("ns", "a", corev1.ServiceTypeClusterIP, "10.96.1.1", proxytest.Port("", corev1.ProtocolTCP, 80, 0))
	p.OnServiceUpdate(nil, svc)
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		f.Lock()
		var last string
		if n := len(f.Restores); n > 0 {
			last = string(f.Restores[n-1])
		}
		f.Unlock()
		if strings.Contains(last, "ns/a has no endpoints") {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("the run loop never programmed the new service")
}

// metricValue returns a counter or gauge value, or a histogram's sample
// count, of the first series of the named metric.
func metricValue(t *testing.T, reg *prometheus.Registry, name string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name || len(mf.GetMetric()) == 0 {
			continue
		}
		m := mf.GetMetric()[0]
		switch {
		case m.Counter != nil:
			return m.GetCounter().GetValue()
		case m.Gauge != nil:
			return m.GetGauge().GetValue()
		case m.Histogram != nil:
			return float64(m.GetHistogram().GetSampleCount())
		}
	}
	t.Fatalf("metric %s not found", name)
	return 0
}

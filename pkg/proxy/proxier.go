package proxy

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"sync"
	"time"

	corev1 "keel.dev/api/core/v1"
	discoveryv1 "keel.dev/api/discovery/v1"
	"keel.dev/apimachinery/pkg/types"
	"keel.dev/keel/pkg/proxy/conntrack"
	"keel.dev/keel/pkg/proxy/healthcheck"
	"keel.dev/keel/pkg/proxy/metrics"
	"keel.dev/keel/pkg/proxy/model"
	"keel.dev/keel/pkg/proxy/syncrunner"
)

// SyncStats describes one applied sync.
type SyncStats struct {
	// Rules counts the programmed rules per table.
	Rules map[string]int
	// ChangedChains counts per-service chains rewritten.
	ChangedChains int
}

// Backend programs the packet path for one proxy mode.
type Backend interface {
	// Sync applies the state; changed is nil for a full sync. On error
	// nothing the backend remembers may change.
	Sync(ctx context.Context, res *model.Result, changed map[types.NamespacedName]struct{}) (SyncStats, error)
	// Cleanup removes everything the backend ever programmed.
	Cleanup(ctx context.Context) error
}

// Config configures a Proxier. Only Backend and Tracker are required.
type Config struct {
	Backend       Backend
	Tracker       *model.Tracker
	MinSyncPeriod time.Duration
	// SyncPeriod is the interval of forced full syncs (default 30s).
	SyncPeriod    time.Duration
	Conntrack     *conntrack.Client
	Health        *healthcheck.ProxyHealth
	ServiceHealth *healthcheck.ServiceHealth
	Metrics       *metrics.Metrics
	Logger        *slog.Logger
	Now           func() time.Time
}

// Proxier turns Service and EndpointSlice events into backend syncs.
type Proxier struct {
	cfg    Config
	log    *slog.Logger
	runner *syncrunner.Runner

	mu           sync.Mutex
	needFull     bool
	lastFull     time.Time
	pendingTimes map[types.NamespacedName][]time.Time
}

// New returns a Proxier; the first Sync is a full one.
func New(cfg Config) (*Proxier, error) {
	if cfg.Backend == nil || cfg.Tracker == nil {
		return nil, errors.New("proxy: Backend and Tracker are required")
	}
	if cfg.SyncPeriod <= 0 {
		cfg.SyncPeriod = 30 * time.Second
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	p := &Proxier{cfg: cfg, log: cfg.Logger, needFull: true, pendingTimes: map[types.NamespacedName][]time.Time{}}
	p.runner = syncrunner.New(func() {
		if err := p.Sync(); err != nil {
			p.log.Error("proxy sync failed", "err", err)
			p.runner.RetryAfter(cfg.MinSyncPeriod + time.Second)
		}
	}, cfg.MinSyncPeriod, cfg.SyncPeriod)
	return p, nil
}

// OnServiceUpdate records a Service add (old nil), update or delete (new nil).
func (p *Proxier) OnServiceUpdate(old, new *corev1.Service) {
	p.cfg.Tracker.OnServiceUpdate(old, new)
	p.queued()
}

// OnEndpointSliceUpdate records an EndpointSlice add, update or delete.
func (p *Proxier) OnEndpointSliceUpdate(old, new *discoveryv1.EndpointSlice) {
	p.cfg.Tracker.OnEndpointSliceUpdate(old, new)
	p.queued()
}

func (p *Proxier) queued() {
	if p.cfg.Health != nil {
		p.cfg.Health.QueuedUpdate()
	}
	p.runner.Run()
}

// Run runs the sync loop until ctx ends.
func (p *Proxier) Run(ctx context.Context) {
	p.runner.Run()
	p.runner.Loop(ctx)
}

// Sync applies pending changes now: fully on the first call, after a
// failure or when SyncPeriod has elapsed since the last full sync, and
// partially (only changed services) otherwise.
func (p *Proxier) Sync() error {
	ctx := context.Background()
	p.mu.Lock()
	defer p.mu.Unlock()
	start := p.cfg.Now()
	res := p.cfg.Tracker.Update()
	for nn, ts := range res.TriggerTimes {
		p.pendingTimes[nn] = append(p.pendingTimes[nn], ts...)
	}
	full := p.needFull || start.Sub(p.lastFull) >= p.cfg.SyncPeriod
	changed := res.Changed
	if full {
		changed = nil
	}
	stats, err := p.cfg.Backend.Sync(ctx, res, changed)
	if err != nil {
		p.needFull = true
		if p.cfg.Metrics != nil {
			p.cfg.Metrics.SyncFailures.Inc()
		}
		// The tracker has moved on and will not report these again; flushing
		// entries of removed endpoints is harmless even before the rules change.
		p.flushConntrack(ctx, res)
		return fmt.Errorf("sync proxy rules: %w", err)
	}
	now := p.cfg.Now()
	kind := "partial"
	if full {
		kind = "full"
		p.needFull = false
		p.lastFull = start
	}
	p.flushConntrack(ctx, res)
	p.syncHealth(res)
	if p.cfg.Health != nil {
		p.cfg.Health.Updated()
	}
	if m := p.cfg.Metrics; m != nil {
		m.ObserveSync(kind, now.Sub(start), now, stats.Rules, stats.ChangedChains)
		for _, ts := range p.pendingTimes {
			for _, t := range ts {
				m.ObserveProgramming(t, now)
			}
		}
	}
	p.pendingTimes = map[types.NamespacedName][]time.Time{}
	p.log.Debug("proxy rules synced", "kind", kind, "changed", len(res.Changed), "duration", now.Sub(start),
		"changedChains", stats.ChangedChains)
	return nil
}

// flushConntrack removes UDP conntrack entries made stale by this sync.
func (p *Proxier) flushConntrack(ctx context.Context, res *model.Result) {
	ct := p.cfg.Conntrack
	if ct == nil {
		return
	}
	logErr := func(err error) {
		if err != nil {
			p.log.Warn("conntrack flush failed", "err", err)
		}
	}
	for _, sp := range res.StaleUDPServices {
		logErr(ct.ClearService(ctx, sp.ClusterIP, sp.Port, sp.Protocol))
		for _, ip := range append(append([]netip.Addr{}, sp.ExternalIPs...), sp.LoadBalancerIPs...) {
			logErr(ct.ClearService(ctx, ip, sp.Port, sp.Protocol))
		}
		if sp.NodePort > 0 {
			logErr(ct.ClearNodePort(ctx, sp.NodePort, sp.Protocol, sp.ClusterIP.Is6()))
		}
	}
	for _, se := range res.StaleUDPEndpoints {
		sp := se.Service
		logErr(ct.ClearEndpoint(ctx, sp.ClusterIP, se.Endpoint.IP, sp.Protocol))
		for _, ip := range append(append([]netip.Addr{}, sp.ExternalIPs...), sp.LoadBalancerIPs...) {
			logErr(ct.ClearEndpoint(ctx, ip, se.Endpoint.IP, sp.Protocol))
		}
		if sp.NodePort > 0 {
			logErr(ct.ClearNodePortEndpoint(ctx, sp.NodePort, se.Endpoint.IP, sp.Protocol))
		}
	}
}

// syncHealth updates the per-service health-check servers.
func (p *Proxier) syncHealth(res *model.Result) {
	sh := p.cfg.ServiceHealth
	if sh == nil {
		return
	}
	ports := map[types.NamespacedName]int32{}
	locals := map[types.NamespacedName]int{}
	for spn, sp := range res.Services {
		if sp.HealthCheckNodePort == 0 {
			continue
		}
		ports[spn.NamespacedName] = sp.HealthCheckNodePort
		n := 0
		for _, ep := range res.Endpoints[spn] {
			if ep.IsLocal && ep.Ready {
				n++
			}
		}
		if n > locals[spn.NamespacedName] {
			locals[spn.NamespacedName] = n
		}
	}
	if err := sh.SyncServices(ports); err != nil {
		p.log.Warn("health check servers", "err", err)
	}
	sh.SyncEndpoints(locals)
}

// Cleanup removes all rules of the backend.
func (p *Proxier) Cleanup(ctx context.Context) error { return p.cfg.Backend.Cleanup(ctx) }

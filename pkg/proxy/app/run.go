package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/client/rest"
	"keel.dev/client/typed"
	"keel.dev/keel/pkg/proxy"
	"keel.dev/keel/pkg/proxy/conntrack"
	"keel.dev/keel/pkg/proxy/healthcheck"
	"keel.dev/keel/pkg/proxy/iptables"
	"keel.dev/keel/pkg/proxy/metrics"
	"keel.dev/keel/pkg/proxy/model"
	"keel.dev/keel/pkg/proxy/nftables"
)

// Config is the resolved configuration Run needs.
type Config struct {
	// REST reaches the apiserver; ignored when Client is set.
	REST *rest.Config
	// Client, when set, is used instead of building one from REST (tests).
	Client *typed.Clientset
	// NodeName is this node; endpoints on it are local.
	NodeName string
	// Mode is ModeIPTables or ModeNFTables.
	Mode string
	// Family is the IP family programmed (IPv4 unless ClusterCIDR is IPv6).
	Family        corev1.IPFamily
	ClusterCIDR   netip.Prefix
	MasqueradeAll bool
	MasqueradeBit int
	// NodePortAddresses limits NodePorts to these ranges; empty means every
	// local address unless NodePortPrimary selects the Node's InternalIPs.
	NodePortAddresses []netip.Prefix
	NodePortPrimary   bool
	MinSyncPeriod     time.Duration
	SyncPeriod        time.Duration
	// HealthzAddress and MetricsAddress are host:port; empty disables them.
	HealthzAddress, MetricsAddress string
	// IPTablesVariant is "legacy", "nft" or "" (system default).
	IPTablesVariant string
	// Cleanup makes Run remove the rules of both modes and return.
	Cleanup bool
	// CommandPrefix runs iptables, nft and conntrack behind a prefix such
	// as `ip netns exec NAME` (tests).
	CommandPrefix []string
	// IPTablesRunner, NFTRunner and ConntrackExec replace the binaries (tests).
	IPTablesRunner iptables.Runner
	NFTRunner      nftables.Runner
	ConntrackExec  conntrack.Exec
	// Logger defaults to slog.Default().
	Logger *slog.Logger
	// Started, when set, is called once the caches synced, before the sync loop runs.
	Started func(*Started)
}

// Started describes a running proxy.
type Started struct {
	Proxier *proxy.Proxier
	// HealthzAddr and MetricsAddr are the bound addresses ("" if disabled).
	HealthzAddr, MetricsAddr string
}

func (c *Config) logger() *slog.Logger {
	if c.Logger != nil {
		return c.Logger
	}
	return slog.Default()
}

// Run connects to the apiserver, builds the Proxier of cfg.Mode, feeds it
// Services and EndpointSlices, serves /healthz and /metrics, and syncs
// rules until ctx ends. With cfg.Cleanup it only removes the rules.
func Run(ctx context.Context, cfg *Config) error {
	if cfg.Cleanup {
		return Cleanup(ctx, cfg)
	}
	log := cfg.logger()
	cs := cfg.Client
	if cs == nil {
		var err error
		if cs, err = typed.NewForConfig(cfg.REST); err != nil {
			return fmt.Errorf("client: %w", err)
		}
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	w := newWiring(cs, cfg, log)
	defer w.shutdown()
	w.start(ctx)
	if !w.waitForSync(ctx) {
		return errors.New("service and endpointslice caches did not sync")
	}
	nodePorts := cfg.NodePortAddresses
	if cfg.NodePortPrimary {
		node, err := w.waitForNode(ctx)
		if err != nil {
			return err
		}
		nodePorts = primaryPrefixes(node, cfg.Family)
		if len(nodePorts) == 0 {
			return fmt.Errorf("--nodeport-addresses=primary: node %s has no %s InternalIP", cfg.NodeName, cfg.Family)
		}
	}

	reg := prometheus.NewRegistry()
	health := healthcheck.NewProxyHealth(2*cfg.SyncPeriod, nil)
	svcHealth := healthcheck.NewServiceHealth(nil, func() bool { ok, _, _ := health.Status(); return ok }, log)
	defer svcHealth.Close()
	backend, err := newBackend(cfg, nodePorts)
	if err != nil {
		return err
	}
	ctExec := cfg.ConntrackExec
	if ctExec == nil {
		ctExec = conntrack.OSExec{Prefix: cfg.CommandPrefix}
	}
	p, err := proxy.New(proxy.Config{
		Backend:       &reportingBackend{Backend: backend, report: w.reportProblems},
		Tracker:       model.NewTracker(model.Config{NodeName: cfg.NodeName, Family: cfg.Family, Logger: log}),
		MinSyncPeriod: cfg.MinSyncPeriod,
		SyncPeriod:    cfg.SyncPeriod,
		Conntrack:     &conntrack.Client{Exec: ctExec},
		Health:        health,
		ServiceHealth: svcHealth,
		Metrics:       metrics.New(reg),
		Logger:        log,
	})
	if err != nil {
		return err
	}
	st := &Started{Proxier: p}
	if cfg.HealthzAddress != "" {
		if st.HealthzAddr, err = serve(ctx, log, cfg.HealthzAddress, w.healthHandler(health)); err != nil {
			return err
		}
	}
	if cfg.MetricsAddress != "" {
		mux := http.NewServeMux()
		mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
		if st.MetricsAddr, err = serve(ctx, log, cfg.MetricsAddress, mux); err != nil {
			return err
		}
	}
	w.connect(p)
	log.Info("proxy started", "mode", cfg.Mode, "node", cfg.NodeName, "family", cfg.Family,
		"healthz", st.HealthzAddr, "metrics", st.MetricsAddr)
	if cfg.Started != nil {
		cfg.Started(st)
	}
	p.Run(ctx)
	return nil
}

// newBackend builds the backend of cfg.Mode.
func newBackend(cfg *Config, nodePorts []netip.Prefix) (proxy.Backend, error) {
	switch cfg.Mode {
	case ModeIPTables, "":
		r := cfg.IPTablesRunner
		if r == nil {
			r = &iptables.ExecRunner{Family: cfg.Family, Prefix: cfg.CommandPrefix, Variant: cfg.IPTablesVariant}
		}
		return iptables.NewBackend(iptables.Config{Family: cfg.Family, ClusterCIDR: cfg.ClusterCIDR,
			MasqueradeAll: cfg.MasqueradeAll, MasqueradeBit: cfg.MasqueradeBit, NodePortAddresses: nodePorts}, r), nil
	case ModeNFTables:
		r := cfg.NFTRunner
		if r == nil {
			r = &nftables.ExecRunner{Prefix: cfg.CommandPrefix}
		}
		return nftables.NewBackend(nftables.Config{Family: cfg.Family, ClusterCIDR: cfg.ClusterCIDR,
			MasqueradeAll: cfg.MasqueradeAll, MasqueradeBit: cfg.MasqueradeBit, NodePortAddresses: nodePorts}, r), nil
	}
	return nil, fmt.Errorf("unsupported proxy mode %q", cfg.Mode)
}

// primaryPrefixes returns the Node's InternalIPs of family as host prefixes.
func primaryPrefixes(node *corev1.Node, family corev1.IPFamily) []netip.Prefix {
	var out []netip.Prefix
	for _, a := range node.Status.Addresses {
		if a.Type != corev1.NodeInternalIP {
			continue
		}
		ip, err := netip.ParseAddr(a.Address)
		if err != nil || ip.Is6() != (family == corev1.IPv6Protocol) {
			continue
		}
		out = append(out, netip.PrefixFrom(ip.Unmap(), ip.BitLen()))
	}
	return out
}

// serve listens on addr and serves h until ctx ends, returning the bound address.
func serve(ctx context.Context, log *slog.Logger, addr string, h http.Handler) (string, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", fmt.Errorf("listen %s: %w", addr, err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		<-ctx.Done()
		_ = srv.Close()
	}()
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("http server", "addr", addr, "err", err)
		}
	}()
	return ln.Addr().String(), nil
}

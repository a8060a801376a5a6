package app

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"strings"
	"time"

	"github.com/spf13/pflag"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/client/kubeconfig"
)

// Proxy modes.
const (
	ModeIPTables = "iptables"
	ModeNFTables = "nftables"
)

// NodePortPrimary is the --nodeport-addresses keyword that limits NodePorts
// to the Node's primary (InternalIP) addresses.
const NodePortPrimary = "primary"

// Options are the proxy's command-line flags.
type Options struct {
	Kubeconfig         string
	Master             string
	HostnameOverride   string
	ProxyMode          string
	ClusterCIDR        string
	NodePortAddresses  []string
	MinSyncPeriod      time.Duration
	SyncPeriod         time.Duration
	MasqueradeAll      bool
	MasqueradeBit      int
	HealthzBindAddress string
	MetricsBindAddress string
	Cleanup            bool
	IPTablesVariant    string
	QPS                float32
	Burst              int
	Verbosity          int
}

// NewOptions returns kube-proxy's defaults.
func NewOptions() *Options {
	return &Options{
		ProxyMode:          ModeIPTables,
		MinSyncPeriod:      time.Second,
		SyncPeriod:         30 * time.Second,
		MasqueradeBit:      14,
		HealthzBindAddress: "0.0.0.0:10256",
		MetricsBindAddress: "127.0.0.1:10249",
		QPS:                5,
		Burst:              10,
	}
}

// AddFlags registers the options on fs.
func (o *Options) AddFlags(fs *pflag.FlagSet) {
	fs.StringVar(&o.Kubeconfig, "kubeconfig", o.Kubeconfig, "path of a kubeconfig file; empty means KUBECONFIG, ~/.kube/config, then in-cluster")
	fs.StringVar(&o.Master, "master", o.Master, "address of the apiserver, overriding the kubeconfig's server")
	fs.StringVar(&o.HostnameOverride, "hostname-override", o.HostnameOverride, "name of this node (default: the host name); endpoints on it are local")
	fs.StringVar(&o.ProxyMode, "proxy-mode", o.ProxyMode, "how Services are programmed: iptables or nftables")
	fs.StringVar(&o.ClusterCIDR, "cluster-cidr", o.ClusterCIDR, "pod CIDR of the cluster; traffic to Service IPs from outside it is masqueraded (its family selects IPv4 or IPv6)")
	fs.StringSliceVar(&o.NodePortAddresses, "nodeport-addresses", o.NodePortAddresses, "CIDRs of the node addresses that accept NodePorts, or \"primary\" for the Node's InternalIPs; empty means every local address")
	fs.DurationVar(&o.MinSyncPeriod, "min-sync-period", o.MinSyncPeriod, "minimum interval between rule syncs (changes are batched)")
	fs.DurationVar(&o.SyncPeriod, "sync-period", o.SyncPeriod, "interval of forced full rule syncs")
	fs.BoolVar(&o.MasqueradeAll, "masquerade-all", o.MasqueradeAll, "SNAT all traffic sent to Service IPs")
	fs.IntVar(&o.MasqueradeBit, "masquerade-bit", o.MasqueradeBit, "fwmark bit (0-31) marking packets to masquerade")
	fs.StringVar(&o.HealthzBindAddress, "healthz-bind-address", o.HealthzBindAddress, "host:port of /healthz (plain HTTP; empty disables it)")
	fs.StringVar(&o.MetricsBindAddress, "metrics-bind-address", o.MetricsBindAddress, "host:port of /metrics (plain HTTP; empty disables it)")
	fs.BoolVar(&o.Cleanup, "cleanup", o.Cleanup, "remove every rule of both proxy modes and exit")
	fs.StringVar(&o.IPTablesVariant, "iptables-variant", o.IPTablesVariant, "iptables binaries used in iptables mode: legacy (iptables-legacy-restore, much faster at many Services), nft, or empty for the system default")
	fs.Float32Var(&o.QPS, "kube-api-qps", o.QPS, "client-side requests per second to the apiserver (negative: unlimited)")
	fs.IntVar(&o.Burst, "kube-api-burst", o.Burst, "client-side burst of requests to the apiserver")
	fs.IntVarP(&o.Verbosity, "v", "v", o.Verbosity, "log verbosity: 4 and above logs at debug level")
}

// Validate checks the options without touching the network or the kernel.
func (o *Options) Validate() error {
	var errs []error
	switch o.ProxyMode {
	case ModeIPTables, ModeNFTables:
	default:
		errs = append(errs, fmt.Errorf("--proxy-mode: unsupported %q (want iptables or nftables)", o.ProxyMode))
	}
	switch o.IPTablesVariant {
	case "", "legacy", "nft":
	default:
		errs = append(errs, fmt.Errorf("--iptables-variant: unsupported %q (want legacy, nft or empty)", o.IPTablesVariant))
	}
	if o.ClusterCIDR != "" {
		if _, err := netip.ParsePrefix(o.ClusterCIDR); err != nil {
			errs = append(errs, fmt.Errorf("--cluster-cidr: %w", err))
		}
	}
	if _, _, err := o.nodePorts(); err != nil {
		errs = append(errs, err)
	}
	if o.MinSyncPeriod < 0 {
		errs = append(errs, errors.New("--min-sync-period: must not be negative"))
	}
	if o.SyncPeriod <= 0 {
		errs = append(errs, errors.New("--sync-period: must be positive"))
	} else if o.MinSyncPeriod > o.SyncPeriod {
		errs = append(errs, errors.New("--min-sync-period: must not exceed --sync-period"))
	}
	if o.MasqueradeBit < 0 || o.MasqueradeBit > 31 {
		errs = append(errs, fmt.Errorf("--masquerade-bit: %d is outside 0-31", o.MasqueradeBit))
	}
	for flag, addr := range map[string]string{"--healthz-bind-address": o.HealthzBindAddress, "--metrics-bind-address": o.MetricsBindAddress} {
		if addr == "" {
			continue
		}
		if _, _, err := net.SplitHostPort(addr); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", flag, err))
		}
	}
	if o.Burst < 0 {
		errs = append(errs, errors.New("--kube-api-burst: must not be negative"))
	}
	return errors.Join(errs...)
}

// nodePorts parses --nodeport-addresses.
func (o *Options) nodePorts() (prefixes []netip.Prefix, primary bool, err error) {
	for _, s := range o.NodePortAddresses {
		s = strings.TrimSpace(s)
		if s == NodePortPrimary {
			primary = true
			continue
		}
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return nil, false, fmt.Errorf("--nodeport-addresses: %w", err)
		}
		prefixes = append(prefixes, p.Masked())
	}
	if primary && len(prefixes) > 0 {
		return nil, false, errors.New("--nodeport-addresses: \"primary\" cannot be combined with CIDRs")
	}
	return prefixes, primary, nil
}

// Config validates the options and resolves them into a Config; the
// kubeconfig is not read for --cleanup.
func (o *Options) Config() (*Config, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	cfg := &Config{
		Mode: o.ProxyMode, Cleanup: o.Cleanup, NodeName: o.HostnameOverride,
		MinSyncPeriod: o.MinSyncPeriod, SyncPeriod: o.SyncPeriod,
		MasqueradeAll: o.MasqueradeAll, MasqueradeBit: o.MasqueradeBit,
		HealthzAddress: o.HealthzBindAddress, MetricsAddress: o.MetricsBindAddress,
		IPTablesVariant: o.IPTablesVariant, Family: corev1.IPv4Protocol,
	}
	if o.ClusterCIDR != "" {
		cfg.ClusterCIDR = netip.MustParsePrefix(o.ClusterCIDR).Masked()
		if cfg.ClusterCIDR.Addr().Is6() {
			cfg.Family = corev1.IPv6Protocol
		}
	}
	cfg.NodePortAddresses, cfg.NodePortPrimary, _ = o.nodePorts()
	if cfg.NodeName == "" {
		h, err := os.Hostname()
		if err != nil {
			return nil, fmt.Errorf("node name: %w", err)
		}
		cfg.NodeName = h
	}
	cfg.NodeName = strings.ToLower(strings.TrimSpace(cfg.NodeName))
	level := slog.LevelInfo
	if o.Verbosity >= 4 {
		level = slog.LevelDebug
	}
	cfg.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	if o.Cleanup {
		return cfg, nil
	}
	rc, err := kubeconfig.BuildConfig(o.Kubeconfig, kubeconfig.Overrides{Server: o.Master})
	if err != nil {
		return nil, fmt.Errorf("kubeconfig: %w", err)
	}
	rc.QPS, rc.Burst = o.QPS, o.Burst
	rc.UserAgent = "keel-proxy"
	cfg.REST = rc
	return cfg, nil
}

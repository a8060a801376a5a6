package app

import (
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/spf13/pflag"

	cloudprovider "keel.dev/cloud-provider"
	"keel.dev/cloud-provider/controllers/node"
	"keel.dev/cloud-provider/controllers/route"
)

// Names of the controllers, as used by --controllers.
const (
	ControllerCloudNode          = "cloud-node"
	ControllerCloudNodeLifecycle = "cloud-node-lifecycle"
	ControllerService            = "service"
	ControllerRoute              = "route"
)

// KnownControllers lists every controller name, in start order.
var KnownControllers = []string{ControllerCloudNode, ControllerCloudNodeLifecycle, ControllerService, ControllerRoute}

// Config is the configuration of one cloud-controller-manager process.
type Config struct {
	// CloudProvider names the provider in Registry; CloudConfig is the path
	// of its configuration file (optional).
	CloudProvider, CloudConfig string
	// Registry resolves CloudProvider (default cloudprovider.DefaultRegistry()).
	Registry *cloudprovider.Registry
	// Kubeconfig is the path of a kubeconfig; empty means KUBECONFIG,
	// ~/.kube/config, then the in-cluster config.
	Kubeconfig string
	// Master overrides the API server address of the kubeconfig.
	Master string
	// ClusterName is passed to the provider's LoadBalancer and Routes calls.
	ClusterName string
	// Controllers selects controllers: "*" means all, "name" enables,
	// "-name" disables.
	Controllers []string
	// LeaderElect runs the loops only while holding the Lease
	// LeaderElectNamespace/LeaderElectName.
	LeaderElect                               bool
	LeaderElectNamespace                      string
	LeaderElectName                           string
	LeaseDuration, RenewDeadline, RetryPeriod time.Duration
	// KubeAPIQPS and KubeAPIBurst size the client-side rate limit.
	KubeAPIQPS   float32
	KubeAPIBurst int
	// ConcurrentServiceSyncs is the number of service controller workers.
	ConcurrentServiceSyncs int
	// ConcurrentNodeSyncs is the number of cloud node controller workers.
	ConcurrentNodeSyncs int
	// NodeMonitorPeriod is the interval of the node lifecycle checks.
	NodeMonitorPeriod time.Duration
	// ConfigureCloudRoutes enables the route controller; RouteReconcilePeriod
	// is its periodic interval and ClusterCIDR (comma separated) limits the
	// routes it deletes.
	ConfigureCloudRoutes bool
	RouteReconcilePeriod time.Duration
	ClusterCIDR          string
	// BindAddress and SecurePort locate the /healthz and /metrics listener
	// (plain HTTP); a port of 0 disables it.
	BindAddress string
	SecurePort  int
}

// NewConfig returns a Config with the defaults of the flags.
func NewConfig() *Config {
	return &Config{
		ClusterName:            "kubernetes",
		Controllers:            []string{"*"},
		LeaderElect:            true,
		LeaderElectNamespace:   "kube-system",
		LeaderElectName:        "cloud-controller-manager",
		LeaseDuration:          15 * time.Second,
		RenewDeadline:          10 * time.Second,
		RetryPeriod:            2 * time.Second,
		KubeAPIQPS:             20,
		KubeAPIBurst:           30,
		ConcurrentServiceSyncs: 1,
		ConcurrentNodeSyncs:    1,
		NodeMonitorPeriod:      node.DefaultMonitorPeriod,
		ConfigureCloudRoutes:   true,
		RouteReconcilePeriod:   route.DefaultSyncPeriod,
		BindAddress:            "127.0.0.1",
		SecurePort:             10258,
	}
}

// AddFlags binds the fields of c to flags of fs.
func (c *Config) AddFlags(fs *pflag.FlagSet) {
	registry := c.registry()
	fs.StringVar(&c.CloudProvider, "cloud-provider", c.CloudProvider,
		fmt.Sprintf("The cloud provider to run (registered: %s).", strings.Join(registry.Names(), ", ")))
	fs.StringVar(&c.CloudConfig, "cloud-config", c.CloudConfig, "The path of the cloud provider's configuration file; empty for none.")
	fs.StringVar(&c.Kubeconfig, "kubeconfig", c.Kubeconfig, "The path of a kubeconfig with the API server address and credentials; empty means $KUBECONFIG, ~/.kube/config, then the in-cluster config.")
	fs.StringVar(&c.Master, "master", c.Master, "The address of the API server (overrides the kubeconfig).")
	fs.StringVar(&c.ClusterName, "cluster-name", c.ClusterName, "The instance prefix of the cluster, passed to the cloud provider.")
	fs.StringSliceVar(&c.Controllers, "controllers", c.Controllers,
		fmt.Sprintf("Controllers to run: '*' runs all, 'foo' enables foo, '-foo' disables foo. All: %s.", strings.Join(KnownControllers, ", ")))
	fs.BoolVar(&c.LeaderElect, "leader-elect", c.LeaderElect, "Run the loops only while holding the leader Lease, so several replicas can run.")
	fs.StringVar(&c.LeaderElectNamespace, "leader-elect-resource-namespace", c.LeaderElectNamespace, "The namespace of the leader election Lease.")
	fs.StringVar(&c.LeaderElectName, "leader-elect-resource-name", c.LeaderElectName, "The name of the leader election Lease.")
	fs.DurationVar(&c.LeaseDuration, "leader-elect-lease-duration", c.LeaseDuration, "How long a non-leader waits after the last renewal before taking over.")
	fs.DurationVar(&c.RenewDeadline, "leader-elect-renew-deadline", c.RenewDeadline, "How long the leader keeps trying to renew before it stops leading.")
	fs.DurationVar(&c.RetryPeriod, "leader-elect-retry-period", c.RetryPeriod, "The interval between attempts to acquire or renew the Lease.")
	fs.Float32Var(&c.KubeAPIQPS, "kube-api-qps", c.KubeAPIQPS, "Queries per second to the API server.")
	fs.IntVar(&c.KubeAPIBurst, "kube-api-burst", c.KubeAPIBurst, "Burst of queries to the API server.")
	fs.IntVar(&c.ConcurrentServiceSyncs, "concurrent-service-syncs", c.ConcurrentServiceSyncs, "The number of Services synced concurrently.")
	fs.IntVar(&c.ConcurrentNodeSyncs, "concurrent-node-syncs", c.ConcurrentNodeSyncs, "The number of Nodes initialised concurrently.")
	fs.DurationVar(&c.NodeMonitorPeriod, "node-monitor-period", c.NodeMonitorPeriod, "The interval at which Nodes are checked against the cloud (deleted or shut down instances).")
	fs.BoolVar(&c.ConfigureCloudRoutes, "configure-cloud-routes", c.ConfigureCloudRoutes, "Create cloud routes for the Nodes' pod CIDRs (when the provider supports routes).")
	fs.DurationVar(&c.RouteReconcilePeriod, "route-reconciliation-period", c.RouteReconcilePeriod, "The interval at which cloud routes are reconciled.")
	fs.StringVar(&c.ClusterCIDR, "cluster-cidr", c.ClusterCIDR, "The pod CIDRs of the cluster (comma separated); only routes inside them are deleted.")
	fs.StringVar(&c.BindAddress, "bind-address", c.BindAddress, "The address of the /healthz and /metrics listener (plain HTTP).")
	fs.IntVar(&c.SecurePort, "secure-port", c.SecurePort, "The port of the /healthz and /metrics listener; 0 disables it.")
}

func (c *Config) registry() *cloudprovider.Registry {
	if c.Registry != nil {
		return c.Registry
	}
	return cloudprovider.DefaultRegistry()
}

// Validate checks c.
func (c *Config) Validate() error {
	var errs []error
	switch {
	case c.CloudProvider == "":
		errs = append(errs, errors.New("--cloud-provider is required"))
	case cloudprovider.IsExternal(c.CloudProvider):
		errs = append(errs, errors.New("--cloud-provider=external names no provider; pick the provider this binary runs"))
	}
	if _, err := c.enabledControllers(); err != nil {
		errs = append(errs, err)
	}
	if _, err := c.clusterCIDRs(); err != nil {
		errs = append(errs, err)
	}
	if c.ConcurrentServiceSyncs < 1 || c.ConcurrentNodeSyncs < 1 {
		errs = append(errs, errors.New("--concurrent-service-syncs and --concurrent-node-syncs must be at least 1"))
	}
	if c.NodeMonitorPeriod <= 0 || c.RouteReconcilePeriod <= 0 {
		errs = append(errs, errors.New("--node-monitor-period and --route-reconciliation-period must be positive"))
	}
	if c.SecurePort < 0 || c.SecurePort > 65535 {
		errs = append(errs, fmt.Errorf("--secure-port %d out of range", c.SecurePort))
	}
	return errors.Join(errs...)
}

// enabledControllers resolves --controllers to the set of names to run.
func (c *Config) enabledControllers() (map[string]bool, error) {
	all := slices.Contains(c.Controllers, "*")
	on := map[string]bool{}
	for _, n := range KnownControllers {
		on[n] = all
	}
	for _, item := range c.Controllers {
		if item == "*" {
			continue
		}
		name, disable := strings.CutPrefix(item, "-")
		if !slices.Contains(KnownControllers, name) {
			return nil, fmt.Errorf("--controllers: unknown controller %q (known: %s)", name, strings.Join(KnownControllers, ", "))
		}
		on[name] = !disable
	}
	return on, nil
}

// clusterCIDRs parses ClusterCIDR.
func (c *Config) clusterCIDRs() ([]netip.Prefix, error) {
	var out []netip.Prefix
	for s := range strings.SplitSeq(c.ClusterCIDR, ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return nil, fmt.Errorf("--cluster-cidr: %w", err)
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

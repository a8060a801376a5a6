package app

import (
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"keel.dev/apimachinery/pkg/runtime"
)

// concurrencyFlags maps controller names to their Kubernetes concurrency
// flag and default worker count.
var concurrencyFlags = []struct {
	controller, flag string
	def              int
}{
	{"replicaset", "concurrent-replicaset-syncs", 5},
	{"replicationcontroller", "concurrent-rc-syncs", 5},
	{"deployment", "concurrent-deployment-syncs", 5},
	{"garbagecollector", "concurrent-gc-syncs", 20},
	{"namespace", "concurrent-namespace-syncs", 10},
	{"endpoints", "concurrent-endpoint-syncs", 5},
	{"endpointslice", "concurrent-service-endpoint-syncs", 5},
	{"serviceaccount", "concurrent-serviceaccount-syncs", 1},
	{"daemonset", "concurrent-daemonset-syncs", 2},
	{"statefulset", "concurrent-statefulset-syncs", 5},
	{"job", "concurrent-job-syncs", 5},
	{"cronjob", "concurrent-cron-job-syncs", 5},
	{"ttlafterfinished", "concurrent-ttl-after-finished-syncs", 5},
	{"resourcequota", "concurrent-resource-quota-syncs", 5},
	{"hpa", "concurrent-horizontal-pod-autoscaler-syncs", 5},
	{"disruption", "concurrent-disruption-syncs", 5},
	{"podgc", "concurrent-podgc-syncs", 1},
}

// Options are the controller-manager's command-line settings.
type Options struct {
	// Kubeconfig is the path of the kubeconfig; empty means in-cluster.
	Kubeconfig string
	// Controllers selects controllers: "*" (all), "name", "-name".
	Controllers []string
	// Concurrency is the worker count per controller name.
	Concurrency map[string]int

	// LeaderElect enables leader election on kube-system/kube-controller-manager.
	LeaderElect bool
	// LeaseDuration, RenewDeadline and RetryPeriod tune leader election.
	LeaseDuration, RenewDeadline, RetryPeriod time.Duration
	// LeaderElectNamespace and LeaderElectName locate the Lease.
	LeaderElectNamespace, LeaderElectName string

	// KubeAPIQPS and KubeAPIBurst size the client-side rate limiter.
	KubeAPIQPS   float32
	KubeAPIBurst int
	// KubeAPIContentType is the media type the controllers ask the
	// apiserver for (protobuf by default, as in Kubernetes; the garbage
	// collector's dynamic client always speaks JSON).
	KubeAPIContentType string

	// CloudProvider is the cloud provider name; "external" or "" runs no cloud loops.
	CloudProvider string
	// ClusterCIDR is the pod network range the node IPAM controller splits.
	ClusterCIDR string
	// AllocateNodeCIDRs enables pod CIDR allocation.
	AllocateNodeCIDRs bool
	// NodeCIDRMaskSize is the prefix length of each node's pod CIDR.
	NodeCIDRMaskSize int
	// NodeMonitorGracePeriod is how long a node may go silent before it is marked unknown.
	NodeMonitorGracePeriod time.Duration
	// NodeMonitorPeriod is how often node health is checked.
	NodeMonitorPeriod time.Duration
	// PodEvictionTimeout is kept for flag compatibility (taint-based eviction is used).
	PodEvictionTimeout time.Duration
	// TerminatedPodGCThreshold is the number of terminated pods kept before podgc deletes.
	TerminatedPodGCThreshold int
	// HorizontalPodAutoscalerSyncPeriod is the HPA resync interval.
	HorizontalPodAutoscalerSyncPeriod time.Duration
	// HorizontalPodAutoscalerMetricsSource picks where the HPA reads pod
	// usage: metrics-api (metrics.k8s.io), summary (kubelets' /stats/summary
	// through nodes/proxy) or none.
	HorizontalPodAutoscalerMetricsSource string

	// BindAddress and SecurePort serve /healthz and /metrics (plain HTTP).
	BindAddress string
	SecurePort  int
	// Profiling adds /debug/pprof to that endpoint.
	Profiling bool
	// MinResyncPeriod is the shared informer resync.
	MinResyncPeriod time.Duration
	// StorageOptions are the persistent volume controllers' flags.
	StorageOptions
	// NodeLifecycleOptions are the node eviction rate and zone flags.
	NodeLifecycleOptions
	// ServiceAccountTokenOptions are the root CA publisher's flags.
	ServiceAccountTokenOptions
}

// NewOptions returns the defaults.
func NewOptions() *Options {
	o := &Options{
		Controllers:                          []string{"*"},
		Concurrency:                          map[string]int{},
		LeaderElect:                          true,
		LeaseDuration:                        15 * time.Second,
		RenewDeadline:                        10 * time.Second,
		RetryPeriod:                          2 * time.Second,
		LeaderElectNamespace:                 "kube-system",
		LeaderElectName:                      "kube-controller-manager",
		KubeAPIQPS:                           20,
		KubeAPIBurst:                         30,
		KubeAPIContentType:                   runtime.ContentTypeProtobuf,
		CloudProvider:                        "external",
		ClusterCIDR:                          "10.244.0.0/16",
		AllocateNodeCIDRs:                    true,
		NodeCIDRMaskSize:                     24,
		NodeMonitorGracePeriod:               40 * time.Second,
		NodeMonitorPeriod:                    5 * time.Second,
		PodEvictionTimeout:                   5 * time.Minute,
		TerminatedPodGCThreshold:             12500,
		HorizontalPodAutoscalerSyncPeriod:    15 * time.Second,
		HorizontalPodAutoscalerMetricsSource: "metrics-api",
		BindAddress:                          "127.0.0.1",
		SecurePort:                           10257,
		Profiling:                            true,
		MinResyncPeriod:                      defaultResync,
		NodeLifecycleOptions:                 defaultNodeLifecycleOptions(),
	}
	for _, c := range concurrencyFlags {
		o.Concurrency[c.controller] = c.def
	}
	return o
}

// concurrencyVars holds flag targets for Concurrency.
type concurrencyVars map[string]*int

// AddFlags registers the flags on fs; call Complete after parsing.
func (o *Options) AddFlags(fs *pflag.FlagSet) concurrencyVars {
	fs.StringVar(&o.Kubeconfig, "kubeconfig", o.Kubeconfig, "Path to a kubeconfig file; empty uses $KUBECONFIG, ~/.kube/config or the in-cluster configuration.")
	fs.StringSliceVar(&o.Controllers, "controllers", o.Controllers, "Controllers to enable: '*' enables all, 'foo' enables foo, '-foo' disables foo.")
	fs.BoolVar(&o.LeaderElect, "leader-elect", o.LeaderElect, "Elect a leader through a Lease before running the controllers.")
	fs.DurationVar(&o.LeaseDuration, "leader-elect-lease-duration", o.LeaseDuration, "How long a non-leader waits after the last renewal before taking over.")
	fs.DurationVar(&o.RenewDeadline, "leader-elect-renew-deadline", o.RenewDeadline, "How long the leader keeps retrying a renewal before stepping down.")
	fs.DurationVar(&o.RetryPeriod, "leader-elect-retry-period", o.RetryPeriod, "Interval between attempts to acquire or renew the lease.")
	fs.StringVar(&o.LeaderElectNamespace, "leader-elect-resource-namespace", o.LeaderElectNamespace, "Namespace of the leader election Lease.")
	fs.StringVar(&o.LeaderElectName, "leader-elect-resource-name", o.LeaderElectName, "Name of the leader election Lease.")
	fs.Float32Var(&o.KubeAPIQPS, "kube-api-qps", o.KubeAPIQPS, "Client-side queries per second to the apiserver.")
	fs.IntVar(&o.KubeAPIBurst, "kube-api-burst", o.KubeAPIBurst, "Client-side burst to the apiserver.")
	fs.StringVar(&o.KubeAPIContentType, "kube-api-content-type", o.KubeAPIContentType, "Content type of requests sent to the apiserver (application/vnd.kubernetes.protobuf or application/json).")
	fs.StringVar(&o.CloudProvider, "cloud-provider", o.CloudProvider, "Cloud provider; 'external' leaves cloud loops to the cloud-controller-manager.")
	fs.StringVar(&o.ClusterCIDR, "cluster-cidr", o.ClusterCIDR, "CIDR range of pods in the cluster.")
	fs.BoolVar(&o.AllocateNodeCIDRs, "allocate-node-cidrs", o.AllocateNodeCIDRs, "Allocate pod CIDRs to nodes from --cluster-cidr.")
	fs.IntVar(&o.NodeCIDRMaskSize, "node-cidr-mask-size", o.NodeCIDRMaskSize, "Prefix length of each node's pod CIDR.")
	fs.DurationVar(&o.NodeMonitorGracePeriod, "node-monitor-grace-period", o.NodeMonitorGracePeriod, "How long a node may stop reporting before it is marked unhealthy.")
	fs.DurationVar(&o.NodeMonitorPeriod, "node-monitor-period", o.NodeMonitorPeriod, "How often node status is checked.")
	fs.DurationVar(&o.PodEvictionTimeout, "pod-eviction-timeout", o.PodEvictionTimeout, "Unused; eviction follows NoExecute taints and tolerations.")
	fs.IntVar(&o.TerminatedPodGCThreshold, "terminated-pod-gc-threshold", o.TerminatedPodGCThreshold, "Number of terminated pods kept before they are garbage collected.")
	fs.DurationVar(&o.HorizontalPodAutoscalerSyncPeriod, "horizontal-pod-autoscaler-sync-period", o.HorizontalPodAutoscalerSyncPeriod, "How often horizontal pod autoscalers are evaluated.")
	fs.StringVar(&o.HorizontalPodAutoscalerMetricsSource, "horizontal-pod-autoscaler-metrics-source", o.HorizontalPodAutoscalerMetricsSource, "Where the HPA reads pod usage: metrics-api (metrics.k8s.io), summary (kubelet /stats/summary through nodes/proxy) or none.")
	fs.StringVar(&o.BindAddress, "bind-address", o.BindAddress, "Address serving /healthz and /metrics (plain HTTP).")
	fs.IntVar(&o.SecurePort, "secure-port", o.SecurePort, "Port serving /healthz and /metrics; 0 disables serving.")
	fs.BoolVar(&o.Profiling, "profiling", o.Profiling, "Serve Go's profiles at /debug/pprof/ on the health and metrics endpoint.")
	fs.DurationVar(&o.MinResyncPeriod, "min-resync-period", o.MinResyncPeriod, "Resync period of the shared informers.")
	o.StorageOptions.addFlags(fs)
	o.NodeLifecycleOptions.addFlags(fs)
	o.ServiceAccountTokenOptions.addFlags(fs)
	vars := concurrencyVars{}
	for _, c := range concurrencyFlags {
		v := new(int)
		*v = o.Concurrency[c.controller]
		fs.IntVar(v, c.flag, *v, fmt.Sprintf("Number of %s objects synced concurrently.", c.controller))
		vars[c.controller] = v
	}
	return vars
}

// Complete copies parsed concurrency flags into Concurrency.
func (o *Options) Complete(vars concurrencyVars) {
	for name, v := range vars {
		o.Concurrency[name] = *v
	}
}

// Validate checks the options against the known controller names.
func (o *Options) Validate(known []string) error {
	if o.KubeAPIContentType != runtime.ContentTypeProtobuf && o.KubeAPIContentType != runtime.ContentTypeJSON {
		return fmt.Errorf("--kube-api-content-type: unsupported %q (application/vnd.kubernetes.protobuf or application/json)", o.KubeAPIContentType)
	}
	set := map[string]bool{}
	for _, n := range known {
		set[n] = true
	}
	for _, c := range o.Controllers {
		n := strings.TrimPrefix(c, "-")
		if c == "*" {
			continue
		}
		if !set[n] {
			return fmt.Errorf("--controllers: unknown controller %q", n)
		}
	}
	if _, _, err := net.ParseCIDR(o.ClusterCIDR); o.ClusterCIDR != "" && err != nil {
		return fmt.Errorf("--cluster-cidr: %w", err)
	}
	if err := o.NodeLifecycleOptions.validate(); err != nil {
		return err
	}
	if o.LeaderElect && (o.LeaseDuration <= o.RenewDeadline || o.RenewDeadline <= o.RetryPeriod) {
		return fmt.Errorf("leader election needs lease-duration > renew-deadline > retry-period")
	}
	return nil
}

// Enabled reports whether controller name is selected by --controllers.
func (o *Options) Enabled(name string) bool {
	star := false
	for _, c := range o.Controllers {
		switch c {
		case name:
			return true
		case "-" + name:
			return false
		case "*":
			star = true
		}
	}
	return star
}

package app

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"strconv"
	"time"

	"github.com/spf13/pflag"

	"keel.dev/apimachinery/pkg/api/resource"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/client/kubeconfig"
	"keel.dev/client/leaderelection"
	"keel.dev/client/rest"
	"keel.dev/client/typed"
	"keel.dev/keel/pkg/scheduler/apis/config"
)

// Options are the scheduler's command-line flags.
type Options struct {
	ConfigFile  string
	Kubeconfig  string
	Master      string
	LeaderElect bool
	LeaseName   string
	LeaseNS     string
	QPS         float32
	Burst       int
	ContentType string
	BindAddress string
	SecurePort  int
	Verbosity   int
	LeaseDur    time.Duration
	RenewDead   time.Duration
	RetryPeriod time.Duration
	AssumedTTL  time.Duration
	Profiling   bool
	MemoryLimit string
}

// NewOptions returns the defaults of kube-scheduler's flags.
func NewOptions() *Options {
	return &Options{
		LeaderElect: true,
		LeaseName:   "kube-scheduler",
		LeaseNS:     "kube-system",
		QPS:         50,
		Burst:       100,
		ContentType: runtime.ContentTypeProtobuf,
		BindAddress: "127.0.0.1",
		SecurePort:  10259,
		LeaseDur:    leaderelection.DefaultLeaseDuration,
		RenewDead:   leaderelection.DefaultRenewDeadline,
		RetryPeriod: leaderelection.DefaultRetryPeriod,
		Profiling:   true,
	}
}

// AddFlags registers the options on fs.
func (o *Options) AddFlags(fs *pflag.FlagSet) {
	fs.StringVar(&o.ConfigFile, "config", o.ConfigFile, "path of the scheduler configuration file (KubeSchedulerConfiguration: profiles, plugins, weights)")
	fs.StringVar(&o.Kubeconfig, "kubeconfig", o.Kubeconfig, "path of a kubeconfig file; empty means KUBECONFIG, ~/.kube/config, then in-cluster")
	fs.StringVar(&o.Master, "master", o.Master, "address of the apiserver, overriding the kubeconfig's server")
	fs.BoolVar(&o.LeaderElect, "leader-elect", o.LeaderElect, "elect a leader through a Lease before scheduling (for replicated schedulers)")
	fs.StringVar(&o.LeaseName, "leader-elect-resource-name", o.LeaseName, "name of the leader-election Lease")
	fs.StringVar(&o.LeaseNS, "leader-elect-resource-namespace", o.LeaseNS, "namespace of the leader-election Lease")
	fs.DurationVar(&o.LeaseDur, "leader-elect-lease-duration", o.LeaseDur, "how long a non-leader waits before taking an unrenewed lease")
	fs.DurationVar(&o.RenewDead, "leader-elect-renew-deadline", o.RenewDead, "how long the leader retries renewing before it steps down")
	fs.DurationVar(&o.RetryPeriod, "leader-elect-retry-period", o.RetryPeriod, "interval between attempts to acquire or renew the lease")
	fs.Float32Var(&o.QPS, "kube-api-qps", o.QPS, "client-side requests per second to the apiserver (negative: unlimited)")
	fs.IntVar(&o.Burst, "kube-api-burst", o.Burst, "client-side burst of requests to the apiserver")
	fs.StringVar(&o.ContentType, "kube-api-content-type", o.ContentType, "media type of requests to the apiserver (application/vnd.kubernetes.protobuf or application/json)")
	fs.StringVar(&o.BindAddress, "bind-address", o.BindAddress, "address of the /healthz and /metrics endpoint (plain HTTP)")
	fs.IntVar(&o.SecurePort, "secure-port", o.SecurePort, "port of the /healthz and /metrics endpoint (plain HTTP; 0 disables it)")
	fs.IntVarP(&o.Verbosity, "v", "v", o.Verbosity, "log verbosity: 4 and above logs at debug level")
	fs.BoolVar(&o.Profiling, "profiling", o.Profiling, "serve /debug/pprof on the /healthz and /metrics endpoint")
	fs.StringVar(&o.MemoryLimit, "memory-limit", o.MemoryLimit, "soft memory limit of the Go runtime as a quantity (e.g. 120Mi); empty or 0 leaves the runtime's default, and GOMEMLIMIT, when set, wins")
	fs.DurationVar(&o.AssumedTTL, "assumed-pod-ttl", o.AssumedTTL, "how long an assumed pod is kept after binding if its update is never seen (0: default, negative: forever)")
}

// Config resolves the options: loads the configuration file and the kubeconfig.
func (o *Options) Config() (*Config, error) {
	if o.ContentType != runtime.ContentTypeProtobuf && o.ContentType != runtime.ContentTypeJSON {
		return nil, fmt.Errorf("--kube-api-content-type: unsupported %q", o.ContentType)
	}
	if o.SecurePort < 0 || o.SecurePort > 65535 {
		return nil, fmt.Errorf("--secure-port: %d is not a port", o.SecurePort)
	}
	if o.LeaderElect && (o.LeaseDur <= o.RenewDead || o.RenewDead <= o.RetryPeriod) {
		return nil, errors.New("leader election: need lease duration > renew deadline > retry period")
	}
	var memLimit int64
	if o.MemoryLimit != "" {
		q, err := resource.ParseQuantity(o.MemoryLimit)
		if err != nil {
			return nil, fmt.Errorf("--memory-limit: %w", err)
		}
		if memLimit = q.Value(); memLimit < 0 {
			return nil, fmt.Errorf("--memory-limit: %s is negative", o.MemoryLimit)
		}
	}
	cfg := &Config{
		MemoryLimit: memLimit,
		LeaderElect: o.LeaderElect, LeaseNamespace: o.LeaseNS, LeaseName: o.LeaseName,
		LeaseDuration: o.LeaseDur, RenewDeadline: o.RenewDead, RetryPeriod: o.RetryPeriod,
		AssumedPodTTL: o.AssumedTTL, Profiling: o.Profiling,
	}
	if o.ConfigFile != "" {
		sc, err := config.LoadFile(o.ConfigFile)
		if err != nil {
			return nil, err
		}
		cfg.Scheduler = sc
	}
	rc, err := kubeconfig.BuildConfig(o.Kubeconfig, kubeconfig.Overrides{Server: o.Master})
	if err != nil {
		return nil, fmt.Errorf("kubeconfig: %w", err)
	}
	rc.QPS, rc.Burst, rc.ContentType = o.QPS, o.Burst, o.ContentType
	rc.UserAgent = "keel-scheduler"
	cfg.REST = rc
	if o.SecurePort != 0 {
		cfg.Address = net.JoinHostPort(o.BindAddress, strconv.Itoa(o.SecurePort))
	}
	level := slog.LevelInfo
	if o.Verbosity >= 4 {
		level = slog.LevelDebug
	}
	cfg.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	return cfg, nil
}

// Config is the resolved configuration Run needs.
type Config struct {
	// Scheduler is the scheduler configuration; nil means defaults.
	Scheduler *config.KubeSchedulerConfiguration
	// REST reaches the apiserver; ignored when Client is set.
	REST *rest.Config
	// Client, when set, is used instead of building one from REST (tests).
	Client *typed.Clientset
	// LeaderElect campaigns for the Lease LeaseNamespace/LeaseName first.
	LeaderElect                               bool
	LeaseNamespace, LeaseName, Identity       string
	LeaseDuration, RenewDeadline, RetryPeriod time.Duration
	// Address is host:port of the /healthz and /metrics endpoint; empty disables it.
	Address string
	// Profiling adds /debug/pprof to that endpoint.
	Profiling bool
	// MemoryLimit, in bytes, is the Go runtime's soft memory limit the
	// command sets when GOMEMLIMIT is unset; 0 leaves it alone.
	MemoryLimit int64
	// AssumedPodTTL is passed to the scheduler core.
	AssumedPodTTL time.Duration
	// Logger defaults to slog.Default().
	Logger *slog.Logger
	// Started, when set, is called with the scheduler once its caches have synced.
	Started func(*Started)
}

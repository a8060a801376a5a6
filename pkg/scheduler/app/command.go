package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime/debug"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/spf13/cobra"

	"keel.dev/client/leaderelection"
	"keel.dev/client/record"
	"keel.dev/client/typed"
	"keel.dev/keel/pkg/scheduler"
	"keel.dev/keel/pkg/scheduler/apis/config"
	"keel.dev/keel/pkg/scheduler/framework"
	"keel.dev/keel/pkg/scheduler/framework/plugins/names"
)

// Started is handed to Config.Started once the scheduler's caches synced.
type Started struct {
	// Scheduler is the running core.
	Scheduler *scheduler.Scheduler
	// Addr is the listening address of /healthz and /metrics ("" if disabled).
	Addr string
}

// NewCommand returns the scheduler's root command; running it schedules
// until the command's context ends.
func NewCommand() *cobra.Command {
	o := NewOptions()
	cmd := &cobra.Command{
		Use:   "scheduler",
		Short: "Keel's Kubernetes-compatible pod scheduler",
		Long: "The Keel scheduler watches unassigned pods and binds each to a node chosen by " +
			"kube-scheduler's plugin semantics (filters, scores, preemption), per the profiles of --config.",
		Args:          cobra.NoArgs,
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := o.Config()
			if err != nil {
				return fmt.Errorf("invalid options: %w", err)
			}
			if applied := applyMemoryLimit(cfg.MemoryLimit, os.Getenv("GOMEMLIMIT")); applied > 0 {
				cfg.Logger.Info("soft memory limit set", "bytes", applied)
			}
			ctx := cmd.Context()
			if ctx == nil {
				ctx = context.Background()
			}
			return Run(ctx, cfg)
		},
	}
	cmd.SetErr(os.Stderr)
	o.AddFlags(cmd.Flags())
	return cmd
}

// applyMemoryLimit sets the runtime's soft memory limit to limit bytes
// unless limit is 0 or the GOMEMLIMIT environment value gomemlimit is set;
// it returns the limit it set (0 if none). GC percent is never changed.
func applyMemoryLimit(limit int64, gomemlimit string) int64 {
	if limit <= 0 || gomemlimit != "" {
		return 0
	}
	debug.SetMemoryLimit(limit)
	return limit
}

// Run builds the client, informers and scheduler, serves /healthz and
// /metrics, and schedules (after winning the lease when LeaderElect) until
// ctx ends (returns nil) or leadership is lost (returns an error).
func Run(ctx context.Context, cfg *Config) error {
	log := cfg.Logger
	if log == nil {
		log = slog.Default()
	}
	cs := cfg.Client
	if cs == nil {
		var err error
		if cs, err = typed.NewForConfig(cfg.REST); err != nil {
			return fmt.Errorf("client: %w", err)
		}
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	host, _ := os.Hostname()
	recorder := record.NewRecorder(cs, config.DefaultSchedulerName, host)
	defer recorder.Shutdown()

	reg := prometheus.NewRegistry()
	metrics := newMetrics(reg)
	w := newWiring(cs, log)
	schedCfg := cfg.Scheduler
	if schedCfg == nil {
		schedCfg = &config.KubeSchedulerConfiguration{}
	}
	config.SetDefaults(schedCfg)
	// Claims, volumes, classes and workloads are watched only for the
	// plugins that read them.
	var vols framework.VolumeLister
	var claims framework.ClaimWriter
	if schedCfg.Enables(names.VolumeBinding) {
		vols, claims = w.watchVolumes(), claimWriter{cs}
	}
	var workloads framework.WorkloadLister
	if schedCfg.Enables(names.PodTopologySpread) {
		workloads = w.watchWorkloads()
	}
	sched, err := scheduler.New(ctx, scheduler.Options{
		Config:        schedCfg,
		Binder:        binder{cs},
		Evictor:       evictor{cs},
		PDBs:          w.pdbLister(),
		Volumes:       vols,
		Claims:        claims,
		Workloads:     workloads,
		Status:        statusUpdater{cs},
		Recorder:      eventRecorder{recorder},
		Metrics:       metrics,
		AssumedPodTTL: cfg.AssumedPodTTL,
		Logger:        log,
	})
	if err != nil {
		return err
	}
	metrics.watchQueue(reg, sched.Queue)

	var healthy atomic.Bool
	addr := ""
	if cfg.Address != "" {
		ln, err := net.Listen("tcp", cfg.Address)
		if err != nil {
			return fmt.Errorf("listen %s: %w", cfg.Address, err)
		}
		addr = ln.Addr().String()
		srv := &http.Server{Handler: endpoints(reg, &healthy, cfg.Profiling), ReadHeaderTimeout: 10 * time.Second}
		go func() {
			if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				log.Error("healthz/metrics server", "err", err)
			}
		}()
		defer srv.Close()
		log.Info("serving /healthz and /metrics (plain HTTP)", "addr", addr)
	}

	if err := w.start(ctx, sched); err != nil {
		return err
	}
	healthy.Store(true)
	if cfg.Started != nil {
		cfg.Started(&Started{Scheduler: sched, Addr: addr})
	}
	if !cfg.LeaderElect {
		sched.Run(ctx)
		return nil
	}
	id := cfg.Identity
	if id == "" {
		id = fmt.Sprintf("%s_%d_%d", host, os.Getpid(), time.Now().UnixNano())
	}
	var led, lost atomic.Bool
	err = leaderelection.Run(ctx, leaderelection.Config{
		Client:    cs.CoordinationV1().Leases(cfg.LeaseNamespace),
		Namespace: cfg.LeaseNamespace, Name: cfg.LeaseName, Identity: id,
		LeaseDuration: cfg.LeaseDuration, RenewDeadline: cfg.RenewDeadline, RetryPeriod: cfg.RetryPeriod,
		ReleaseOnCancel: true,
		Callbacks: leaderelection.Callbacks{
			OnStartedLeading: func(lctx context.Context) {
				led.Store(true)
				log.Info("became leader", "lease", cfg.LeaseNamespace+"/"+cfg.LeaseName, "identity", id)
				sched.Run(lctx)
			},
			OnStoppedLeading: func() {
				if ctx.Err() == nil {
					lost.Store(true)
				}
			},
			OnNewLeader: func(who string) {
				if who != id {
					log.Info("new leader", "identity", who)
				}
			},
		},
	})
	if err != nil {
		return err
	}
	if lost.Load() || (led.Load() && ctx.Err() == nil) {
		return errors.New("leader election lost")
	}
	return nil
}

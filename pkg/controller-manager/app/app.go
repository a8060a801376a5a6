package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"strconv"
	"sync"

	"github.com/spf13/cobra"

	"keel.dev/client/clock"
	"keel.dev/client/dynamic"
	"keel.dev/client/informers"
	"keel.dev/client/kubeconfig"
	"keel.dev/client/leaderelection"
	"keel.dev/client/record"
	"keel.dev/client/rest"
	"keel.dev/client/typed"
)

type loggerKey struct{}

// WithLogger stores l in ctx for the controller-manager and its controllers.
func WithLogger(ctx context.Context, l *slog.Logger) context.Context {
	return context.WithValue(ctx, loggerKey{}, l)
}

// logger returns the logger in ctx, or the default logger.
func logger(ctx context.Context) *slog.Logger {
	if l, ok := ctx.Value(loggerKey{}).(*slog.Logger); ok {
		return l
	}
	return slog.Default()
}

// NewCommand returns the controller-manager command.
func NewCommand() *cobra.Command {
	o := NewOptions()
	cmd := &cobra.Command{
		Use:          "controller-manager",
		Short:        "Run the controllers that make workloads converge",
		SilenceUsage: true,
		Args:         cobra.NoArgs,
	}
	vars := o.AddFlags(cmd.Flags())
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		o.Complete(vars)
		return Run(cmd.Context(), o, nil)
	}
	return cmd
}

// Run runs the controller-manager until ctx is done. cfg, when non-nil,
// replaces the configuration loaded from --kubeconfig.
func Run(ctx context.Context, o *Options, cfg *rest.Config) error {
	reg := NewRegistry()
	if err := o.Validate(reg.Names()); err != nil {
		return err
	}
	if cfg == nil {
		var err error
		cfg, err = kubeconfig.BuildConfig(o.Kubeconfig, kubeconfig.Overrides{})
		if err != nil {
			return fmt.Errorf("load kubeconfig: %w", err)
		}
	}
	cfg = rest.CopyConfig(cfg)
	cfg.QPS, cfg.Burst, cfg.ContentType = o.KubeAPIQPS, o.KubeAPIBurst, o.KubeAPIContentType
	if cfg.UserAgent == "" {
		cfg.UserAgent = "keel-controller-manager"
	}
	cs, err := typed.NewForConfig(cfg)
	if err != nil {
		return fmt.Errorf("build client: %w", err)
	}
	dyn := dynamic.New(cs.REST())
	metrics := NewMetrics()
	if o.SecurePort > 0 {
		srv, err := serveOn(ctx, net.JoinHostPort(o.BindAddress, strconv.Itoa(o.SecurePort)), metrics, o.Profiling)
		if err != nil {
			return err
		}
		defer srv.Close()
	}
	run := func(ctx context.Context) {
		if err := StartControllers(ctx, reg, ControllerContext{
			Client: cs, Dynamic: dyn, RESTConfig: cfg, Options: o, Clock: clock.Real{}, Metrics: metrics,
		}); err != nil {
			logger(ctx).Error("start controllers", "err", err)
		}
		<-ctx.Done()
	}
	if !o.LeaderElect {
		run(ctx)
		return nil
	}
	host, _ := os.Hostname()
	suffix := make([]byte, 8)
	_, _ = rand.Read(suffix)
	identity := host + "_" + hex.EncodeToString(suffix)
	lost := make(chan struct{})
	var once sync.Once
	err = leaderelection.Run(ctx, leaderelection.Config{
		Client:    cs.CoordinationV1().Leases(o.LeaderElectNamespace),
		Namespace: o.LeaderElectNamespace, Name: o.LeaderElectName, Identity: identity,
		LeaseDuration: o.LeaseDuration, RenewDeadline: o.RenewDeadline, RetryPeriod: o.RetryPeriod,
		ReleaseOnCancel: true,
		Callbacks: leaderelection.Callbacks{
			OnStartedLeading: run,
			OnStoppedLeading: func() { once.Do(func() { close(lost) }) },
			OnNewLeader: func(id string) {
				logger(ctx).Info("leader observed", "leader", id, "self", id == identity)
			},
		},
	})
	if err != nil {
		return fmt.Errorf("leader election: %w", err)
	}
	select {
	case <-lost:
		if ctx.Err() == nil {
			return errors.New("leader election lost")
		}
	default:
	}
	return nil
}

// StartControllers builds the shared informer factory, calls the InitFunc
// of every controller enabled in c.Options, and starts the informers.
// It returns once everything is started; controllers run until ctx ends.
func StartControllers(ctx context.Context, reg *Registry, c ControllerContext) error {
	if c.Options == nil {
		c.Options = NewOptions()
	}
	if c.Clock == nil {
		c.Clock = clock.Real{}
	}
	if c.Dynamic == nil && c.Client != nil {
		c.Dynamic = dynamic.New(c.Client.REST())
	}
	if c.Informers == nil {
		c.Informers = informers.NewFactory(c.Client, c.Options.MinResyncPeriod)
	}
	if c.Recorder == nil {
		c.Recorder = recorderCache(ctx, c.Client)
	}
	var errs []error
	for _, name := range reg.Names() {
		if !c.Options.Enabled(name) {
			logger(ctx).Info("controller disabled", "controller", name)
			continue
		}
		fn, _ := reg.Get(name)
		cc, err := c.forController(name)
		if err != nil {
			errs = append(errs, fmt.Errorf("start %s: %w", name, err))
			continue
		}
		started, err := fn(ctx, cc)
		switch {
		case err != nil:
			errs = append(errs, fmt.Errorf("start %s: %w", name, err))
		case !started:
			logger(ctx).Info("controller declined to start", "controller", name)
		default:
			logger(ctx).Info("controller started", "controller", name)
		}
	}
	c.Informers.Start(ctx)
	return errors.Join(errs...)
}

// forController gives controller name clients of its own, as Kubernetes
// does: each with its own --kube-api-qps/--kube-api-burst budget and a
// user agent naming the controller, so that a busy controller (namespace
// deletion, a large rollout) does not starve the others. Without a
// RESTConfig (tests) the shared clients are kept. Informers and event
// recorders stay shared.
func (c ControllerContext) forController(name string) (ControllerContext, error) {
	if c.RESTConfig == nil {
		return c, nil
	}
	cfg := rest.CopyConfig(c.RESTConfig)
	cfg.RateLimiter = nil
	cfg.UserAgent = c.RESTConfig.UserAgent + "/" + name
	cs, err := typed.NewForConfig(cfg)
	if err != nil {
		return c, fmt.Errorf("client for %s: %w", name, err)
	}
	c.Client = cs
	c.Dynamic = dynamic.New(cs.REST())
	return c, nil
}

// recorderCache returns one event recorder per component, shut down when
// ctx ends.
func recorderCache(ctx context.Context, cs *typed.Clientset) func(string) record.EventRecorder {
	var mu sync.Mutex
	recs := map[string]*record.Recorder{}
	host, _ := os.Hostname()
	context.AfterFunc(ctx, func() {
		mu.Lock()
		defer mu.Unlock()
		for _, r := range recs {
			r.Shutdown()
		}
	})
	return func(component string) record.EventRecorder {
		mu.Lock()
		defer mu.Unlock()
		if r, ok := recs[component]; ok {
			return r
		}
		r := record.NewRecorder(cs, component, host)
		recs[component] = r
		return r
	}
}

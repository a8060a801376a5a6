package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strconv"
	"sync"
	"time"

	"keel.dev/client/informers"
	"keel.dev/client/kubeconfig"
	"keel.dev/client/leaderelection"
	"keel.dev/client/record"
	"keel.dev/client/rest"

	cloudprovider "keel.dev/cloud-provider"
	"keel.dev/cloud-provider/controllers/node"
	"keel.dev/cloud-provider/controllers/route"
	"keel.dev/cloud-provider/controllers/service"
	"keel.dev/cloud-provider/internal/metrics"
)

// component is the user agent and event source of the process.
const component = "cloud-controller-manager"

// informerResync is the resync period of the shared informers.
const informerResync = 10 * time.Minute

// ErrLeadershipLost is returned by Run when the leader Lease is lost.
var ErrLeadershipLost = errors.New("leader election lost")

// Run builds the provider named by cfg, connects to the API server and runs
// the enabled controllers (under leader election if configured) until ctx
// is done. It returns nil on cancellation and an error otherwise.
func Run(ctx context.Context, cfg *Config) error {
	if err := cfg.Validate(); err != nil {
		return err
	}
	cloud, err := cfg.registry().Init(cfg.CloudProvider, cfg.CloudConfig)
	if err != nil {
		return err
	}
	restCfg, err := kubeconfig.BuildConfig(cfg.Kubeconfig, kubeconfig.Overrides{Server: cfg.Master})
	if err != nil {
		return fmt.Errorf("kubeconfig: %w", err)
	}
	restCfg = rest.CopyConfig(restCfg)
	restCfg.QPS, restCfg.Burst = cfg.KubeAPIQPS, cfg.KubeAPIBurst
	if restCfg.UserAgent == "" {
		restCfg.UserAgent = component
	}
	clients := cloudprovider.SimpleClientBuilder{Base: restCfg}

	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	if cfg.SecurePort > 0 {
		stop, err := serveHTTP(ctx, net.JoinHostPort(cfg.BindAddress, strconv.Itoa(cfg.SecurePort)))
		if err != nil {
			return err
		}
		defer stop()
	}
	cloud.Initialize(ctx, clients)
	slog.Default().Info("cloud provider initialised", "provider", cloud.ProviderName())

	if !cfg.LeaderElect {
		return RunControllers(ctx, cfg, cloud, clients)
	}
	leClient, err := clients.Client("leader-election")
	if err != nil {
		return err
	}
	id, err := identity()
	if err != nil {
		return err
	}
	// leading is closed when the controllers started by the last won
	// election have returned; Run waits for it before returning.
	var mu sync.Mutex
	var leading chan struct{}
	err = leaderelection.Run(ctx, leaderelection.Config{
		Client:    leClient.CoordinationV1().Leases(cfg.LeaderElectNamespace),
		Namespace: cfg.LeaderElectNamespace, Name: cfg.LeaderElectName, Identity: id,
		LeaseDuration: cfg.LeaseDuration, RenewDeadline: cfg.RenewDeadline, RetryPeriod: cfg.RetryPeriod,
		ReleaseOnCancel: true,
		Callbacks: leaderelection.Callbacks{
			OnStartedLeading: func(lctx context.Context) {
				done := make(chan struct{})
				mu.Lock()
				leading = done
				mu.Unlock()
				defer close(done)
				metrics.Leader.Set(1)
				slog.Default().Info("started leading", "lease", cfg.LeaderElectNamespace+"/"+cfg.LeaderElectName, "identity", id)
				if err := RunControllers(lctx, cfg, cloud, clients); err != nil {
					cancel(err)
				}
			},
			OnStoppedLeading: func() { metrics.Leader.Set(0) },
			OnNewLeader:      func(who string) { slog.Default().Info("leader observed", "identity", who) },
		},
	})
	mu.Lock()
	done := leading
	mu.Unlock()
	if done != nil {
		<-done
	}
	if err != nil {
		return fmt.Errorf("leader election: %w", err)
	}
	if cause := context.Cause(ctx); cause != nil && !errors.Is(cause, context.Canceled) {
		return cause
	}
	if ctx.Err() != nil {
		return nil
	}
	return ErrLeadershipLost
}

// identity is hostname_random, unique per process.
func identity() (string, error) {
	host, err := os.Hostname()
	if err != nil {
		return "", fmt.Errorf("leader election identity: %w", err)
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return host + "_" + hex.EncodeToString(b), nil
}

// RunControllers starts the enabled controllers the provider supports and
// blocks until ctx is done or a controller fails.
func RunControllers(ctx context.Context, cfg *Config, cloud cloudprovider.Interface, clients cloudprovider.ClientBuilder) error {
	enabled, err := cfg.enabledControllers()
	if err != nil {
		return err
	}
	cidrs, err := cfg.clusterCIDRs()
	if err != nil {
		return err
	}
	infClient, err := clients.Client("shared-informers")
	if err != nil {
		return err
	}
	factory := informers.NewFactory(infClient, informerResync)
	host, _ := os.Hostname()
	var runs []func(context.Context) error
	var recorders []*record.Recorder
	defer func() {
		for _, r := range recorders {
			r.Shutdown()
		}
	}()
	log := slog.Default()
	for _, name := range KnownControllers {
		if !enabled[name] {
			log.Info("controller disabled", "controller", name)
			continue
		}
		cs, err := clients.Client(name + "-controller")
		if err != nil {
			return err
		}
		rec := record.NewRecorder(cs, name+"-controller", host)
		recorders = append(recorders, rec)
		switch name {
		case ControllerCloudNode:
			c := node.New(cs, factory, cloud, node.Options{})
			runs = append(runs, func(ctx context.Context) error { return c.Run(ctx, cfg.ConcurrentNodeSyncs) })
		case ControllerCloudNodeLifecycle:
			c, err := node.NewLifecycle(cs, factory, cloud, node.LifecycleOptions{MonitorPeriod: cfg.NodeMonitorPeriod, Recorder: rec})
			if errors.Is(err, node.ErrNoInstances) {
				log.Info("controller skipped: provider has no Instances", "controller", name)
				continue
			}
			if err != nil {
				return err
			}
			runs = append(runs, c.Run)
		case ControllerService:
			c, err := service.New(cs, factory, cloud, service.Options{ClusterName: cfg.ClusterName, Recorder: rec})
			if errors.Is(err, service.ErrNoLoadBalancer) {
				log.Info("controller skipped: provider has no LoadBalancer", "controller", name)
				continue
			}
			if err != nil {
				return err
			}
			runs = append(runs, func(ctx context.Context) error { return c.Run(ctx, cfg.ConcurrentServiceSyncs) })
		case ControllerRoute:
			if !cfg.ConfigureCloudRoutes {
				log.Info("controller skipped: --configure-cloud-routes=false", "controller", name)
				continue
			}
			c, err := route.New(cs, factory, cloud, route.Options{ClusterName: cfg.ClusterName, ClusterCIDRs: cidrs, SyncPeriod: cfg.RouteReconcilePeriod})
			if errors.Is(err, route.ErrNoRoutes) {
				log.Info("controller skipped: provider has no Routes", "controller", name)
				continue
			}
			if err != nil {
				return err
			}
			runs = append(runs, c.Run)
		}
		log.Info("controller enabled", "controller", name)
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	factory.Start(ctx)
	var wg sync.WaitGroup
	for _, run := range runs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := run(ctx); err != nil && ctx.Err() == nil {
				cancel(err)
			}
		}()
	}
	<-ctx.Done()
	wg.Wait()
	factory.Shutdown()
	if cause := context.Cause(ctx); cause != nil && !errors.Is(cause, context.Canceled) {
		return cause
	}
	return nil
}

// serveHTTP serves /healthz and /metrics on addr until stop is called.
func serveHTTP(ctx context.Context, addr string) (stop func(), err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen %s: %w", addr, err)
	}
	srv := &http.Server{Handler: Handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			slog.Default().Error("health and metrics server", "err", err)
		}
	}()
	slog.Default().Info("serving /healthz and /metrics", "address", ln.Addr().String())
	return func() {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}, nil
}

// Handler serves /healthz (always "ok" while the process runs) and
// /metrics (the text exposition of the process's metrics).
func Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok"))
	})
	mux.HandleFunc("GET /metrics", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		_ = metrics.Default.WriteText(w)
	})
	return mux
}

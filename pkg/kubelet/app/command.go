package app

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"keel.dev/client/kubeconfig"
	"keel.dev/client/rest"
	"keel.dev/client/typed"
	"keel.dev/keel/pkg/kubelet"
	"keel.dev/keel/pkg/kubelet/cri"
	"keel.dev/keel/pkg/kubelet/fakeruntime"
	"keel.dev/keel/pkg/kubelet/nodestatus"
)

// NewCommand returns the kubelet's root command; it runs until the
// command's context ends.
func NewCommand() *cobra.Command {
	o := NewOptions()
	cmd := &cobra.Command{
		Use:   "kubelet",
		Short: "Keel's node agent",
		Long: "The Keel kubelet registers its Node, renews its Lease, and runs the pods bound to it " +
			"on containerd through CRI (or on an in-memory fake runtime, optionally as many hollow nodes).",
		Args:          cobra.NoArgs,
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if ctx == nil {
				ctx = context.Background()
			}
			log := slog.New(slog.NewTextHandler(os.Stderr, nil))
			if o.ConfigFile != "" {
				warnings, err := o.ApplyConfigFile(cmd.Flags())
				if err != nil {
					return fmt.Errorf("failed to load kubelet config file, path: %s, error: %w", o.ConfigFile, err)
				}
				for _, w := range warnings {
					log.Warn(w, "config", o.ConfigFile)
				}
			}
			return Run(ctx, o, log)
		},
	}
	o.AddFlags(cmd.Flags())
	return cmd
}

// Run starts the kubelet(s) described by o and blocks until ctx ends.
func Run(ctx context.Context, o *Options, log *slog.Logger) error {
	if err := o.Validate(); err != nil {
		return fmt.Errorf("invalid options: %w", err)
	}
	if log == nil {
		log = slog.Default()
	}
	name, err := o.NodeName()
	if err != nil {
		return err
	}
	restCfg, err := kubeconfig.BuildConfig(o.Kubeconfig, kubeconfig.Overrides{})
	if err != nil {
		return fmt.Errorf("kubeconfig: %w", err)
	}
	restCfg.QPS, restCfg.Burst, restCfg.ContentType = o.KubeAPIQPS, o.KubeAPIBurst, o.KubeAPIContentType
	machine, err := nodestatus.ReadMachine(o.RootDir)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if o.HealthzPort > 0 {
		if err := serveHealthz(ctx, net.JoinHostPort(o.HealthzBindAddress, strconv.Itoa(o.HealthzPort))); err != nil {
			return err
		}
	}
	if o.HollowNodes == 0 {
		return runOne(ctx, o, restCfg, machine, name, o.RootDir, log)
	}
	errs := make(chan error, o.HollowNodes)
	var wg sync.WaitGroup
	for i := 0; i < o.HollowNodes; i++ {
		node := fmt.Sprintf("%s-hollow-%d", name, i)
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := runOne(ctx, o, restCfg, machine, node, filepath.Join(o.RootDir, node), log); err != nil && ctx.Err() == nil {
				errs <- fmt.Errorf("%s: %w", node, err)
				cancel()
			}
		}()
	}
	wg.Wait()
	close(errs)
	return errors.Join(collect(errs)...)
}

func collect(ch <-chan error) []error {
	var out []error
	for err := range ch {
		out = append(out, err)
	}
	return out
}

// runOne runs one kubelet with its own API client and runtime.
func runOne(ctx context.Context, o *Options, restCfg *rest.Config, machine nodestatus.Machine, nodeName, rootDir string, log *slog.Logger) error {
	cs, err := typed.NewForConfig(restCfg)
	if err != nil {
		return fmt.Errorf("client: %w", err)
	}
	cfg, cleanup, err := Config(ctx, o, cs, machine, nodeName, rootDir, log)
	if err != nil {
		return err
	}
	defer cleanup()
	k, err := kubelet.New(cfg)
	if err != nil {
		return err
	}
	err = k.Run(ctx)
	if errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}

// Config builds one kubelet's configuration and connects its runtime; the
// returned cleanup closes the runtime.
func Config(ctx context.Context, o *Options, cs *typed.Clientset, machine nodestatus.Machine, nodeName, rootDir string, log *slog.Logger) (kubelet.Config, func(), error) {
	taints, err := o.Taints()
	if err != nil {
		return kubelet.Config{}, nil, err
	}
	reserved, err := o.Reserved()
	if err != nil {
		return kubelet.Config{}, nil, err
	}
	evictionCfg, err := o.EvictionConfig()
	if err != nil {
		return kubelet.Config{}, nil, err
	}
	evictionCfg.DisableLocalStorageLimits = !o.LocalStorageCapacityIsolation
	logMax, err := o.LogMaxSize()
	if err != nil {
		return kubelet.Config{}, nil, err
	}
	imageGC, err := o.ImageGCConfig()
	if err != nil {
		return kubelet.Config{}, nil, err
	}
	// The fake runtime's socket URL needs an absolute path.
	if abs, err := filepath.Abs(rootDir); err == nil {
		rootDir = abs
	}
	if err := os.MkdirAll(rootDir, 0o750); err != nil {
		return kubelet.Config{}, nil, fmt.Errorf("root dir: %w", err)
	}
	cfg := kubelet.Config{
		Client:               cs,
		RootDir:              rootDir,
		PodLogsDir:           o.PodLogsDir,
		ClusterDNS:           o.ClusterDNS,
		ClusterDomain:        o.ClusterDomain,
		CNIConfDir:           o.CNIConfDir,
		Eviction:             evictionCfg,
		ImageGC:              imageGC,
		PodManifestPath:      o.PodManifestPath,
		FileCheckFrequency:   o.FileCheckFrequency,
		MaxParallelPodStarts: o.MaxParallelPodStarts,
		ContainerLogMaxSize:  logMax,
		ContainerLogMaxFiles: o.ContainerLogMaxFiles,
		DisableProfiling:     !o.EnableProfilingHandler,
		Logger:               log,
		Node: nodestatus.Config{
			NodeName: nodeName, Hostname: nodeName, NodeIP: o.NodeIP, Labels: o.NodeLabels, Taints: taints,
			MaxPods: o.MaxPods, Reserved: reserved, Machine: machine, KubeletPort: o.Port,
			UpdateFrequency: o.StatusUpdateFreq, OmitEphemeralStorage: !o.LocalStorageCapacityIsolation,
		},
	}
	if o.Port > 0 && o.HollowNodes == 0 {
		cfg.ServerAddress = net.JoinHostPort(o.Address, strconv.Itoa(int(o.Port)))
		if o.TLSCertFile != "" {
			c, err := tls.LoadX509KeyPair(o.TLSCertFile, o.TLSKeyFile)
			if err != nil {
				return kubelet.Config{}, nil, fmt.Errorf("serving certificate: %w", err)
			}
			cfg.ServingCert = &c
		}
		if o.ClientCAFile != "" {
			pemData, err := os.ReadFile(o.ClientCAFile)
			if err != nil {
				return kubelet.Config{}, nil, fmt.Errorf("client CA: %w", err)
			}
			pool := x509.NewCertPool()
			if !pool.AppendCertsFromPEM(pemData) {
				return kubelet.Config{}, nil, fmt.Errorf("client CA %s: no certificates", o.ClientCAFile)
			}
			cfg.ClientCAs = pool
		}
	}
	if o.Runtime == RuntimeFake {
		rt, err := fakeruntime.Start(ctx, rootDir, o.FakeStartDelay, o.PodInfraImage)
		if err != nil {
			return kubelet.Config{}, nil, fmt.Errorf("fake runtime: %w", err)
		}
		cfg.Runtime, cfg.RuntimeName = rt.Service(), rt.RuntimeName()
		cfg.OnPodCIDR = rt.SetPodCIDR
		cfg.SimplifyProbes = true
		cfg.CNIConfDir = ""
		cfg.PodLogsDir = filepath.Join(rootDir, "pod-logs")
		cfg.ContainerLogMaxSize = -1 // the fake runtime writes no logs to rotate
		cfg.ImageGC = nil            // its images take no disk; the host's usage must not remove them
		if cfg.Eviction != nil {
			// Nor may the host's memory or disk put the fake node under pressure.
			cfg.Eviction.Signals = rt.Signals(machine.MemoryBytes, machine.EphemeralBytes)
		}
		return cfg, rt.Close, nil
	}
	client, err := cri.Dial(ctx, o.RuntimeEndpoint)
	if err != nil {
		return kubelet.Config{}, nil, err
	}
	cfg.Runtime, cfg.RuntimeName = client, client.RuntimeName
	return cfg, func() { client.Close() }, nil
}

// serveHealthz serves a plain-HTTP /healthz until ctx ends.
func serveHealthz(ctx context.Context, addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("healthz listener: %w", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok")) })
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	go func() {
		<-ctx.Done()
		_ = srv.Close()
	}()
	return nil
}

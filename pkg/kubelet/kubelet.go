package kubelet

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"log/slog"
	"net"
	"path/filepath"
	"time"

	corev1 "keel.dev/api/core/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/client/informers"
	"keel.dev/client/record"
	"keel.dev/client/typed"
	"keel.dev/keel/pkg/kubelet/cri"
	"keel.dev/keel/pkg/kubelet/eviction"
	"keel.dev/keel/pkg/kubelet/images"
	"keel.dev/keel/pkg/kubelet/network"
	"keel.dev/keel/pkg/kubelet/nodestatus"
	"keel.dev/keel/pkg/kubelet/objcache"
	"keel.dev/keel/pkg/kubelet/podworker"
	"keel.dev/keel/pkg/kubelet/server"
	"keel.dev/keel/pkg/kubelet/staticpod"
	"keel.dev/keel/pkg/kubelet/stats"
	"keel.dev/keel/pkg/kubelet/token"
	"keel.dev/keel/pkg/kubelet/volumes"
)

// Config is everything one kubelet instance needs.
type Config struct {
	Client  *typed.Clientset
	Runtime cri.Service
	// RuntimeName prefixes container IDs in pod status ("containerd").
	RuntimeName string
	// Node describes the Node to register; Client, Runtime and Logger are
	// filled from this Config.
	Node nodestatus.Config
	// RootDir holds pod volumes and state (/var/lib/keel/kubelet).
	RootDir string
	// PodLogsDir holds container logs (/var/log/pods).
	PodLogsDir    string
	ClusterDNS    []string
	ClusterDomain string
	// CNIConfDir gets the CNI conflist once the node has a podCIDR; empty
	// writes nothing.
	CNIConfDir string
	// OnPodCIDR is called with the node's podCIDR whenever it is seen.
	OnPodCIDR func(cidr string)
	// SimplifyProbes replaces network probes and hooks by success (for the
	// fake runtime, whose pod IPs are not reachable).
	SimplifyProbes bool
	// Mounter mounts tmpfs volumes; nil uses mount(2).
	Mounter volumes.Mounter
	// ServerAddress is where the HTTPS kubelet API listens ("" disables it),
	// e.g. "0.0.0.0:10250".
	ServerAddress string
	// ServingCert is the API's certificate; nil generates a self-signed one.
	ServingCert *tls.Certificate
	// ClientCAs authenticates API clients; nil accepts any client.
	ClientCAs *x509.CertPool
	// DisableProfiling keeps /debug/pprof off the API (served by default,
	// as Kubernetes' enableProfilingHandler).
	DisableProfiling bool
	// Eviction is the node-pressure eviction policy (thresholds, periods);
	// nil runs no eviction manager.
	Eviction *eviction.Config
	// ImageGC is the image garbage collection policy (Runtime, Recorder
	// and Logger are filled in); nil removes no images.
	ImageGC *images.Config
	// PodManifestPath is the static pod manifest directory ("" disables
	// static pods); StaticPodCheckPeriod is how often its listing is
	// checked for changes (1 s).
	PodManifestPath      string
	StaticPodCheckPeriod time.Duration
	// FileCheckFrequency is how often the directory is re-read in full (20 s).
	FileCheckFrequency time.Duration
	// ContainerLogMaxSize (bytes, 0: 10Mi, negative: no rotation) and
	// ContainerLogMaxFiles (0: 5) bound each container's logs, checked
	// every ContainerLogCheckPeriod (0: 10 s).
	ContainerLogMaxSize     int64
	ContainerLogMaxFiles    int
	ContainerLogCheckPeriod time.Duration
	// MaxParallelPodStarts bounds how many pods create their sandbox and
	// first containers at once (0: 4, negative: no bound).
	MaxParallelPodStarts int
	Logger               *slog.Logger
}

// Kubelet runs the pods bound to one node.
type Kubelet struct {
	cfg     Config
	log     *slog.Logger
	status  *nodestatus.Controller
	cni     *network.Writer
	pods    *podworker.Manager
	podInf  *informers.PodInformer
	factory *informers.Factory
	// objects serves the ConfigMaps and Secrets of the node's pods from
	// one shared watch per object (adapters.go: trackObjects).
	objects *objcache.Manager

	// eviction and admission (eviction.go); evict is guarded by admit.mu.
	evict    *eviction.Manager
	admit    admission
	sink     *apiSink
	recorder record.EventRecorder

	// static pods, stats and log rotation (services.go).
	static *staticpod.Manager
	stats  *stats.Provider
}

// New returns a kubelet; Run starts it.
func New(cfg Config) (*Kubelet, error) {
	if cfg.Client == nil || cfg.Runtime == nil {
		return nil, fmt.Errorf("kubelet: client and runtime are required")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.PodLogsDir == "" {
		cfg.PodLogsDir = "/var/log/pods"
	}
	cfg.Node.Client, cfg.Node.Runtime, cfg.Node.Logger = cfg.Client, cfg.Runtime, cfg.Logger
	if cfg.Node.NodeName == "" {
		return nil, fmt.Errorf("kubelet: node name is required")
	}
	k := &Kubelet{cfg: cfg, log: cfg.Logger.With("node", cfg.Node.NodeName)}
	k.cfg.Node.Pressure = k.pressure
	k.status = nodestatus.New(k.cfg.Node)
	if cfg.CNIConfDir != "" {
		k.cni = &network.Writer{Dir: cfg.CNIConfDir, Masq: &network.Masquerade{Run: network.IPTables}}
	}
	k.status.OnNode(k.nodeSeen)
	return k, nil
}

// NodeStatus returns the node status controller.
func (k *Kubelet) NodeStatus() *nodestatus.Controller { return k.status }

// Pods returns the pod worker manager (nil before Run).
func (k *Kubelet) Pods() *podworker.Manager { return k.pods }

// nodeSeen reacts to the Node object: the podCIDR configures networking.
func (k *Kubelet) nodeSeen(n *corev1.Node) {
	cidr := n.Spec.PodCIDR
	if cidr == "" {
		return
	}
	if k.cfg.OnPodCIDR != nil {
		k.cfg.OnPodCIDR(cidr)
	}
	if k.cni != nil {
		wrote, err := k.cni.Ensure(cidr)
		if err != nil {
			k.log.Error("configuring pod networking failed", "err", err)
		}
		if wrote {
			k.log.Info("wrote CNI config", "path", k.cni.Path(), "podCIDR", cidr)
		}
	}
}

// Run registers the node, keeps its status and lease fresh, and runs the
// node's pods until ctx ends.
func (k *Kubelet) Run(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	cs := k.cfg.Client
	nodeName := k.cfg.Node.NodeName
	recorder := record.NewRecorder(cs, "kubelet", nodeName)
	defer recorder.Shutdown()
	k.recorder = recorder
	k.sink = &apiSink{cs: cs, log: k.log}
	k.factory = informers.NewFactory(cs, 0)
	k.podInf = informers.Pods(k.factory, informers.Tweak("spec.nodeName="+nodeName, func(o *metav1.ListOptions) {
		o.FieldSelector = "spec.nodeName=" + nodeName
	}))
	svcInf := informers.Services(k.factory)
	getter := apiGetter{cs: cs}
	k.objects = objcache.New(ctx, cs, objcache.Options{Logger: k.log})
	alloc := k.status.Allocatable()
	mounter := k.cfg.Mounter
	if mounter == nil {
		mounter = volumes.SysMounter{}
	}
	mem := k.status.Capacity()[corev1.ResourceMemory]
	k.newStaticPods()
	tokens := token.NewManager(token.ClientRequester{Client: cs}, nil)
	k.pods = podworker.NewManager(ctx, &podworker.Config{
		Runtime:         k.cfg.Runtime,
		RuntimeName:     k.cfg.RuntimeName,
		Recorder:        eventRecorder{recorder},
		Sink:            k.statusSink(k.sink),
		Getter:          k.objects,
		Services:        serviceLister{svcInf.Lister()},
		Volumes:         &volumes.Manager{Root: k.cfg.RootDir, Getter: k.objects, Claims: getter, Mounter: mounter, NodeAllocatable: alloc, Tokens: tokens},
		RootDir:         k.cfg.RootDir,
		PodLogsDir:      k.cfg.PodLogsDir,
		NodeName:        nodeName,
		HostIPs:         []string{k.status.HostIP()},
		NodeAllocatable: alloc,
		MemoryCapacity:  mem.Value(),
		ClusterDNS:      k.cfg.ClusterDNS,
		ClusterDomain:   k.cfg.ClusterDomain,

		MaxParallelStarts: k.cfg.MaxParallelPodStarts,
	})
	// static pods run before (and without) the apiserver.
	k.startStaticPods(ctx)
	k.podInf.AddEventHandler(informers.HandlerFuncs[*corev1.Pod]{
		AddFunc: func(p *corev1.Pod, _ bool) {
			if !k.mirrorEvent(p) {
				k.trackObjects(p)
				k.admitAndUpdate(p)
			}
		},
		UpdateFunc: func(_, p *corev1.Pod) {
			if !k.mirrorEvent(p) {
				k.trackObjects(p)
				k.admitAndUpdate(p)
			}
		},
		DeleteFunc: func(p *corev1.Pod) {
			if !k.mirrorEvent(p) {
				k.objects.UnregisterPod(p)
				k.forget(p)
				k.pods.RemovePod(k.prepare(p))
			}
		},
	})
	if k.cfg.ServerAddress != "" {
		k.stats = k.startStats(ctx)
	}
	if err := k.startLogRotation(ctx); err != nil {
		return err
	}
	var node *corev1.Node
	for {
		var err error
		if node, err = k.status.Register(ctx); err == nil {
			break
		}
		k.log.Warn("node registration failed, retrying", "err", err)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(2 * time.Second):
		}
	}
	statusDone := make(chan struct{})
	go func() {
		defer close(statusDone)
		k.status.Run(ctx)
	}()

	k.startImageGC(ctx, recorder, node)
	k.startEviction(ctx, recorder, node)
	k.factory.Start(ctx)
	if !k.factory.WaitForCacheSync(ctx) {
		return ctx.Err()
	}
	if k.cfg.ServerAddress != "" {
		ln, err := net.Listen("tcp", k.cfg.ServerAddress)
		if err != nil {
			return fmt.Errorf("kubelet API listener: %w", err)
		}
		srv := server.New(server.Config{Runtime: k.cfg.Runtime, Pods: k.serverPods(), Stats: k.stats, NodeName: nodeName,
			NodeIPs: []string{k.status.HostIP()}, ServingCert: k.cfg.ServingCert, ClientCAs: k.cfg.ClientCAs,
			Profiling: !k.cfg.DisableProfiling, Logger: k.log})
		go func() {
			if err := srv.Serve(ctx, ln); err != nil {
				k.log.Error("kubelet API server failed", "err", err)
			}
		}()
	}
	k.log.Info("kubelet running", "rootDir", filepath.Clean(k.cfg.RootDir), "api", k.cfg.ServerAddress)
	<-ctx.Done()
	k.factory.Shutdown()
	<-statusDone
	return nil
}

// startImageGC runs the image garbage collector over the CRI and lets the
// eviction manager call it under disk pressure before evicting pods.
func (k *Kubelet) startImageGC(ctx context.Context, recorder record.EventRecorder, node *corev1.Node) {
	if k.cfg.ImageGC == nil {
		return
	}
	cfg := *k.cfg.ImageGC
	cfg.Runtime, cfg.Recorder, cfg.Logger = k.cfg.Runtime, evictionRecorder{r: recorder, node: node}, k.log
	gc, err := images.New(cfg)
	if err != nil {
		k.log.Error("image garbage collection not started", "err", err)
		return
	}
	if k.cfg.Eviction != nil && k.cfg.Eviction.Images == nil {
		ev := *k.cfg.Eviction
		ev.Images = gc
		k.cfg.Eviction = &ev
	}
	go gc.Run(ctx)
}

// prepare copies a cached pod for the worker, simplifying probes when asked.
func (k *Kubelet) prepare(p *corev1.Pod) *corev1.Pod {
	p = p.DeepCopy()
	if k.cfg.SimplifyProbes {
		simplifyProbes(p)
	}
	return p
}

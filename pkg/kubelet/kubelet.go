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
	"keel.dev/keel/pkg/kubelet/network"
	"keel.dev/keel/pkg/kubelet/nodestatus"
	"keel.dev/keel/pkg/kubelet/podworker"
	"keel.dev/keel/pkg/kubelet/server"
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
	Logger    *slog.Logger
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
	k := &Kubelet{cfg: cfg, log: cfg.Logger.With("node", cfg.Node.NodeName), status: nodestatus.New(cfg.Node)}
	if cfg.CNIConfDir != "" {
		k.cni = &network.Writer{Dir: cfg.CNIConfDir}
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
			k.log.Error("writing CNI config failed", "err", err)
		} else if wrote {
			k.log.Info("wrote CNI config", "path", k.cni.Path(), "podCIDR", cidr)
		}
	}
}

// Run registers the node, keeps its status and lease fresh, and runs the
// node's pods until ctx ends.
func (k *Kubelet) Run(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
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

	cs := k.cfg.Client
	recorder := record.NewRecorder(cs, "kubelet", node.Name)
	defer recorder.Shutdown()
	k.factory = informers.NewFactory(cs, 0)
	nodeName := node.Name
	k.podInf = informers.Pods(k.factory, informers.Tweak("spec.nodeName="+nodeName, func(o *metav1.ListOptions) {
		o.FieldSelector = "spec.nodeName=" + nodeName
	}))
	svcInf := informers.Services(k.factory)
	getter := apiGetter{cs: cs}
	alloc := k.status.Allocatable()
	mounter := k.cfg.Mounter
	if mounter == nil {
		mounter = volumes.SysMounter{}
	}
	mem := k.status.Capacity()[corev1.ResourceMemory]
	k.pods = podworker.NewManager(ctx, &podworker.Config{
		Runtime:         k.cfg.Runtime,
		RuntimeName:     k.cfg.RuntimeName,
		Recorder:        eventRecorder{recorder},
		Sink:            &apiSink{cs: cs, log: k.log},
		Getter:          getter,
		Services:        serviceLister{svcInf.Lister()},
		Volumes:         &volumes.Manager{Root: k.cfg.RootDir, Getter: getter, Mounter: mounter, NodeAllocatable: alloc},
		RootDir:         k.cfg.RootDir,
		PodLogsDir:      k.cfg.PodLogsDir,
		NodeName:        nodeName,
		HostIPs:         []string{k.status.HostIP()},
		NodeAllocatable: alloc,
		MemoryCapacity:  mem.Value(),
		ClusterDNS:      k.cfg.ClusterDNS,
		ClusterDomain:   k.cfg.ClusterDomain,
	})
	k.podInf.AddEventHandler(informers.HandlerFuncs[*corev1.Pod]{
		AddFunc:    func(p *corev1.Pod, _ bool) { k.pods.UpdatePod(k.prepare(p)) },
		UpdateFunc: func(_, p *corev1.Pod) { k.pods.UpdatePod(k.prepare(p)) },
		DeleteFunc: func(p *corev1.Pod) { k.pods.RemovePod(k.prepare(p)) },
	})
	k.factory.Start(ctx)
	if !k.factory.WaitForCacheSync(ctx) {
		return ctx.Err()
	}
	if k.cfg.ServerAddress != "" {
		ln, err := net.Listen("tcp", k.cfg.ServerAddress)
		if err != nil {
			return fmt.Errorf("kubelet API listener: %w", err)
		}
		srv := server.New(server.Config{Runtime: k.cfg.Runtime, Pods: podSource{k.podInf.Lister()}, NodeName: nodeName,
			NodeIPs: []string{k.status.HostIP()}, ServingCert: k.cfg.ServingCert, ClientCAs: k.cfg.ClientCAs, Logger: k.log})
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

// prepare copies a cached pod for the worker, simplifying probes when asked.
func (k *Kubelet) prepare(p *corev1.Pod) *corev1.Pod {
	p = p.DeepCopy()
	if k.cfg.SimplifyProbes {
		simplifyProbes(p)
	}
	return p
}

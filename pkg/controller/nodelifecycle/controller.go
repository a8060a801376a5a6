package nodelifecycle

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	coordinationv1 "keel.dev/api/coordination/v1"
	corev1 "keel.dev/api/core/v1"
	"keel.dev/apimachinery/pkg/labels"
	"keel.dev/client/clock"
	"keel.dev/client/informers"
	"keel.dev/client/record"
	"keel.dev/client/typed"
	"keel.dev/client/workqueue"
)

// LeaseNamespace holds one Lease per node, renewed by its kubelet.
const LeaseNamespace = "kube-node-lease"

// Defaults of the flags.
const (
	DefaultGracePeriod   = 40 * time.Second
	DefaultMonitorPeriod = 5 * time.Second
	DefaultEvictionRate  = 0.1
)

const podNodeIndex = "nodelifecycle/spec.nodeName"

// Options tunes the controller.
type Options struct {
	// GracePeriod is how long a node may be silent before it is Unknown (40 s).
	GracePeriod time.Duration
	// MonitorPeriod is how often every node is checked (5 s).
	MonitorPeriod time.Duration
	// EvictionRate is the NoExecute taints added per second in one zone (0.1).
	EvictionRate float64
	// Clock supplies the time (default the real clock).
	Clock clock.Clock
	// Recorder receives node and eviction events (optional).
	Recorder record.EventRecorder
	// Metrics observes the work queue (optional).
	Metrics workqueue.Metrics
}

// Controller monitors node health, taints nodes and evicts pods.
type Controller struct {
	client   *typed.Clientset
	nodes    *informers.NodeLister
	leases   *informers.LeaseLister
	podStore *informers.Store[*corev1.Pod]
	synced   []informers.Syncer
	queue    *workqueue.Queue[string]
	opts     Options

	mu     sync.Mutex
	health map[string]*nodeHealth
	zones  map[string]time.Time // zone → earliest time of its next NoExecute taint
}

// nodeHealth is what the controller last saw of a node's heartbeats.
type nodeHealth struct {
	probeTime time.Time // local time of the last observed heartbeat
	heartbeat time.Time // Ready condition's lastHeartbeatTime
	renew     time.Time // Lease renewTime
}

// New wires the controller to the shared informers of f.
func New(client *typed.Clientset, f *informers.Factory, opts Options) *Controller {
	if opts.GracePeriod <= 0 {
		opts.GracePeriod = DefaultGracePeriod
	}
	if opts.MonitorPeriod <= 0 {
		opts.MonitorPeriod = DefaultMonitorPeriod
	}
	if opts.EvictionRate <= 0 {
		opts.EvictionRate = DefaultEvictionRate
	}
	if opts.Clock == nil {
		opts.Clock = clock.Real{}
	}
	if opts.Recorder == nil {
		opts.Recorder = record.NewFakeRecorder(0)
	}
	qo := []workqueue.Option[string]{workqueue.WithClock[string](opts.Clock)}
	if opts.Metrics != nil {
		qo = append(qo, workqueue.WithMetrics[string](opts.Metrics))
	}
	nodeInf := informers.Nodes(f)
	leaseInf := informers.Leases(f, informers.InNamespace(LeaseNamespace))
	podInf := informers.Pods(f)
	_ = podInf.AddIndexers(map[string]informers.IndexFunc[*corev1.Pod]{
		podNodeIndex: func(p *corev1.Pod) ([]string, error) { return []string{p.Spec.NodeName}, nil },
	})
	c := &Controller{
		client: client, nodes: nodeInf.Lister(), leases: leaseInf.Lister(), podStore: podInf.Store(),
		queue: workqueue.New[string](qo...), opts: opts,
		health: map[string]*nodeHealth{}, zones: map[string]time.Time{},
	}
	c.synced = []informers.Syncer{
		nodeInf.AddEventHandler(informers.HandlerFuncs[*corev1.Node]{
			AddFunc:    func(n *corev1.Node, _ bool) { c.queue.Add(n.Name) },
			UpdateFunc: func(_, n *corev1.Node) { c.queue.Add(n.Name) },
			DeleteFunc: func(n *corev1.Node) { c.queue.Add(n.Name) },
		}),
		leaseInf.AddEventHandler(informers.HandlerFuncs[*coordinationv1.Lease]{
			AddFunc:    func(l *coordinationv1.Lease, _ bool) { c.queue.Add(l.Name) },
			UpdateFunc: func(_, l *coordinationv1.Lease) { c.queue.Add(l.Name) },
		}),
		podInf.AddEventHandler(informers.HandlerFuncs[*corev1.Pod]{
			AddFunc: func(p *corev1.Pod, _ bool) { c.enqueuePodNode(p) },
			UpdateFunc: func(old, p *corev1.Pod) {
				if old.Spec.NodeName != p.Spec.NodeName || len(old.Spec.Tolerations) != len(p.Spec.Tolerations) {
					c.enqueuePodNode(p)
				}
			},
		}),
	}
	return c
}

func (c *Controller) enqueuePodNode(p *corev1.Pod) {
	if p.Spec.NodeName != "" {
		c.queue.Add(p.Spec.NodeName)
	}
}

// Run monitors nodes with workers goroutines until ctx is done.
func (c *Controller) Run(ctx context.Context, workers int) error {
	defer c.queue.ShutDown()
	if !informers.WaitForCacheSync(ctx, c.synced...) {
		return fmt.Errorf("nodelifecycle: wait for caches: %w", ctx.Err())
	}
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c.processNext(ctx) {
			}
		}()
	}
	for clock.Sleep(c.opts.Clock, c.opts.MonitorPeriod, ctx.Done()) {
		nodes, _ := c.nodes.List(labels.Everything())
		for _, n := range nodes {
			c.queue.Add(n.Name)
		}
	}
	c.queue.ShutDown()
	wg.Wait()
	return nil
}

func (c *Controller) processNext(ctx context.Context) bool {
	k, shutdown := c.queue.Get()
	if shutdown {
		return false
	}
	defer c.queue.Done(k)
	if err := c.sync(ctx, k); err != nil {
		slog.Default().Error("sync node lifecycle", "controller", "nodelifecycle", "node", k, "err", err)
		c.queue.AddRateLimited(k)
		return true
	}
	c.queue.Forget(k)
	return true
}

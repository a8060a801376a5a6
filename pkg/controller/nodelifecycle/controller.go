package nodelifecycle

import (
	"context"
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

	"keel.dev/keel/pkg/controller/internal/worker"
)

// LeaseNamespace holds one Lease per node, renewed by its kubelet.
const LeaseNamespace = "kube-node-lease"

// Defaults of the flags.
const (
	DefaultGracePeriod   = 40 * time.Second
	DefaultMonitorPeriod = 5 * time.Second
	DefaultEvictionRate  = 0.1
	// DefaultSecondaryEvictionRate applies to partially disrupted zones of large clusters.
	DefaultSecondaryEvictionRate = 0.01
	// DefaultUnhealthyZoneThreshold is the share of not-Ready nodes that disrupts a zone.
	DefaultUnhealthyZoneThreshold = 0.55
	// DefaultLargeClusterSizeThreshold is the zone size above which the secondary rate applies.
	DefaultLargeClusterSizeThreshold = 50
)

const podNodeIndex = "nodelifecycle/spec.nodeName"

// Options tunes the controller.
type Options struct {
	// GracePeriod is how long a node may be silent before it is Unknown (40 s).
	GracePeriod time.Duration
	// MonitorPeriod is how often every node is checked (5 s).
	MonitorPeriod time.Duration
	// EvictionRate is the NoExecute taints added per second in a healthy zone (0.1).
	EvictionRate float64
	// SecondaryEvictionRate is the rate in a partially disrupted zone of
	// more than LargeClusterSizeThreshold nodes (0.01; negative means 0);
	// smaller such zones get no new NoExecute taints.
	SecondaryEvictionRate float64
	// UnhealthyZoneThreshold is the share of not-Ready nodes (with more
	// than two) that makes a zone partially disrupted (0.55).
	UnhealthyZoneThreshold float64
	// LargeClusterSizeThreshold is the zone size above which a partially
	// disrupted zone still evicts, at the secondary rate (50).
	LargeClusterSizeThreshold int
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

	zoneNodes    map[string]zoneEntry // node → zone and readiness; nil until first seeded
	zoneStates   map[string]ZoneState
	zoneSizes    map[string]int
	allDisrupted bool
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
	switch {
	case opts.SecondaryEvictionRate == 0:
		opts.SecondaryEvictionRate = DefaultSecondaryEvictionRate
	case opts.SecondaryEvictionRate < 0:
		opts.SecondaryEvictionRate = 0 // negative: no eviction in disrupted zones
	}
	if opts.UnhealthyZoneThreshold <= 0 {
		opts.UnhealthyZoneThreshold = DefaultUnhealthyZoneThreshold
	}
	if opts.LargeClusterSizeThreshold <= 0 {
		opts.LargeClusterSizeThreshold = DefaultLargeClusterSizeThreshold
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

// Run monitors nodes with workers goroutines until ctx is done; every
// monitor period it queues every node.
func (c *Controller) Run(ctx context.Context, workers int) error {
	go func() {
		for clock.Sleep(c.opts.Clock, c.opts.MonitorPeriod, ctx.Done()) {
			nodes, _ := c.nodes.List(labels.Everything())
			for _, n := range nodes {
				c.queue.Add(n.Name)
			}
		}
	}()
	return worker.Run(ctx, "nodelifecycle", c.queue, c.synced, workers, c.sync)
}

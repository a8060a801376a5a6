package daemonset

import (
	"context"
	"keel.dev/keel/pkg/controller/internal/worker"
	"sync"
	"time"

	appsv1 "keel.dev/api/apps/v1"
	corev1 "keel.dev/api/core/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/labels"
	"keel.dev/client/clock"
	"keel.dev/client/informers"
	"keel.dev/client/record"
	"keel.dev/client/typed"
	"keel.dev/client/workqueue"
)

// Options tunes the controller.
type Options struct {
	// Clock supplies the time (default the real clock).
	Clock clock.Clock
	// Recorder receives events (optional).
	Recorder record.EventRecorder
	// Metrics observes the work queue (optional).
	Metrics workqueue.Metrics
}

// Controller reconciles DaemonSets.
type Controller struct {
	client    *typed.Clientset
	sets      *informers.DaemonSetLister
	pods      *informers.PodLister
	nodes     *informers.NodeLister
	revisions *informers.ControllerRevisionLister
	synced    []informers.Syncer
	queue     *workqueue.Queue[string]
	clock     clock.Clock
	recorder  record.EventRecorder

	mu  sync.Mutex
	exp map[string]*expectation
}

type expectation struct {
	adds, dels int
	at         time.Time
}

// New wires the controller to the shared informers of f.
func New(client *typed.Clientset, f *informers.Factory, opts Options) *Controller {
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
	dsInf := informers.DaemonSets(f)
	podInf := informers.Pods(f)
	nodeInf := informers.Nodes(f)
	revInf := informers.ControllerRevisions(f)
	c := &Controller{
		client: client, sets: dsInf.Lister(), pods: podInf.Lister(), nodes: nodeInf.Lister(), revisions: revInf.Lister(),
		queue: workqueue.New[string](qo...), clock: opts.Clock, recorder: opts.Recorder, exp: map[string]*expectation{},
	}
	enqueueAll := func() {
		sets, _ := c.sets.List(labels.Everything())
		for _, ds := range sets {
			c.queue.Add(ds.Namespace + "/" + ds.Name)
		}
	}
	c.synced = []informers.Syncer{
		dsInf.AddEventHandler(informers.HandlerFuncs[*appsv1.DaemonSet]{
			AddFunc:    func(ds *appsv1.DaemonSet, _ bool) { c.queue.Add(ds.Namespace + "/" + ds.Name) },
			UpdateFunc: func(_, ds *appsv1.DaemonSet) { c.queue.Add(ds.Namespace + "/" + ds.Name) },
			DeleteFunc: func(ds *appsv1.DaemonSet) { c.forget(ds.Namespace + "/" + ds.Name) },
		}),
		podInf.AddEventHandler(informers.HandlerFuncs[*corev1.Pod]{
			AddFunc: func(p *corev1.Pod, _ bool) {
				if k, ok := ownerKey(p); ok {
					c.observe(k, -1, 0)
					c.queue.Add(k)
				}
			},
			UpdateFunc: func(old, p *corev1.Pod) {
				if k, ok := ownerKey(p); ok {
					if old.DeletionTimestamp == nil && p.DeletionTimestamp != nil {
						c.observe(k, 0, -1)
					}
					c.queue.Add(k)
				}
			},
			DeleteFunc: func(p *corev1.Pod) {
				if k, ok := ownerKey(p); ok {
					if p.DeletionTimestamp == nil {
						c.observe(k, 0, -1)
					}
					c.queue.Add(k)
				}
			},
		}),
		nodeInf.AddEventHandler(informers.HandlerFuncs[*corev1.Node]{
			AddFunc:    func(*corev1.Node, bool) { enqueueAll() },
			UpdateFunc: func(o, n *corev1.Node) { enqueueAll() },
			DeleteFunc: func(*corev1.Node) { enqueueAll() },
		}),
		revInf,
	}
	return c
}

func ownerKey(p *corev1.Pod) (string, bool) {
	ref := metav1.GetControllerOf(p)
	if ref == nil || ref.Kind != "DaemonSet" || ref.APIVersion != "apps/v1" {
		return "", false
	}
	return p.Namespace + "/" + ref.Name, true
}

func (c *Controller) expect(key string, adds, dels int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.exp[key] = &expectation{adds: adds, dels: dels, at: c.clock.Now()}
}

func (c *Controller) observe(key string, adds, dels int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e := c.exp[key]; e != nil {
		e.adds += adds
		e.dels += dels
	}
}

func (c *Controller) satisfied(key string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.exp[key]
	return e == nil || (e.adds <= 0 && e.dels <= 0) || c.clock.Since(e.at) > 5*time.Minute
}

func (c *Controller) forget(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.exp, key)
}

// Run processes DaemonSets with workers goroutines until ctx is done.
func (c *Controller) Run(ctx context.Context, workers int) error {
	return worker.Run(ctx, "daemonset", c.queue, c.synced, workers, c.sync)
}

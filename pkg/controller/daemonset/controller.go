package daemonset

import (
	"context"

	appsv1 "keel.dev/api/apps/v1"
	corev1 "keel.dev/api/core/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/labels"
	"keel.dev/client/clock"
	"keel.dev/client/informers"
	"keel.dev/client/record"
	"keel.dev/client/typed"
	"keel.dev/client/workqueue"

	"keel.dev/keel/pkg/controller/internal/expectations"
	"keel.dev/keel/pkg/controller/internal/worker"
	"keel.dev/keel/pkg/controller/ownerref"
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

	exp *expectations.Counts
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
		queue: workqueue.New[string](qo...), clock: opts.Clock, recorder: opts.Recorder, exp: expectations.New(opts.Clock, 0),
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
			DeleteFunc: func(ds *appsv1.DaemonSet) { c.exp.Forget(ds.Namespace + "/" + ds.Name) },
		}),
		podInf.AddEventHandler(informers.HandlerFuncs[*corev1.Pod]{
			AddFunc: func(p *corev1.Pod, _ bool) {
				if k, ok := ownerKey(p); ok {
					c.exp.Observe(k, -1, 0)
					c.queue.Add(k)
					return
				}
				c.enqueueAdopters(p)
			},
			UpdateFunc: func(old, p *corev1.Pod) {
				if k, ok := ownerKey(old); ok {
					if k2, ok2 := ownerKey(p); !ok2 || k2 != k {
						c.queue.Add(k)
					}
				}
				if k, ok := ownerKey(p); ok {
					if old.DeletionTimestamp == nil && p.DeletionTimestamp != nil {
						c.exp.Observe(k, 0, -1)
					}
					c.queue.Add(k)
					return
				}
				c.enqueueAdopters(p)
			},
			DeleteFunc: func(p *corev1.Pod) {
				if k, ok := ownerKey(p); ok {
					if p.DeletionTimestamp == nil {
						c.exp.Observe(k, 0, -1)
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
		revInf.AddEventHandler(informers.HandlerFuncs[*appsv1.ControllerRevision]{
			AddFunc:    func(r *appsv1.ControllerRevision, _ bool) { c.enqueueAdopters(r) },
			UpdateFunc: func(_, r *appsv1.ControllerRevision) { c.enqueueAdopters(r) },
		}),
	}
	return c
}

// enqueueAdopters queues the daemon sets whose selector matches the
// orphan obj (a pod or ControllerRevision).
func (c *Controller) enqueueAdopters(obj metav1.Object) {
	if obj.GetDeletionTimestamp() != nil || metav1.GetControllerOf(obj) != nil {
		return
	}
	sets, err := c.sets.Namespace(obj.GetNamespace()).List(labels.Everything())
	if err != nil {
		return
	}
	for _, ds := range sets {
		if ownerref.OrphanMatches(ds.Spec.Selector, obj) {
			c.queue.Add(ds.Namespace + "/" + ds.Name)
		}
	}
}

func ownerKey(p *corev1.Pod) (string, bool) {
	ref := metav1.GetControllerOf(p)
	if ref == nil || ref.Kind != "DaemonSet" || ref.APIVersion != "apps/v1" {
		return "", false
	}
	return p.Namespace + "/" + ref.Name, true
}

// Run processes DaemonSets with workers goroutines until ctx is done.
func (c *Controller) Run(ctx context.Context, workers int) error {
	return worker.Run(ctx, "daemonset", c.queue, c.synced, workers, c.sync)
}

package replicaset

import (
	"context"
	"fmt"
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

	"keel.dev/keel/pkg/controller/internal/expectations"
	"keel.dev/keel/pkg/controller/internal/worker"
)

// BurstReplicas is the most pods created or deleted in one sync.
const BurstReplicas = 500

// Options tunes a Controller; zero values pick defaults.
type Options struct {
	// Recorder receives events; nil discards them.
	Recorder record.EventRecorder
	// Clock defaults to the wall clock.
	Clock clock.Clock
	// Metrics receives queue metrics; nil disables them.
	Metrics workqueue.Metrics
	// BurstReplicas caps creations/deletions per sync (default 500).
	BurstReplicas int
}

// Controller reconciles ReplicaSets (or ReplicationControllers) with pods.
type Controller struct {
	cs       *typed.Clientset
	src      source
	pods     *informers.PodInformer
	recorder record.EventRecorder
	clock    clock.Clock
	burst    int

	queue        *workqueue.Queue[string]
	expectations *expectations.Counts
}

// New returns a ReplicaSet controller.
func New(cs *typed.Clientset, rsInformer *informers.ReplicaSetInformer, podInformer *informers.PodInformer, opts Options) *Controller {
	return newController(cs, rsSource{cs: cs, inf: rsInformer}, podInformer, opts)
}

// NewForReplicationControllers returns the same controller managing
// ReplicationControllers.
func NewForReplicationControllers(cs *typed.Clientset, rcInformer *informers.ReplicationControllerInformer, podInformer *informers.PodInformer, opts Options) *Controller {
	return newController(cs, rcSource{cs: cs, inf: rcInformer}, podInformer, opts)
}

func newController(cs *typed.Clientset, src source, pods *informers.PodInformer, opts Options) *Controller {
	if opts.Clock == nil {
		opts.Clock = clock.Real{}
	}
	if opts.Recorder == nil {
		opts.Recorder = record.NewFakeRecorder(0)
	}
	if opts.BurstReplicas <= 0 {
		opts.BurstReplicas = BurstReplicas
	}
	qopts := []workqueue.Option[string]{workqueue.WithClock[string](opts.Clock)}
	if opts.Metrics != nil {
		qopts = append(qopts, workqueue.WithMetrics[string](opts.Metrics))
	}
	c := &Controller{
		cs: cs, src: src, pods: pods, recorder: opts.Recorder, clock: opts.Clock, burst: opts.BurstReplicas,
		queue:        workqueue.New[string](qopts...),
		expectations: expectations.New(opts.Clock, 0),
	}
	src.onChange(func(rs *appsv1.ReplicaSet, deleted bool) {
		if deleted {
			c.expectations.Forget(informers.KeyOf(rs))
		}
		c.queue.Add(informers.KeyOf(rs))
	})
	pods.AddEventHandler(informers.HandlerFuncs[*corev1.Pod]{
		AddFunc:    func(p *corev1.Pod, _ bool) { c.podAdded(p) },
		UpdateFunc: c.podUpdated,
		DeleteFunc: c.podDeleted,
	})
	return c
}

// ownerKey returns the key of pod's controller when it is of our kind.
func (c *Controller) ownerKey(p *corev1.Pod, ref *metav1.OwnerReference) (string, bool) {
	if ref == nil || ref.Kind != c.src.kind().Kind || ref.APIVersion != c.src.kind().GroupVersion().String() {
		return "", false
	}
	rs, err := c.src.get(p.Namespace, ref.Name)
	if err != nil || rs.UID != ref.UID {
		return "", false
	}
	return informers.KeyOf(rs), true
}

// enqueueMatching queues every owner whose selector matches an orphan pod.
func (c *Controller) enqueueMatching(p *corev1.Pod) {
	owners, err := c.src.list(p.Namespace)
	if err != nil {
		return
	}
	for _, rs := range owners {
		sel, err := metav1.LabelSelectorAsSelector(rs.Spec.Selector)
		if err != nil || sel.Empty() {
			continue
		}
		if sel.Matches(labels.Set(p.Labels)) {
			c.queue.Add(informers.KeyOf(rs))
		}
	}
}

func (c *Controller) podAdded(p *corev1.Pod) {
	if p.DeletionTimestamp != nil {
		c.podDeleted(p)
		return
	}
	if ref := metav1.GetControllerOf(p); ref != nil {
		if key, ok := c.ownerKey(p, ref); ok {
			c.expectations.Observe(key, -1, 0)
			c.queue.Add(key)
		}
		return
	}
	c.enqueueMatching(p)
}

func (c *Controller) podUpdated(old, cur *corev1.Pod) {
	if old.ResourceVersion == cur.ResourceVersion {
		return
	}
	labelsChanged := !labels.Equals(labels.Set(old.Labels), labels.Set(cur.Labels))
	if cur.DeletionTimestamp != nil {
		c.podDeleted(cur)
		if labelsChanged {
			c.podDeleted(old)
		}
		return
	}
	oldRef, curRef := metav1.GetControllerOf(old), metav1.GetControllerOf(cur)
	if oldRef != nil && (curRef == nil || oldRef.UID != curRef.UID) {
		if key, ok := c.ownerKey(old, oldRef); ok {
			c.queue.Add(key)
		}
	}
	if curRef != nil {
		if key, ok := c.ownerKey(cur, curRef); ok {
			c.queue.Add(key)
			if !corev1.IsPodReady(old) && corev1.IsPodReady(cur) {
				if rs, err := c.src.get(cur.Namespace, curRef.Name); err == nil && rs.Spec.MinReadySeconds > 0 {
					c.queue.AddAfter(key, time.Duration(rs.Spec.MinReadySeconds)*time.Second+time.Second)
				}
			}
		}
		return
	}
	if labelsChanged || (oldRef != nil && curRef == nil) {
		c.enqueueMatching(cur)
	}
}

func (c *Controller) podDeleted(p *corev1.Pod) {
	ref := metav1.GetControllerOf(p)
	if ref == nil {
		return
	}
	if key, ok := c.ownerKey(p, ref); ok {
		c.expectations.ObserveDeletionOf(key, informers.KeyOf(p))
		c.queue.Add(key)
	}
}

// Run starts workers and blocks until ctx is done; it returns an error if
// the caches never sync.
func (c *Controller) Run(ctx context.Context, workers int) error {
	name := "replicaset"
	if c.src.kind().Kind == "ReplicationController" {
		name = "replicationcontroller"
	}
	return worker.Run(ctx, name, c.queue, []informers.Syncer{syncer(c.src.synced), c.pods}, workers, c.sync)
}

type syncer func() bool

func (s syncer) HasSynced() bool { return s() }

// errorf wraps err with the owner key.
func errorf(key string, err error) error { return fmt.Errorf("sync %s: %w", key, err) }

package resourcequota

import (
	"context"
	"fmt"
	"time"

	corev1 "keel.dev/api/core/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/labels"
	"keel.dev/apimachinery/pkg/runtime/schema"
	"keel.dev/client/clock"
	"keel.dev/client/dynamic"
	"keel.dev/client/informers"
	"keel.dev/client/typed"
	"keel.dev/client/workqueue"

	"keel.dev/keel/pkg/controller/internal/worker"
)

// DefaultResyncPeriod is how often every quota is recomputed regardless of events.
const DefaultResyncPeriod = 5 * time.Minute

// Options tunes the controller.
type Options struct {
	// Clock is the time source (default real clock).
	Clock clock.Clock
	// ResyncPeriod is the full recompute interval (default 5 min).
	ResyncPeriod time.Duration
	// Metrics observes the work queue (optional).
	Metrics workqueue.Metrics
	// CountResyncPeriod is how often quotas with "count/<resource>.<group>"
	// names of resources without a cache here are recounted (default 30s).
	CountResyncPeriod time.Duration
	// Count counts objects for those names (default: lists through the
	// client, one item per request).
	Count CountFunc
}

// DefaultCountResyncPeriod is how often generic object counts are refreshed.
const DefaultCountResyncPeriod = 30 * time.Second

// Controller recomputes ResourceQuota status per namespace.
type Controller struct {
	client   *typed.Clientset
	clock    clock.Clock
	resync   time.Duration
	recount  time.Duration
	count    CountFunc
	quotas   *informers.ResourceQuotaLister
	pods     *informers.PodLister
	services *informers.ServiceLister
	cms      *informers.ConfigMapLister
	secrets  *informers.SecretLister
	pvcs     *informers.PersistentVolumeClaimLister
	rcs      *informers.ReplicationControllerLister
	synced   []informers.Syncer
	queue    *workqueue.Queue[string]
}

// handler queues the namespace of any changed object.
func handler[T informers.Object](q *workqueue.Queue[string]) informers.HandlerFuncs[T] {
	return informers.HandlerFuncs[T]{
		AddFunc:    func(o T, _ bool) { q.Add(o.GetNamespace()) },
		UpdateFunc: func(_, o T) { q.Add(o.GetNamespace()) },
		DeleteFunc: func(o T) { q.Add(o.GetNamespace()) },
	}
}

// New wires the controller to the shared informers of f.
func New(client *typed.Clientset, f *informers.Factory, opts Options) *Controller {
	if opts.Clock == nil {
		opts.Clock = clock.Real{}
	}
	if opts.ResyncPeriod <= 0 {
		opts.ResyncPeriod = DefaultResyncPeriod
	}
	if opts.CountResyncPeriod <= 0 {
		opts.CountResyncPeriod = DefaultCountResyncPeriod
	}
	if opts.Count == nil {
		opts.Count = dynamicCounter(dynamic.New(client.REST()), client.REST().Scheme())
	}
	var qo []workqueue.Option[string]
	if opts.Metrics != nil {
		qo = append(qo, workqueue.WithMetrics[string](opts.Metrics))
	}
	rqInf, podInf, svcInf := informers.ResourceQuotas(f), informers.Pods(f), informers.Services(f)
	cmInf, secInf, pvcInf, rcInf := informers.ConfigMaps(f), informers.Secrets(f), informers.PersistentVolumeClaims(f), informers.ReplicationControllers(f)
	c := &Controller{
		client: client, clock: opts.Clock, resync: opts.ResyncPeriod, recount: opts.CountResyncPeriod, count: opts.Count,
		quotas: rqInf.Lister(), pods: podInf.Lister(), services: svcInf.Lister(),
		cms: cmInf.Lister(), secrets: secInf.Lister(), pvcs: pvcInf.Lister(), rcs: rcInf.Lister(),
		queue: workqueue.New[string](qo...),
	}
	c.synced = []informers.Syncer{
		rqInf.AddEventHandler(handler[*corev1.ResourceQuota](c.queue)),
		podInf.AddEventHandler(handler[*corev1.Pod](c.queue)),
		svcInf.AddEventHandler(handler[*corev1.Service](c.queue)),
		cmInf.AddEventHandler(handler[*corev1.ConfigMap](c.queue)),
		secInf.AddEventHandler(handler[*corev1.Secret](c.queue)),
		pvcInf.AddEventHandler(handler[*corev1.PersistentVolumeClaim](c.queue)),
		rcInf.AddEventHandler(handler[*corev1.ReplicationController](c.queue)),
	}
	return c
}

// Run processes namespaces with workers goroutines until ctx is done, and
// queues every quota's namespace each resync period.
func (c *Controller) Run(ctx context.Context, workers int) error {
	go c.every(ctx, c.resync, func(*corev1.ResourceQuota) bool { return true })
	go c.every(ctx, c.recount, func(q *corev1.ResourceQuota) bool {
		return len(genericResources([]*corev1.ResourceQuota{q})) > 0
	})
	return worker.Run(ctx, "resourcequota", c.queue, c.synced, workers, c.sync)
}

// every queues, each period until ctx ends, the namespaces of the quotas
// that match selects.
func (c *Controller) every(ctx context.Context, period time.Duration, match func(*corev1.ResourceQuota) bool) {
	for {
		t := c.clock.NewTimer(period)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C():
			c.enqueueAll(match)
		}
	}
}

// enqueueAll queues every namespace holding a quota that match selects.
func (c *Controller) enqueueAll(match func(*corev1.ResourceQuota) bool) {
	qs, err := c.quotas.List(labels.Everything())
	if err != nil {
		return
	}
	for _, q := range qs {
		if match(q) {
			c.queue.Add(q.Namespace)
		}
	}
}

// sync recomputes every quota of namespace ns.
func (c *Controller) sync(ctx context.Context, ns string) error {
	quotas, err := c.quotas.Namespace(ns).List(labels.Everything())
	if err != nil || len(quotas) == 0 {
		return err
	}
	objs, err := c.snapshot(ns)
	if err != nil {
		return err
	}
	objs.ResourceQuotas = quotas
	if grs := genericResources(quotas); len(grs) > 0 {
		objs.Counts = map[schema.GroupResource]int{}
		for _, gr := range grs {
			n, ok, err := c.count(ctx, ns, gr)
			if err != nil {
				return err
			}
			if ok {
				objs.Counts[gr] = n
			}
		}
	}
	for _, cached := range quotas {
		hard := cached.Spec.Hard
		used := QuotaUsage(cached, objs)
		if equalLists(cached.Status.Hard, hard) && equalLists(cached.Status.Used, used) {
			continue
		}
		q := cached.DeepCopyObject().(*corev1.ResourceQuota)
		q.Status.Hard = q.Spec.Hard
		q.Status.Used = used
		if _, err := c.client.CoreV1().ResourceQuotas(ns).UpdateStatus(ctx, q, metav1.UpdateOptions{}); err != nil && !apierrors.IsNotFound(err) {
			return fmt.Errorf("update status of quota %s/%s: %w", ns, q.Name, err)
		}
	}
	return nil
}

// snapshot lists the namespace's measured objects from the caches.
func (c *Controller) snapshot(ns string) (Objects, error) {
	var o Objects
	var err error
	all := labels.Everything()
	if o.Pods, err = c.pods.Namespace(ns).List(all); err != nil {
		return o, err
	}
	if o.Services, err = c.services.Namespace(ns).List(all); err != nil {
		return o, err
	}
	if o.ConfigMaps, err = c.cms.Namespace(ns).List(all); err != nil {
		return o, err
	}
	if o.Secrets, err = c.secrets.Namespace(ns).List(all); err != nil {
		return o, err
	}
	if o.PersistentVolumeClaims, err = c.pvcs.Namespace(ns).List(all); err != nil {
		return o, err
	}
	o.ReplicationControllers, err = c.rcs.Namespace(ns).List(all)
	return o, err
}

// equalLists compares two resource lists by quantity value.
func equalLists(a, b corev1.ResourceList) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		w, ok := b[k]
		if !ok || v.Cmp(w) != 0 {
			return false
		}
	}
	return true
}

package endpointslice

import (
	"context"
	"time"

	corev1 "keel.dev/api/core/v1"
	discoveryv1 "keel.dev/api/discovery/v1"
	"keel.dev/apimachinery/pkg/labels"
	"keel.dev/client/clock"
	"keel.dev/client/informers"
	"keel.dev/client/typed"
	"keel.dev/client/workqueue"

	"keel.dev/keel/pkg/controller/internal/worker"
)

// ControllerName is the value of the managed-by label on our slices.
const ControllerName = "endpointslice-controller.k8s.io"

// MaxEndpointsPerSlice is the default capacity of one slice.
const MaxEndpointsPerSlice = 100

// Options tunes the controller.
type Options struct {
	// MaxEndpointsPerSlice caps the endpoints of one slice (default 100).
	MaxEndpointsPerSlice int
	// Clock supplies the time (default the real clock).
	Clock clock.Clock
	// Metrics observes the work queue (optional).
	Metrics workqueue.Metrics
}

// Controller reconciles the EndpointSlices of selector Services.
type Controller struct {
	client    *typed.Clientset
	services  *informers.ServiceLister
	pods      *informers.PodLister
	nodes     *informers.NodeLister
	slices    *informers.Lister[*discoveryv1.EndpointSlice]
	synced    []informers.Syncer
	queue     *workqueue.Queue[string]
	maxPerSet int
	clock     clock.Clock
}

// New wires the controller to the shared informers of f.
func New(client *typed.Clientset, f *informers.Factory, opts Options) *Controller {
	if opts.MaxEndpointsPerSlice <= 0 {
		opts.MaxEndpointsPerSlice = MaxEndpointsPerSlice
	}
	if opts.Clock == nil {
		opts.Clock = clock.Real{}
	}
	svcInf := informers.Services(f)
	podInf := informers.Pods(f)
	nodeInf := informers.Nodes(f)
	sliceInf := informers.For[*discoveryv1.EndpointSlice, *discoveryv1.EndpointSliceList](f)
	c := &Controller{
		client:    client,
		services:  svcInf.Lister(),
		pods:      podInf.Lister(),
		nodes:     nodeInf.Lister(),
		slices:    sliceInf.Lister(),
		queue:     newQueue(opts),
		maxPerSet: opts.MaxEndpointsPerSlice,
		clock:     opts.Clock,
	}
	c.synced = []informers.Syncer{
		svcInf.AddEventHandler(informers.HandlerFuncs[*corev1.Service]{
			AddFunc:    func(s *corev1.Service, _ bool) { c.queue.Add(key(s.Namespace, s.Name)) },
			UpdateFunc: func(_, s *corev1.Service) { c.queue.Add(key(s.Namespace, s.Name)) },
			DeleteFunc: func(s *corev1.Service) { c.queue.Add(key(s.Namespace, s.Name)) },
		}),
		podInf.AddEventHandler(informers.HandlerFuncs[*corev1.Pod]{
			AddFunc:    func(p *corev1.Pod, _ bool) { c.enqueueForPod(p, nil) },
			UpdateFunc: func(o, p *corev1.Pod) { c.enqueueForPod(p, o) },
			DeleteFunc: func(p *corev1.Pod) { c.enqueueForPod(p, nil) },
		}),
		sliceInf.AddEventHandler(informers.HandlerFuncs[*discoveryv1.EndpointSlice]{
			AddFunc:    func(s *discoveryv1.EndpointSlice, _ bool) { c.enqueueForSlice(s) },
			UpdateFunc: func(_, s *discoveryv1.EndpointSlice) { c.enqueueForSlice(s) },
			DeleteFunc: func(s *discoveryv1.EndpointSlice) { c.enqueueForSlice(s) },
		}),
		nodeInf,
	}
	return c
}

func key(ns, name string) string { return ns + "/" + name }

// enqueueForPod queues every Service in the pod's namespace selecting the
// pod now or (for label changes) before.
func (c *Controller) enqueueForPod(p, old *corev1.Pod) {
	svcs, err := c.services.Namespace(p.Namespace).List(labels.Everything())
	if err != nil {
		return
	}
	for _, s := range svcs {
		if s.Spec.Selector == nil {
			continue
		}
		sel := labels.SelectorFromSet(s.Spec.Selector)
		if sel.Matches(labels.Set(p.Labels)) || (old != nil && sel.Matches(labels.Set(old.Labels))) {
			c.queue.Add(key(s.Namespace, s.Name))
		}
	}
}

func (c *Controller) enqueueForSlice(s *discoveryv1.EndpointSlice) {
	if s.Labels[discoveryv1.LabelManagedBy] != ControllerName {
		return
	}
	if name := s.Labels[discoveryv1.LabelServiceName]; name != "" {
		c.queue.Add(key(s.Namespace, name))
	}
}

// Run processes Services with workers goroutines until ctx is done.
func (c *Controller) Run(ctx context.Context, workers int) error {
	return worker.Run(ctx, "endpointslice", c.queue, c.synced, workers, c.sync)
}

// processNext syncs one queued Service.
func (c *Controller) processNext(ctx context.Context) bool {
	return worker.ProcessNext(ctx, "endpointslice", c.queue, c.sync)
}

// triggerTime is the latest change among the service and its pods.
func triggerTime(svc *corev1.Service, pods []*corev1.Pod) time.Time {
	t := svc.CreationTimestamp.Time
	for _, p := range pods {
		pt := p.CreationTimestamp.Time
		if _, cond := corev1.GetPodCondition(&p.Status, corev1.PodReady); cond != nil && cond.LastTransitionTime.After(pt) {
			pt = cond.LastTransitionTime.Time
		}
		if p.DeletionTimestamp != nil && p.DeletionTimestamp.After(pt) {
			pt = p.DeletionTimestamp.Time
		}
		if pt.After(t) {
			t = pt
		}
	}
	return t
}

func newQueue(opts Options) *workqueue.Queue[string] {
	qo := []workqueue.Option[string]{workqueue.WithClock[string](opts.Clock)}
	if opts.Metrics != nil {
		qo = append(qo, workqueue.WithMetrics[string](opts.Metrics))
	}
	return workqueue.New[string](qo...)
}

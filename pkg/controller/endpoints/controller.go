package endpoints

import (
	"context"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/apimachinery/pkg/labels"
	"keel.dev/client/clock"
	"keel.dev/client/informers"
	"keel.dev/client/typed"
	"keel.dev/client/workqueue"

	"keel.dev/keel/pkg/controller/internal/worker"
)

// Options tunes the controller.
type Options struct {
	// Clock supplies the time (default the real clock).
	Clock clock.Clock
	// Metrics observes the work queue (optional).
	Metrics workqueue.Metrics
}

// Controller reconciles Endpoints objects.
type Controller struct {
	client    *typed.Clientset
	services  *informers.ServiceLister
	pods      *informers.PodLister
	endpoints *informers.EndpointsLister
	synced    []informers.Syncer
	queue     *workqueue.Queue[string]
	clock     clock.Clock
}

// New wires the controller to the shared informers of f.
func New(client *typed.Clientset, f *informers.Factory, opts Options) *Controller {
	if opts.Clock == nil {
		opts.Clock = clock.Real{}
	}
	var qo []workqueue.Option[string]
	if opts.Metrics != nil {
		qo = append(qo, workqueue.WithMetrics[string](opts.Metrics))
	}
	svcInf := informers.Services(f)
	podInf := informers.Pods(f)
	epInf := informers.EndpointsInformers(f)
	c := &Controller{
		client: client, services: svcInf.Lister(), pods: podInf.Lister(), endpoints: epInf.Lister(),
		queue: workqueue.New[string](qo...), clock: opts.Clock,
	}
	c.synced = []informers.Syncer{
		svcInf.AddEventHandler(informers.HandlerFuncs[*corev1.Service]{
			AddFunc:    func(s *corev1.Service, _ bool) { c.queue.Add(s.Namespace + "/" + s.Name) },
			UpdateFunc: func(_, s *corev1.Service) { c.queue.Add(s.Namespace + "/" + s.Name) },
			DeleteFunc: func(s *corev1.Service) { c.queue.Add(s.Namespace + "/" + s.Name) },
		}),
		podInf.AddEventHandler(informers.HandlerFuncs[*corev1.Pod]{
			AddFunc:    func(p *corev1.Pod, _ bool) { c.enqueueForPod(p, nil) },
			UpdateFunc: func(o, p *corev1.Pod) { c.enqueueForPod(p, o) },
			DeleteFunc: func(p *corev1.Pod) { c.enqueueForPod(p, nil) },
		}),
		epInf.AddEventHandler(informers.HandlerFuncs[*corev1.Endpoints]{
			DeleteFunc: func(e *corev1.Endpoints) { c.queue.Add(e.Namespace + "/" + e.Name) },
		}),
	}
	return c
}

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
			c.queue.Add(s.Namespace + "/" + s.Name)
		}
	}
}

// Run processes Services with workers goroutines until ctx is done.
func (c *Controller) Run(ctx context.Context, workers int) error {
	return worker.Run(ctx, "endpoints", c.queue, c.synced, workers, c.sync)
}

// processNext syncs one queued Service.
func (c *Controller) processNext(ctx context.Context) bool {
	return worker.ProcessNext(ctx, "endpoints", c.queue, c.sync)
}

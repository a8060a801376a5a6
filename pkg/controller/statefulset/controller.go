package statefulset

import (
	"context"

	appsv1 "keel.dev/api/apps/v1"
	corev1 "keel.dev/api/core/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/client/clock"
	"keel.dev/client/informers"
	"keel.dev/client/record"
	"keel.dev/client/typed"
	"keel.dev/client/workqueue"

	"keel.dev/keel/pkg/controller/internal/worker"
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

// Controller reconciles StatefulSets.
type Controller struct {
	client    *typed.Clientset
	sets      *informers.StatefulSetLister
	pods      *informers.PodLister
	claims    *informers.PersistentVolumeClaimLister
	revisions *informers.ControllerRevisionLister
	synced    []informers.Syncer
	queue     *workqueue.Queue[string]
	clock     clock.Clock
	recorder  record.EventRecorder
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
	setInf := informers.StatefulSets(f)
	podInf := informers.Pods(f)
	pvcInf := informers.PersistentVolumeClaims(f)
	revInf := informers.ControllerRevisions(f)
	c := &Controller{
		client: client, sets: setInf.Lister(), pods: podInf.Lister(), claims: pvcInf.Lister(), revisions: revInf.Lister(),
		queue: workqueue.New[string](qo...), clock: opts.Clock, recorder: opts.Recorder,
	}
	enqueuePod := func(p *corev1.Pod) {
		if ref := metav1.GetControllerOf(p); ref != nil && ref.Kind == "StatefulSet" && ref.APIVersion == "apps/v1" {
			c.queue.Add(p.Namespace + "/" + ref.Name)
			return
		}
		c.enqueueAdopters(p)
	}
	c.synced = []informers.Syncer{
		setInf.AddEventHandler(informers.HandlerFuncs[*appsv1.StatefulSet]{
			AddFunc:    func(s *appsv1.StatefulSet, _ bool) { c.queue.Add(s.Namespace + "/" + s.Name) },
			UpdateFunc: func(_, s *appsv1.StatefulSet) { c.queue.Add(s.Namespace + "/" + s.Name) },
		}),
		podInf.AddEventHandler(informers.HandlerFuncs[*corev1.Pod]{
			AddFunc: func(p *corev1.Pod, _ bool) { enqueuePod(p) },
			UpdateFunc: func(old, p *corev1.Pod) {
				if ref := metav1.GetControllerOf(old); ref != nil && ref.Kind == "StatefulSet" && metav1.GetControllerOf(p) == nil {
					c.queue.Add(old.Namespace + "/" + ref.Name) // released
				}
				enqueuePod(p)
			},
			DeleteFunc: enqueuePod,
		}),
		pvcInf,
		revInf.AddEventHandler(informers.HandlerFuncs[*appsv1.ControllerRevision]{
			AddFunc:    func(r *appsv1.ControllerRevision, _ bool) { c.enqueueAdopters(r) },
			UpdateFunc: func(_, r *appsv1.ControllerRevision) { c.enqueueAdopters(r) },
		}),
	}
	return c
}

// Run processes StatefulSets with workers goroutines until ctx is done.
func (c *Controller) Run(ctx context.Context, workers int) error {
	return worker.Run(ctx, "statefulset", c.queue, c.synced, workers, c.sync)
}

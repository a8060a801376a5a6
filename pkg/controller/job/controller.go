package job

import (
	"context"

	batchv1 "keel.dev/api/batch/v1"
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
	// Recorder receives job events (optional).
	Recorder record.EventRecorder
	// Metrics observes the work queue (optional).
	Metrics workqueue.Metrics
}

// Controller reconciles Jobs and their pods.
type Controller struct {
	client   *typed.Clientset
	jobs     *informers.JobLister
	pods     *informers.PodLister
	synced   []informers.Syncer
	queue    *workqueue.Queue[string]
	clock    clock.Clock
	recorder record.EventRecorder

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
	jobInf := informers.Jobs(f)
	podInf := informers.Pods(f)
	c := &Controller{
		client: client, jobs: jobInf.Lister(), pods: podInf.Lister(),
		queue: workqueue.New[string](qo...), clock: opts.Clock, recorder: opts.Recorder,
		exp: expectations.New(opts.Clock, 0),
	}
	c.synced = []informers.Syncer{
		jobInf.AddEventHandler(informers.HandlerFuncs[*batchv1.Job]{
			AddFunc:    func(j *batchv1.Job, _ bool) { c.queue.Add(j.Namespace + "/" + j.Name) },
			UpdateFunc: func(_, j *batchv1.Job) { c.queue.Add(j.Namespace + "/" + j.Name) },
			DeleteFunc: func(j *batchv1.Job) {
				c.exp.Forget(j.Namespace + "/" + j.Name)
				c.queue.Add(j.Namespace + "/" + j.Name)
			},
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
						c.queue.Add(k) // released: the old owner recounts
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
	}
	return c
}

// enqueueAdopters queues the jobs whose selector matches the orphan p.
func (c *Controller) enqueueAdopters(p *corev1.Pod) {
	if p.DeletionTimestamp != nil || metav1.GetControllerOf(p) != nil {
		return
	}
	jobs, err := c.jobs.Namespace(p.Namespace).List(labels.Everything())
	if err != nil {
		return
	}
	for _, j := range jobs {
		if ownerref.OrphanMatches(j.Spec.Selector, p) {
			c.queue.Add(j.Namespace + "/" + j.Name)
		}
	}
}

// ownerKey returns the key of the Job controlling p.
func ownerKey(p *corev1.Pod) (string, bool) {
	ref := metav1.GetControllerOf(p)
	if ref == nil || ref.Kind != "Job" || ref.APIVersion != "batch/v1" {
		return "", false
	}
	return p.Namespace + "/" + ref.Name, true
}

// Run processes Jobs with workers goroutines until ctx is done.
func (c *Controller) Run(ctx context.Context, workers int) error {
	return worker.Run(ctx, "job", c.queue, c.synced, workers, c.sync)
}

package cronjob

import (
	"context"
	"keel.dev/keel/pkg/controller/internal/worker"
	_ "time/tzdata" // spec.timeZone must work without system zone files.

	batchv1 "keel.dev/api/batch/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
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

// Controller schedules CronJobs.
type Controller struct {
	client   *typed.Clientset
	cronJobs *informers.CronJobLister
	jobs     *informers.JobLister
	synced   []informers.Syncer
	queue    *workqueue.Queue[string]
	clock    clock.Clock
	recorder record.EventRecorder
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
	cjInf := informers.CronJobs(f)
	jobInf := informers.Jobs(f)
	c := &Controller{client: client, cronJobs: cjInf.Lister(), jobs: jobInf.Lister(),
		queue: workqueue.New[string](qo...), clock: opts.Clock, recorder: opts.Recorder}
	enqueueJob := func(j *batchv1.Job) {
		if ref := metav1.GetControllerOf(j); ref != nil && ref.Kind == "CronJob" && ref.APIVersion == "batch/v1" {
			c.queue.Add(j.Namespace + "/" + ref.Name)
		}
	}
	c.synced = []informers.Syncer{
		cjInf.AddEventHandler(informers.HandlerFuncs[*batchv1.CronJob]{
			AddFunc:    func(cj *batchv1.CronJob, _ bool) { c.queue.Add(cj.Namespace + "/" + cj.Name) },
			UpdateFunc: func(_, cj *batchv1.CronJob) { c.queue.Add(cj.Namespace + "/" + cj.Name) },
		}),
		jobInf.AddEventHandler(informers.HandlerFuncs[*batchv1.Job]{
			AddFunc:    func(j *batchv1.Job, _ bool) { enqueueJob(j) },
			UpdateFunc: func(_, j *batchv1.Job) { enqueueJob(j) },
			DeleteFunc: enqueueJob,
		}),
	}
	return c
}

// Run processes CronJobs with workers goroutines until ctx is done.
func (c *Controller) Run(ctx context.Context, workers int) error {
	return worker.Run(ctx, "cronjob", c.queue, c.synced, workers, c.sync)
}

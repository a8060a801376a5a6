package ttlafterfinished

import (
	"context"
	"fmt"
	"strings"
	"time"

	batchv1 "keel.dev/api/batch/v1"
	corev1 "keel.dev/api/core/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/types"
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

// Controller deletes finished Jobs whose TTL expired.
type Controller struct {
	client *typed.Clientset
	jobs   *informers.JobLister
	synced []informers.Syncer
	queue  *workqueue.Queue[string]
	clock  clock.Clock
}

// New wires the controller to the shared Job informer of f.
func New(client *typed.Clientset, f *informers.Factory, opts Options) *Controller {
	if opts.Clock == nil {
		opts.Clock = clock.Real{}
	}
	qo := []workqueue.Option[string]{workqueue.WithClock[string](opts.Clock)}
	if opts.Metrics != nil {
		qo = append(qo, workqueue.WithMetrics[string](opts.Metrics))
	}
	inf := informers.Jobs(f)
	c := &Controller{client: client, jobs: inf.Lister(), queue: workqueue.New[string](qo...), clock: opts.Clock}
	enqueue := func(j *batchv1.Job) {
		if j.DeletionTimestamp == nil && j.Spec.TTLSecondsAfterFinished != nil && finishedAt(j) != nil {
			c.queue.Add(j.Namespace + "/" + j.Name)
		}
	}
	c.synced = []informers.Syncer{inf.AddEventHandler(informers.HandlerFuncs[*batchv1.Job]{
		AddFunc:    func(j *batchv1.Job, _ bool) { enqueue(j) },
		UpdateFunc: func(_, j *batchv1.Job) { enqueue(j) },
	})}
	return c
}

// Run processes Jobs with workers goroutines until ctx is done.
func (c *Controller) Run(ctx context.Context, workers int) error {
	return worker.Run(ctx, "ttl-after-finished", c.queue, c.synced, workers, c.sync)
}

// finishedAt returns when j got its true Complete or Failed condition.
func finishedAt(j *batchv1.Job) *time.Time {
	for _, cond := range j.Status.Conditions {
		if (cond.Type == batchv1.JobComplete || cond.Type == batchv1.JobFailed) && cond.Status == corev1.ConditionTrue {
			t := cond.LastTransitionTime.Time
			return &t
		}
	}
	return nil
}

// expiry returns when j may be deleted, or false if it never expires.
func expiry(j *batchv1.Job) (time.Time, bool) {
	if j.DeletionTimestamp != nil || j.Spec.TTLSecondsAfterFinished == nil {
		return time.Time{}, false
	}
	at := finishedAt(j)
	if at == nil {
		return time.Time{}, false
	}
	return at.Add(time.Duration(*j.Spec.TTLSecondsAfterFinished) * time.Second), true
}

// sync deletes the job under key if its TTL expired, or requeues it for
// the moment it will.
func (c *Controller) sync(ctx context.Context, key string) error {
	ns, name, _ := strings.Cut(key, "/")
	cached, err := c.jobs.Get(ns, name)
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	if !c.expired(cached, key) {
		return nil
	}
	// The cache may be stale: decide again on the stored object.
	fresh, err := c.client.BatchV1().Jobs(ns).Get(ctx, name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("get job %s: %w", key, err)
	}
	if !c.expired(fresh, key) {
		return nil
	}
	err = c.client.BatchV1().Jobs(ns).Delete(ctx, name, deleteOptions(fresh.UID))
	if err != nil && !apierrors.IsNotFound(err) && !apierrors.IsConflict(err) {
		return fmt.Errorf("delete expired job %s: %w", key, err)
	}
	return nil
}

// deleteOptions deletes in the foreground (the job goes after its pods) and
// only the job with uid, not a namesake created since.
func deleteOptions(uid types.UID) metav1.DeleteOptions {
	fg := metav1.DeletePropagationForeground
	return metav1.DeleteOptions{PropagationPolicy: &fg, Preconditions: &metav1.Preconditions{UID: &uid}}
}

// expired reports whether j's TTL has passed, queueing key for later when
// it has not yet.
func (c *Controller) expired(j *batchv1.Job, key string) bool {
	at, ok := expiry(j)
	if !ok {
		return false
	}
	now := c.clock.Now()
	if now.Before(at) {
		c.queue.AddAfter(key, at.Sub(now))
		return false
	}
	return true
}

package cronjob

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"time"

	"keel.dev/api/batch/cron"
	batchv1 "keel.dev/api/batch/v1"
	corev1 "keel.dev/api/core/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/labels"
)

// tooManyMissed is the number of missed runs that raises an event.
const tooManyMissed = 100

func (c *Controller) sync(ctx context.Context, key string) error {
	ns, name, _ := strings.Cut(key, "/")
	cached, err := c.cronJobs.Get(ns, name)
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	cj := cached.DeepCopy()
	now := c.clock.Now()
	all, err := c.jobs.Namespace(ns).List(labels.Everything())
	if err != nil {
		return err
	}
	var owned []*batchv1.Job
	for _, j := range all {
		if ref := metav1.GetControllerOf(j); ref != nil && ref.UID == cj.UID {
			owned = append(owned, j)
		}
	}
	c.reconcileActive(cj, owned)
	errs := []error{c.cleanupHistory(ctx, cj, owned)}

	if cj.DeletionTimestamp == nil && (cj.Spec.Suspend == nil || !*cj.Spec.Suspend) {
		errs = append(errs, c.schedule(ctx, key, cj, owned, now))
	}
	if !reflect.DeepEqual(cj.Status, cached.Status) {
		if _, err := c.client.BatchV1().CronJobs(ns).UpdateStatus(ctx, cj, metav1.UpdateOptions{}); err != nil {
			errs = append(errs, fmt.Errorf("update status of cron job %s: %w", key, err))
		}
	}
	return errors.Join(errs...)
}

func finished(j *batchv1.Job) (bool, batchv1.JobConditionType) {
	for _, c := range j.Status.Conditions {
		if (c.Type == batchv1.JobComplete || c.Type == batchv1.JobFailed) && c.Status == corev1.ConditionTrue {
			return true, c.Type
		}
	}
	return false, ""
}

// reconcileActive keeps status.active equal to the running owned jobs and
// advances lastSuccessfulTime.
func (c *Controller) reconcileActive(cj *batchv1.CronJob, owned []*batchv1.Job) {
	var active []corev1.ObjectReference
	for _, j := range owned {
		done, typ := finished(j)
		if !done {
			active = append(active, corev1.ObjectReference{Kind: "Job", Namespace: j.Namespace, Name: j.Name, UID: j.UID,
				APIVersion: "batch/v1", ResourceVersion: j.ResourceVersion})
			continue
		}
		wasActive := false
		for _, r := range cj.Status.Active {
			wasActive = wasActive || r.UID == j.UID
		}
		if wasActive {
			c.recorder.Eventf(cj, corev1.EventTypeNormal, "SawCompletedJob", "Saw completed job: %s, condition: %s", j.Name, typ)
		}
		if typ == batchv1.JobComplete && j.Status.CompletionTime != nil &&
			(cj.Status.LastSuccessfulTime == nil || j.Status.CompletionTime.After(cj.Status.LastSuccessfulTime.Time)) {
			t := *j.Status.CompletionTime
			cj.Status.LastSuccessfulTime = &t
		}
	}
	sort.Slice(active, func(i, k int) bool { return active[i].Name < active[k].Name })
	// Keep the stored references (and their resourceVersions) when the set is unchanged.
	if sameJobs(active, cj.Status.Active) {
		return
	}
	cj.Status.Active = active
}

func sameJobs(a, b []corev1.ObjectReference) bool {
	if len(a) != len(b) {
		return false
	}
	seen := map[string]bool{}
	for _, r := range a {
		seen[string(r.UID)] = true
	}
	for _, r := range b {
		if !seen[string(r.UID)] {
			return false
		}
	}
	return true
}

// cleanupHistory deletes the oldest finished jobs beyond the limits.
func (c *Controller) cleanupHistory(ctx context.Context, cj *batchv1.CronJob, owned []*batchv1.Job) error {
	var ok, failed []*batchv1.Job
	for _, j := range owned {
		switch _, typ := finished(j); typ {
		case batchv1.JobComplete:
			ok = append(ok, j)
		case batchv1.JobFailed:
			failed = append(failed, j)
		}
	}
	limit := func(p *int32, def int) int {
		if p == nil {
			return def
		}
		return int(*p)
	}
	var errs []error
	for _, set := range []struct {
		jobs  []*batchv1.Job
		limit int
	}{{ok, limit(cj.Spec.SuccessfulJobsHistoryLimit, 3)}, {failed, limit(cj.Spec.FailedJobsHistoryLimit, 1)}} {
		jobs := set.jobs
		sort.Slice(jobs, func(i, k int) bool { return startOf(jobs[i]).Before(startOf(jobs[k])) })
		for len(jobs) > set.limit {
			if err := c.deleteJob(ctx, cj, jobs[0]); err != nil {
				errs = append(errs, err)
			}
			jobs = jobs[1:]
		}
	}
	return errors.Join(errs...)
}

func startOf(j *batchv1.Job) time.Time {
	if j.Status.StartTime != nil {
		return j.Status.StartTime.Time
	}
	return j.CreationTimestamp.Time
}

func (c *Controller) deleteJob(ctx context.Context, cj *batchv1.CronJob, j *batchv1.Job) error {
	bg := metav1.DeletePropagationBackground
	err := c.client.BatchV1().Jobs(j.Namespace).Delete(ctx, j.Name, metav1.DeleteOptions{PropagationPolicy: &bg})
	if err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("delete job %s/%s: %w", j.Namespace, j.Name, err)
	}
	c.recorder.Eventf(cj, corev1.EventTypeNormal, "SuccessfulDelete", "Deleted job %s", j.Name)
	return nil
}

// parseSchedule applies spec.timeZone to the schedule.
func parseSchedule(cj *batchv1.CronJob) (cron.Schedule, *time.Location, error) {
	loc := time.Local
	spec := cj.Spec.Schedule
	if cj.Spec.TimeZone != nil {
		l, err := time.LoadLocation(*cj.Spec.TimeZone)
		if err != nil {
			return nil, nil, fmt.Errorf("unknown time zone %q: %w", *cj.Spec.TimeZone, err)
		}
		loc = l
		spec = "CRON_TZ=" + *cj.Spec.TimeZone + " " + spec
	}
	s, err := cron.ParseStandard(spec)
	return s, loc, err
}

// schedule starts the job of the most recent missed schedule, if any.
func (c *Controller) schedule(ctx context.Context, key string, cj *batchv1.CronJob, owned []*batchv1.Job, now time.Time) error {
	sched, loc, err := parseSchedule(cj)
	if err != nil {
		c.recorder.Eventf(cj, corev1.EventTypeWarning, "UnparseableSchedule", "unparseable schedule: %q : %s", cj.Spec.Schedule, err)
		return nil
	}
	earliest := cj.CreationTimestamp.Time
	if cj.Status.LastScheduleTime != nil {
		earliest = cj.Status.LastScheduleTime.Time
	}
	if d := cj.Spec.StartingDeadlineSeconds; d != nil {
		if floor := now.Add(-time.Duration(*d) * time.Second); floor.After(earliest) {
			earliest = floor
		}
	}
	var scheduled time.Time
	missed := 0
	for t := sched.Next(earliest); !t.IsZero() && !t.After(now); t = sched.Next(t) {
		scheduled = t
		missed++
	}
	if next := sched.Next(now); !next.IsZero() {
		c.queue.AddAfter(key, next.Sub(now)+time.Second)
	}
	if scheduled.IsZero() {
		return nil
	}
	if missed > tooManyMissed {
		c.recorder.Eventf(cj, corev1.EventTypeWarning, "TooManyMissedTimes",
			"too many missed start times: %d. Set or decrease .spec.startingDeadlineSeconds or check clock skew", missed)
	}
	if d := cj.Spec.StartingDeadlineSeconds; d != nil && scheduled.Add(time.Duration(*d)*time.Second).Before(now) {
		c.recorder.Eventf(cj, corev1.EventTypeWarning, "MissSchedule", "Missed scheduled time to start a job: %s", scheduled.UTC().Format(time.RFC1123Z))
		return nil
	}
	jobName := fmt.Sprintf("%s-%d", cj.Name, scheduled.Unix()/60)
	for _, j := range owned {
		if j.Name == jobName {
			setLastSchedule(cj, scheduled)
			return nil
		}
	}
	switch cj.Spec.ConcurrencyPolicy {
	case batchv1.ForbidConcurrent:
		if len(cj.Status.Active) > 0 {
			return nil
		}
	case batchv1.ReplaceConcurrent:
		for _, ref := range cj.Status.Active {
			for _, j := range owned {
				if j.UID == ref.UID {
					if err := c.deleteJob(ctx, cj, j); err != nil {
						return err
					}
				}
			}
		}
		cj.Status.Active = nil
	}
	job := newJob(cj, jobName, scheduled.In(loc))
	created, err := c.client.BatchV1().Jobs(cj.Namespace).Create(ctx, job, metav1.CreateOptions{})
	switch {
	case apierrors.IsAlreadyExists(err):
		setLastSchedule(cj, scheduled)
		return nil
	case err != nil:
		c.recorder.Eventf(cj, corev1.EventTypeWarning, "FailedCreate", "Error creating job: %v", err)
		return fmt.Errorf("create job %s/%s: %w", cj.Namespace, jobName, err)
	}
	c.recorder.Eventf(cj, corev1.EventTypeNormal, "SuccessfulCreate", "Created job %s", created.Name)
	cj.Status.Active = append(cj.Status.Active, corev1.ObjectReference{Kind: "Job", Namespace: created.Namespace, Name: created.Name,
		UID: created.UID, APIVersion: "batch/v1", ResourceVersion: created.ResourceVersion})
	setLastSchedule(cj, scheduled)
	return nil
}

func setLastSchedule(cj *batchv1.CronJob, t time.Time) {
	ts := metav1.NewTime(t)
	cj.Status.LastScheduleTime = &ts
}

// newJob builds the Job of one scheduled run.
func newJob(cj *batchv1.CronJob, name string, scheduled time.Time) *batchv1.Job {
	tmpl := cj.Spec.JobTemplate.DeepCopy()
	j := &batchv1.Job{ObjectMeta: tmpl.ObjectMeta, Spec: tmpl.Spec}
	j.Name, j.Namespace, j.GenerateName = name, cj.Namespace, ""
	if j.Annotations == nil {
		j.Annotations = map[string]string{}
	}
	j.Annotations[batchv1.CronJobScheduledTimestampAnnotation] = scheduled.Format(time.RFC3339)
	t := true
	j.OwnerReferences = []metav1.OwnerReference{{APIVersion: "batch/v1", Kind: "CronJob", Name: cj.Name, UID: cj.UID, Controller: &t, BlockOwnerDeletion: &t}}
	return j
}

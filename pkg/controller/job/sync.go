package job

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	batchv1 "keel.dev/api/batch/v1"
	corev1 "keel.dev/api/core/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/types"
)

// Condition reasons and messages Kubernetes uses.
const (
	msgBackoff   = "Job has reached the specified backoff limit"
	msgDeadline  = "Job was active longer than specified deadline"
	msgCompleted = "Reached expected number of succeeded pods"
)

const defaultBackoffLimit = 6

// podState is the classification of a job's pods.
type podState struct {
	active      []*corev1.Pod
	terminating int
	ready       int32
	restarts    int32
}

func (c *Controller) sync(ctx context.Context, key string) error {
	ns, name, _ := strings.Cut(key, "/")
	cached, err := c.jobs.Get(ns, name)
	if apierrors.IsNotFound(err) {
		c.exp.Forget(key)
		return nil
	}
	if err != nil {
		return err
	}
	if !c.exp.Satisfied(key) {
		return nil
	}
	job := cached.DeepCopy()
	now := c.clock.Now()
	pods, err := c.claimPods(ctx, job)
	if err != nil {
		return err
	}

	// Count terminated pods exactly once: record them as uncounted, drop
	// their finalizers, then add them to the counters.
	completed := parseIndexes(job.Status.CompletedIndexes)
	job, err = c.trackTerminated(ctx, job, pods, completed, now)
	if err != nil {
		return err
	}

	if finishedCondition(job) != nil {
		return nil // ttl-after-finished deletes finished jobs
	}

	st := classify(job, pods)
	var errs []error
	failureTarget := condition(job, batchv1.JobFailureTarget)
	successMet := condition(job, batchv1.JobSuccessCriteriaMet)
	if failureTarget == nil && successMet == nil {
		backoff := int32(defaultBackoffLimit)
		if job.Spec.BackoffLimit != nil {
			backoff = *job.Spec.BackoffLimit
		}
		failed := job.Status.Failed + int32(len(uncounted(job).Failed))
		failedIx := failedIndexes(job)
		fail := func(reason, msg string) {
			failureTarget = setCondition(job, batchv1.JobFailureTarget, reason, msg, now)
			c.recorder.Event(job, corev1.EventTypeWarning, reason, msg)
		}
		policyMsg, policyMet := successPolicyMet(job, completed)
		switch {
		case !perIndexBackoff(job) && failed+st.restarts > backoff:
			fail(batchv1.JobReasonBackoffLimitExceeded, msgBackoff)
		case !suspended(job) && pastDeadline(job, now):
			fail(batchv1.JobReasonDeadlineExceeded, msgDeadline)
		case perIndexBackoff(job) && job.Spec.MaxFailedIndexes != nil && len(failedIx) > int(*job.Spec.MaxFailedIndexes):
			fail(batchv1.JobReasonMaxFailedIndexesExceeded, msgMaxFailedIndexes)
		case perIndexBackoff(job) && len(failedIx) > 0 && job.Spec.Completions != nil &&
			len(failedIx)+len(completed) >= int(*job.Spec.Completions):
			fail(batchv1.JobReasonFailedIndexes, msgFailedIndexes)
		case policyMet:
			successMet = setCondition(job, batchv1.JobSuccessCriteriaMet, batchv1.JobReasonSuccessPolicy, policyMsg, now)
		case successReached(job, completed, len(st.active)):
			successMet = setCondition(job, batchv1.JobSuccessCriteriaMet, batchv1.JobReasonCompletionsReached, msgCompleted, now)
		}
	}

	switch {
	case failureTarget != nil || successMet != nil:
		for _, p := range st.active {
			if err := c.deletePod(ctx, p); err != nil {
				errs = append(errs, err)
			}
		}
		if len(st.active) == 0 && st.terminating == 0 && len(uncounted(job).Failed)+len(uncounted(job).Succeeded) == 0 {
			if failureTarget != nil {
				setCondition(job, batchv1.JobFailed, failureTarget.Reason, failureTarget.Message, now)
			} else {
				setCondition(job, batchv1.JobComplete, successMet.Reason, successMet.Message, now)
				t := metav1.NewTime(now)
				job.Status.CompletionTime = &t
				c.recorder.Event(job, corev1.EventTypeNormal, "Completed", "Job completed")
			}
		}
		st.active = nil
	case suspended(job):
		for _, p := range st.active {
			if err := c.deletePod(ctx, p); err != nil {
				errs = append(errs, err)
			}
		}
		if cond := condition(job, batchv1.JobSuspended); cond == nil || cond.Status != corev1.ConditionTrue {
			setConditionStatus(job, batchv1.JobSuspended, corev1.ConditionTrue, "JobSuspended", "Job suspended", now)
			c.recorder.Event(job, corev1.EventTypeNormal, "Suspended", "Job suspended")
		}
		st.active = nil
	default:
		if cond := condition(job, batchv1.JobSuspended); cond != nil && cond.Status == corev1.ConditionTrue {
			setConditionStatus(job, batchv1.JobSuspended, corev1.ConditionFalse, "JobResumed", "Job resumed", now)
			c.recorder.Event(job, corev1.EventTypeNormal, "Resumed", "Job resumed")
			job.Status.StartTime = nil
		}
		if job.Status.StartTime == nil {
			t := metav1.NewTime(now)
			job.Status.StartTime = &t
		}
		active, err := c.manage(ctx, key, job, pods, st.active, completed)
		if err != nil {
			errs = append(errs, err)
		}
		st.active = active
		if job.Spec.ActiveDeadlineSeconds != nil {
			left := job.Status.StartTime.Add(time.Duration(*job.Spec.ActiveDeadlineSeconds) * time.Second).Sub(now)
			c.queue.AddAfter(key, max(left, 0)+time.Millisecond)
		}
	}

	job.Status.Active = int32(len(st.active))
	job.Status.Ready = ptr(st.ready)
	job.Status.Terminating = ptr(int32(st.terminating))
	if isIndexed(job) {
		job.Status.CompletedIndexes = completed.String()
	}
	if !reflect.DeepEqual(job.Status, cached.Status) {
		if _, err := c.client.BatchV1().Jobs(ns).UpdateStatus(ctx, job, metav1.UpdateOptions{}); err != nil {
			return errors.Join(append(errs, fmt.Errorf("update status of job %s: %w", key, err))...)
		}
	}
	return errors.Join(errs...)
}

func uncounted(job *batchv1.Job) *batchv1.UncountedTerminatedPods {
	if job.Status.UncountedTerminatedPods == nil {
		job.Status.UncountedTerminatedPods = &batchv1.UncountedTerminatedPods{}
	}
	return job.Status.UncountedTerminatedPods
}

// podFailed reports whether a pod counts as failed.
func podFailed(job *batchv1.Job, p *corev1.Pod) bool {
	if p.Status.Phase == corev1.PodFailed {
		return true
	}
	if job.Spec.PodFailurePolicy != nil || (job.Spec.PodReplacementPolicy != nil && *job.Spec.PodReplacementPolicy == batchv1.Failed) {
		return false // only terminal pods are failures
	}
	return p.DeletionTimestamp != nil && p.Status.Phase != corev1.PodSucceeded
}

// trackTerminated moves terminated pods into the job's counters.
// A failure the podFailurePolicy ignores is dropped (its finalizer removed
// without counting); FailJob sets FailureTarget and FailIndex (or an index
// out of retries) marks the index failed, in the same write that records
// the pod as uncounted.
func (c *Controller) trackTerminated(ctx context.Context, job *batchv1.Job, pods []*corev1.Pod, completed indexSet, now time.Time) (*batchv1.Job, error) {
	u := uncounted(job)
	added := false
	var ignored []*corev1.Pod
	failedIx := failedIndexes(job)
	byUID := map[types.UID]*corev1.Pod{}
	for _, p := range pods {
		byUID[p.UID] = p
		if !hasFinalizer(p) || slices.Contains(u.Succeeded, p.UID) || slices.Contains(u.Failed, p.UID) {
			continue
		}
		switch {
		case p.Status.Phase == corev1.PodSucceeded:
			u.Succeeded = append(u.Succeeded, p.UID)
			added = true
		case podFailed(job, p):
			action, msg := failureAction(job, p)
			if action == batchv1.PodFailurePolicyActionIgnore {
				ignored = append(ignored, p)
				continue
			}
			if action == batchv1.PodFailurePolicyActionFailJob && condition(job, batchv1.JobFailureTarget) == nil &&
				condition(job, batchv1.JobSuccessCriteriaMet) == nil {
				setCondition(job, batchv1.JobFailureTarget, batchv1.JobReasonPodFailurePolicy, msg, now)
				c.recorder.Event(job, corev1.EventTypeWarning, batchv1.JobReasonPodFailurePolicy, msg)
			}
			if ix := podIndex(p); perIndexBackoff(job) && ix != noIndex &&
				(action == batchv1.PodFailurePolicyActionFailIndex || failureCount(p)+1 > int(*job.Spec.BackoffLimitPerIndex)) {
				failedIx[ix] = true
			}
			u.Failed = append(u.Failed, p.UID)
			added = true
		}
	}
	if perIndexBackoff(job) {
		job.Status.FailedIndexes = ptr(failedIx.String())
	}
	if added {
		updated, err := c.client.BatchV1().Jobs(job.Namespace).UpdateStatus(ctx, job, metav1.UpdateOptions{})
		if err != nil {
			return nil, fmt.Errorf("record uncounted pods of job %s/%s: %w", job.Namespace, job.Name, err)
		}
		job = updated
		u = uncounted(job)
	}
	var errs []error
	for _, p := range ignored {
		if err := c.removeFinalizer(ctx, p); err != nil {
			errs = append(errs, err)
		}
	}
	counted := func(uid types.UID) bool {
		p := byUID[uid]
		if p == nil {
			return true
		}
		if err := c.removeFinalizer(ctx, p); err != nil {
			errs = append(errs, err)
			return false
		}
		return true
	}
	var keepS, keepF []types.UID
	for _, uid := range u.Succeeded {
		if !counted(uid) {
			keepS = append(keepS, uid)
			continue
		}
		if !isIndexed(job) {
			job.Status.Succeeded++
		} else if p := byUID[uid]; p != nil {
			if ix := podIndex(p); ix != noIndex && (job.Spec.Completions == nil || ix < int(*job.Spec.Completions)) {
				completed[ix] = true
			}
		}
	}
	for _, uid := range u.Failed {
		if !counted(uid) {
			keepF = append(keepF, uid)
			continue
		}
		job.Status.Failed++
	}
	u.Succeeded, u.Failed = keepS, keepF
	if isIndexed(job) {
		job.Status.Succeeded = int32(len(completed))
	}
	return job, errors.Join(errs...)
}

// classify sorts the job's pods into active and terminating.
func classify(job *batchv1.Job, pods []*corev1.Pod) podState {
	var st podState
	onFailure := job.Spec.Template.Spec.RestartPolicy == corev1.RestartPolicyOnFailure
	for _, p := range pods {
		terminal := p.Status.Phase == corev1.PodSucceeded || p.Status.Phase == corev1.PodFailed
		switch {
		case terminal:
		case p.DeletionTimestamp != nil:
			st.terminating++
		default:
			st.active = append(st.active, p)
			if corev1.IsPodReady(p) {
				st.ready++
			}
			if onFailure {
				for _, cs := range p.Status.ContainerStatuses {
					st.restarts += cs.RestartCount
				}
			}
		}
	}
	return st
}

func suspended(job *batchv1.Job) bool { return job.Spec.Suspend != nil && *job.Spec.Suspend }

func pastDeadline(job *batchv1.Job, now time.Time) bool {
	if job.Spec.ActiveDeadlineSeconds == nil || job.Status.StartTime == nil {
		return false
	}
	return !now.Before(job.Status.StartTime.Add(time.Duration(*job.Spec.ActiveDeadlineSeconds) * time.Second))
}

// successReached reports whether the job has the successes it needs.
func successReached(job *batchv1.Job, completed indexSet, active int) bool {
	if job.Spec.Completions == nil {
		return job.Status.Succeeded > 0 && active == 0
	}
	if isIndexed(job) {
		return len(completed) >= int(*job.Spec.Completions)
	}
	return job.Status.Succeeded >= *job.Spec.Completions
}

func condition(job *batchv1.Job, t batchv1.JobConditionType) *batchv1.JobCondition {
	for i := range job.Status.Conditions {
		if job.Status.Conditions[i].Type == t {
			return &job.Status.Conditions[i]
		}
	}
	return nil
}

// finishedCondition returns the job's true Complete or Failed condition.
func finishedCondition(job *batchv1.Job) *batchv1.JobCondition {
	for _, t := range []batchv1.JobConditionType{batchv1.JobComplete, batchv1.JobFailed} {
		if c := condition(job, t); c != nil && c.Status == corev1.ConditionTrue {
			return c
		}
	}
	return nil
}

func setCondition(job *batchv1.Job, t batchv1.JobConditionType, reason, msg string, now time.Time) *batchv1.JobCondition {
	return setConditionStatus(job, t, corev1.ConditionTrue, reason, msg, now)
}

func setConditionStatus(job *batchv1.Job, t batchv1.JobConditionType, status corev1.ConditionStatus, reason, msg string, now time.Time) *batchv1.JobCondition {
	ts := metav1.NewTime(now)
	if c := condition(job, t); c != nil {
		if c.Status != status {
			c.LastTransitionTime = ts
		}
		c.Status, c.Reason, c.Message, c.LastProbeTime = status, reason, msg, ts
		return c
	}
	job.Status.Conditions = append(job.Status.Conditions, batchv1.JobCondition{Type: t, Status: status, Reason: reason,
		Message: msg, LastProbeTime: ts, LastTransitionTime: ts})
	return &job.Status.Conditions[len(job.Status.Conditions)-1]
}

// manage creates and deletes pods towards the wanted active count and
// returns the pods left active.
func (c *Controller) manage(ctx context.Context, key string, job *batchv1.Job, pods, active []*corev1.Pod, completed indexSet) ([]*corev1.Pod, error) {
	parallelism := int32(1)
	if job.Spec.Parallelism != nil {
		parallelism = *job.Spec.Parallelism
	}
	var toDelete []*corev1.Pod
	var toCreate []int
	if isIndexed(job) {
		total := 0
		if job.Spec.Completions != nil {
			total = int(*job.Spec.Completions)
		}
		seen, failed := indexSet{}, failedIndexes(job)
		var keep []*corev1.Pod
		sort.Slice(active, func(i, j int) bool { return active[i].CreationTimestamp.Before(&active[j].CreationTimestamp) })
		for _, p := range active {
			ix := podIndex(p)
			if ix == noIndex || ix >= total || completed[ix] || failed[ix] || seen[ix] {
				toDelete = append(toDelete, p)
				continue
			}
			seen[ix] = true
			keep = append(keep, p)
		}
		for len(keep) > int(parallelism) {
			toDelete = append(toDelete, keep[len(keep)-1])
			keep = keep[:len(keep)-1]
		}
		for ix := 0; ix < total && len(keep)+len(toCreate) < int(parallelism); ix++ {
			if !completed[ix] && !failed[ix] && !seen[ix] {
				toCreate = append(toCreate, ix)
			}
		}
		active = keep
	} else {
		want := parallelism
		if job.Spec.Completions != nil {
			want = min(parallelism, max(*job.Spec.Completions-job.Status.Succeeded, 0))
		} else if job.Status.Succeeded > 0 {
			want = int32(len(active))
		}
		if n := int(want) - len(active); n > 0 {
			for range n {
				toCreate = append(toCreate, noIndex)
			}
		} else if n < 0 {
			sort.Slice(active, func(i, j int) bool { return deleteFirst(active[i], active[j]) })
			toDelete, active = active[:-n], active[-n:]
		}
	}
	if len(toCreate) == 0 && len(toDelete) == 0 {
		return active, nil
	}
	c.exp.Expect(key, len(toCreate), len(toDelete))
	var errs []error
	for _, p := range toDelete {
		if err := c.deletePod(ctx, p); err != nil {
			c.exp.Observe(key, 0, -1)
			errs = append(errs, err)
		}
	}
	created := 0
	for _, ix := range toCreate {
		pod := newPod(job, ix)
		if ix != noIndex && perIndexBackoff(job) {
			pod.Annotations[batchv1.JobIndexFailureCountAnnotation] = strconv.Itoa(nextFailureCount(job, pods, ix))
		}
		p, err := c.client.CoreV1().Pods(job.Namespace).Create(ctx, pod, metav1.CreateOptions{})
		if err != nil {
			c.exp.Observe(key, -1, 0)
			errs = append(errs, fmt.Errorf("create pod of job %s: %w", key, err))
			continue
		}
		created++
		c.recorder.Eventf(job, corev1.EventTypeNormal, "SuccessfulCreate", "Created pod: %s", p.Name)
	}
	// Pods just created count as active in this status.
	for range created {
		active = append(active, &corev1.Pod{})
	}
	return active, errors.Join(errs...)
}

// deleteFirst orders pods for deletion: unscheduled, not ready, newer first.
func deleteFirst(a, b *corev1.Pod) bool {
	if (a.Spec.NodeName == "") != (b.Spec.NodeName == "") {
		return a.Spec.NodeName == ""
	}
	if corev1.IsPodReady(a) != corev1.IsPodReady(b) {
		return !corev1.IsPodReady(a)
	}
	return b.CreationTimestamp.Before(&a.CreationTimestamp)
}

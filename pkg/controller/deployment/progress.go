package deployment

import (
	"context"
	"fmt"
	"math"
	"reflect"
	"time"

	appsv1 "keel.dev/api/apps/v1"
	corev1 "keel.dev/api/core/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/client/informers"
)

// newCondition builds a condition stamped with now.
func newCondition(now time.Time, t appsv1.DeploymentConditionType, s corev1.ConditionStatus, reason, msg string) appsv1.DeploymentCondition {
	ts := metav1.NewTime(now)
	return appsv1.DeploymentCondition{Type: t, Status: s, LastUpdateTime: ts, LastTransitionTime: ts, Reason: reason, Message: msg}
}

// getCondition returns the condition of type t, or nil.
func getCondition(st appsv1.DeploymentStatus, t appsv1.DeploymentConditionType) *appsv1.DeploymentCondition {
	for i := range st.Conditions {
		if st.Conditions[i].Type == t {
			return &st.Conditions[i]
		}
	}
	return nil
}

// setCondition stores cond unless an equal status and reason is already
// there; an unchanged status keeps its transition time.
func setCondition(st *appsv1.DeploymentStatus, cond appsv1.DeploymentCondition) {
	cur := getCondition(*st, cond.Type)
	if cur != nil && cur.Status == cond.Status && cur.Reason == cond.Reason {
		return
	}
	if cur != nil && cur.Status == cond.Status {
		cond.LastTransitionTime = cur.LastTransitionTime
	}
	removeCondition(st, cond.Type)
	st.Conditions = append(st.Conditions, cond)
}

// removeCondition drops the condition of type t.
func removeCondition(st *appsv1.DeploymentStatus, t appsv1.DeploymentConditionType) {
	var out []appsv1.DeploymentCondition
	for _, c := range st.Conditions {
		if c.Type != t {
			out = append(out, c)
		}
	}
	st.Conditions = out
}

// hasProgressDeadline reports whether d tracks progress.
func hasProgressDeadline(d *appsv1.Deployment) bool {
	return d.Spec.ProgressDeadlineSeconds != nil && *d.Spec.ProgressDeadlineSeconds != math.MaxInt32
}

// deploymentComplete reports whether st shows every desired replica updated
// and available, with no extra old replicas.
func deploymentComplete(d *appsv1.Deployment, st *appsv1.DeploymentStatus) bool {
	want := replicas(d.Spec.Replicas)
	return st.UpdatedReplicas == want && st.Replicas == want && st.AvailableReplicas == want && st.ObservedGeneration >= d.Generation
}

// progressed reports whether next shows progress compared with d.Status.
func progressed(d *appsv1.Deployment, next *appsv1.DeploymentStatus) bool {
	cur := d.Status
	oldCur := cur.Replicas - cur.UpdatedReplicas
	oldNext := next.Replicas - next.UpdatedReplicas
	return next.UpdatedReplicas > cur.UpdatedReplicas || oldNext < oldCur ||
		next.ReadyReplicas > cur.ReadyReplicas || next.AvailableReplicas > cur.AvailableReplicas
}

// timedOut reports whether the Progressing condition is older than the deadline.
func timedOut(d *appsv1.Deployment, st *appsv1.DeploymentStatus, now time.Time) bool {
	if !hasProgressDeadline(d) {
		return false
	}
	cond := getCondition(*st, appsv1.DeploymentProgressing)
	if cond == nil || cond.Reason == ReasonNewRSAvailable {
		return false
	}
	if cond.Reason == ReasonTimedOut {
		return true
	}
	deadline := time.Duration(*d.Spec.ProgressDeadlineSeconds) * time.Second
	return cond.LastUpdateTime.Add(deadline).Before(now)
}

// calculateStatus derives d's status from its RSes.
func (c *Controller) calculateStatus(d *appsv1.Deployment, newRS *appsv1.ReplicaSet, all []*appsv1.ReplicaSet) appsv1.DeploymentStatus {
	st := *d.Status.DeepCopy()
	st.ObservedGeneration = d.Generation
	st.Replicas = sumStatus(all, func(s *appsv1.ReplicaSetStatus) int32 { return s.Replicas })
	st.UpdatedReplicas = 0
	if newRS != nil {
		st.UpdatedReplicas = newRS.Status.Replicas
	}
	st.ReadyReplicas = sumStatus(all, func(s *appsv1.ReplicaSetStatus) int32 { return s.ReadyReplicas })
	st.AvailableReplicas = sumStatus(all, func(s *appsv1.ReplicaSetStatus) int32 { return s.AvailableReplicas })
	st.UnavailableReplicas = max(0, sumReplicas(all)-st.AvailableReplicas)
	now := c.clock.Now()
	if st.AvailableReplicas >= replicas(d.Spec.Replicas)-maxUnavailable(d) {
		setCondition(&st, newCondition(now, appsv1.DeploymentAvailable, corev1.ConditionTrue, ReasonMinimumAvailable, "Deployment has minimum availability."))
	} else {
		setCondition(&st, newCondition(now, appsv1.DeploymentAvailable, corev1.ConditionFalse, ReasonMinimumUnavailable, "Deployment does not have minimum availability."))
	}
	return st
}

// checkPausedConditions records pausing and resuming in Progressing and
// writes the status when that changed it.
func (c *Controller) checkPausedConditions(ctx context.Context, d *appsv1.Deployment) error {
	if !hasProgressDeadline(d) {
		return nil
	}
	cond := getCondition(d.Status, appsv1.DeploymentProgressing)
	if cond != nil && cond.Reason == ReasonTimedOut {
		return nil
	}
	paused := cond != nil && cond.Reason == ReasonPaused
	now := c.clock.Now()
	switch {
	case d.Spec.Paused && !paused:
		setCondition(&d.Status, newCondition(now, appsv1.DeploymentProgressing, corev1.ConditionUnknown, ReasonPaused, "Deployment is paused"))
	case !d.Spec.Paused && paused:
		setCondition(&d.Status, newCondition(now, appsv1.DeploymentProgressing, corev1.ConditionUnknown, ReasonResumed, "Deployment is resumed"))
	default:
		return nil
	}
	return c.writeStatus(ctx, d)
}

// syncStatus writes the computed status without judging progress.
func (c *Controller) syncStatus(ctx context.Context, d *appsv1.Deployment, newRS *appsv1.ReplicaSet, all []*appsv1.ReplicaSet) error {
	st := c.calculateStatus(d, newRS, all)
	if reflect.DeepEqual(d.Status, st) {
		return nil
	}
	d.Status = st
	return c.writeStatus(ctx, d)
}

// syncStatusOnly updates the status of a deployment being deleted.
func (c *Controller) syncStatusOnly(ctx context.Context, d *appsv1.Deployment, rsList []*appsv1.ReplicaSet) error {
	newRS, old := splitRSes(d, rsList)
	all := old
	if newRS != nil {
		all = append(all, newRS)
	}
	return c.syncStatus(ctx, d, newRS, all)
}

// syncRolloutStatus writes the status and judges progress: complete,
// progressing, or past the progress deadline.
func (c *Controller) syncRolloutStatus(ctx context.Context, d *appsv1.Deployment, newRS *appsv1.ReplicaSet, all []*appsv1.ReplicaSet) error {
	st := c.calculateStatus(d, newRS, all)
	now := c.clock.Now()
	if !hasProgressDeadline(d) {
		removeCondition(&st, appsv1.DeploymentProgressing)
	}
	cur := getCondition(st, appsv1.DeploymentProgressing)
	complete := deploymentComplete(d, &st)
	if hasProgressDeadline(d) && !(cur != nil && cur.Reason == ReasonTimedOut) {
		name := ""
		if newRS != nil {
			name = newRS.Name
		}
		switch {
		case complete:
			setCondition(&st, newCondition(now, appsv1.DeploymentProgressing, corev1.ConditionTrue, ReasonNewRSAvailable,
				fmt.Sprintf("ReplicaSet %q has successfully progressed.", name)))
		case progressed(d, &st):
			cond := newCondition(now, appsv1.DeploymentProgressing, corev1.ConditionTrue, ReasonRSUpdated,
				fmt.Sprintf("ReplicaSet %q is progressing.", name))
			if cur != nil && cur.Status == corev1.ConditionTrue {
				cond.LastTransitionTime = cur.LastTransitionTime
			}
			removeCondition(&st, appsv1.DeploymentProgressing)
			st.Conditions = append(st.Conditions, cond)
		case timedOut(d, &st, now):
			setCondition(&st, newCondition(now, appsv1.DeploymentProgressing, corev1.ConditionFalse, ReasonTimedOut,
				fmt.Sprintf("ReplicaSet %q has timed out progressing.", name)))
		}
	}
	// Mirror the first RS failure into ReplicaFailure.
	var failure *appsv1.ReplicaSetCondition
	for _, rs := range all {
		for i := range rs.Status.Conditions {
			if rs.Status.Conditions[i].Type == appsv1.ReplicaSetReplicaFailure && failure == nil {
				failure = &rs.Status.Conditions[i]
			}
		}
	}
	if failure != nil {
		setCondition(&st, appsv1.DeploymentCondition{Type: appsv1.DeploymentReplicaFailure, Status: failure.Status,
			LastUpdateTime: failure.LastTransitionTime, LastTransitionTime: failure.LastTransitionTime, Reason: failure.Reason, Message: failure.Message})
	} else {
		removeCondition(&st, appsv1.DeploymentReplicaFailure)
	}
	if reflect.DeepEqual(d.Status, st) {
		c.requeueStuck(d, st)
		return nil
	}
	d.Status = st
	if err := c.writeStatus(ctx, d); err != nil {
		return err
	}
	c.requeueStuck(d, st)
	return nil
}

// requeueStuck schedules a check for when the progress deadline would pass.
func (c *Controller) requeueStuck(d *appsv1.Deployment, st appsv1.DeploymentStatus) {
	cond := getCondition(st, appsv1.DeploymentProgressing)
	if !hasProgressDeadline(d) || cond == nil || cond.Status != corev1.ConditionTrue || deploymentComplete(d, &st) {
		return
	}
	if cond.Reason == ReasonNewRSAvailable {
		return
	}
	deadline := time.Duration(*d.Spec.ProgressDeadlineSeconds) * time.Second
	after := cond.LastUpdateTime.Add(deadline).Sub(c.clock.Now())
	if after < time.Second {
		after = time.Second
	} else {
		after += time.Second
	}
	c.queue.AddAfter(informers.KeyOf(d), after)
}

// writeStatus sends d's status through the status subresource.
func (c *Controller) writeStatus(ctx context.Context, d *appsv1.Deployment) error {
	got, err := c.cs.AppsV1().Deployments(d.Namespace).UpdateStatus(ctx, d, metav1.UpdateOptions{})
	if err != nil {
		if apierrors.IsNotFound(err) {
			return nil
		}
		return fmt.Errorf("update deployment status: %w", err)
	}
	d.ResourceVersion = got.ResourceVersion
	return nil
}

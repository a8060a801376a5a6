package nodelifecycle

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	corev1 "keel.dev/api/core/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/types"
)

// sync checks one node's heartbeats, updates its conditions and taints,
// and evicts the pods its NoExecute taints call for.
func (c *Controller) sync(ctx context.Context, name string) error {
	node, err := c.nodes.Get("", name)
	if apierrors.IsNotFound(err) {
		c.forget(name)
		c.mu.Lock()
		c.trackNode(name, nil, c.opts.Clock.Now())
		c.mu.Unlock()
		return nil
	}
	if err != nil {
		return err
	}
	now := c.opts.Clock.Now()
	probe := c.observe(node)
	n := node.DeepCopy()
	if deadline := probe.Add(c.opts.GracePeriod); now.After(deadline) {
		if markUnknown(n, now) {
			updated, err := c.client.CoreV1().Nodes().UpdateStatus(ctx, n, metav1.UpdateOptions{})
			if err != nil {
				return fmt.Errorf("mark node %q unknown: %w", name, err)
			}
			c.opts.Recorder.Eventf(updated, corev1.EventTypeNormal, "NodeNotReady", "Node %s status is now: NodeNotReady", name)
			n = updated
		}
	} else {
		c.queue.AddAfter(name, deadline.Sub(now)+time.Millisecond)
	}

	if err := c.markPodsNotReady(ctx, n, now); err != nil {
		return err
	}

	c.mu.Lock()
	paused := c.trackNode(name, n, now)
	c.mu.Unlock()

	var wait time.Duration
	changed, held := reconcileTaints(n, now, paused, func() bool {
		ok, d := c.takeZoneToken(zoneOf(n))
		wait = d
		return ok
	})
	if changed {
		updated, err := c.client.CoreV1().Nodes().Update(ctx, n, metav1.UpdateOptions{})
		if err != nil {
			return fmt.Errorf("update taints of node %q: %w", name, err)
		}
		n = updated
	}
	if held {
		c.queue.AddAfter(name, wait)
	}
	return c.evictPods(ctx, n, now)
}

// evictPods deletes the pods of node that do not tolerate its NoExecute
// taints, or whose tolerationSeconds have run out.
func (c *Controller) evictPods(ctx context.Context, node *corev1.Node, now time.Time) error {
	var taints []corev1.Taint
	var since time.Time
	for _, t := range node.Spec.Taints {
		if t.Effect != corev1.TaintEffectNoExecute {
			continue
		}
		taints = append(taints, t)
		if t.TimeAdded != nil && (since.IsZero() || t.TimeAdded.Time.Before(since)) {
			since = t.TimeAdded.Time
		}
	}
	if len(taints) == 0 {
		return nil
	}
	if since.IsZero() {
		since = now
	}
	pods, err := c.podStore.ByIndex(podNodeIndex, node.Name)
	if err != nil {
		return err
	}
	var errs []error
	var next time.Duration
	for _, p := range pods {
		if p.DeletionTimestamp != nil {
			continue
		}
		tolerated, secs := toleration(p, taints)
		if tolerated && secs < 0 {
			continue
		}
		due := now
		if tolerated {
			start := since
			if p.CreationTimestamp.After(start) {
				start = p.CreationTimestamp.Time
			}
			due = start.Add(time.Duration(secs) * time.Second)
		}
		if due.After(now) {
			if d := due.Sub(now); next == 0 || d < next {
				next = d
			}
			continue
		}
		c.opts.Recorder.Eventf(p, corev1.EventTypeNormal, "TaintManagerEviction", "Marking for deletion Pod %s/%s", p.Namespace, p.Name)
		if err := c.evict(ctx, p, now); err != nil {
			errs = append(errs, fmt.Errorf("evict pod %s/%s from node %q: %w", p.Namespace, p.Name, node.Name, err))
		}
	}
	if next > 0 {
		c.queue.AddAfter(node.Name, next)
	}
	return errors.Join(errs...)
}

// evict marks p with the DisruptionTarget condition (so that a Job's
// podFailurePolicy can tell an eviction from a crash) and deletes it.
func (c *Controller) evict(ctx context.Context, p *corev1.Pod, now time.Time) error {
	pods := c.client.CoreV1().Pods(p.Namespace)
	if _, cond := corev1.GetPodCondition(&p.Status, corev1.DisruptionTarget); cond == nil || cond.Status != corev1.ConditionTrue {
		patch, err := json.Marshal(map[string]any{
			"metadata": map[string]any{"uid": p.UID},
			"status": map[string]any{"conditions": []corev1.PodCondition{{
				Type: corev1.DisruptionTarget, Status: corev1.ConditionTrue, Reason: ReasonDeletionByTaintManager,
				Message: "Taint manager: deleting due to NoExecute taint", LastTransitionTime: metav1.NewTime(now),
			}}},
		})
		if err != nil {
			return err
		}
		_, err = pods.Patch(ctx, p.Name, types.StrategicMergePatchType, patch, metav1.PatchOptions{}, "status")
		if apierrors.IsNotFound(err) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("add DisruptionTarget condition: %w", err)
		}
	}
	uid := p.UID
	err := pods.Delete(ctx, p.Name, metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: &uid}})
	if err != nil && !apierrors.IsNotFound(err) && !apierrors.IsConflict(err) {
		return err
	}
	return nil
}

// ReasonDeletionByTaintManager is the reason of the DisruptionTarget
// condition set on pods evicted for a NoExecute taint.
const ReasonDeletionByTaintManager = "DeletionByTaintManager"

// toleration reports whether the pod tolerates every taint and, if so, the
// smallest tolerationSeconds of the tolerations used (-1 for forever).
func toleration(p *corev1.Pod, taints []corev1.Taint) (bool, int64) {
	minSecs := int64(-1)
	for i := range taints {
		matched := false
		for j := range p.Spec.Tolerations {
			tol := &p.Spec.Tolerations[j]
			if !tolerates(tol, &taints[i]) {
				continue
			}
			matched = true
			if tol.TolerationSeconds != nil {
				s := max(*tol.TolerationSeconds, 0)
				if minSecs < 0 || s < minSecs {
					minSecs = s
				}
			}
		}
		if !matched {
			return false, 0
		}
	}
	return true, minSecs
}

// markPodsNotReady sets Ready=False on the pods of a node whose Ready
// condition is not True, so that Services stop sending them traffic while
// nobody reports for them (the kubelet sets them right when it is back).
func (c *Controller) markPodsNotReady(ctx context.Context, node *corev1.Node, now time.Time) error {
	if isReady(node) {
		return nil
	}
	pods, err := c.podStore.ByIndex(podNodeIndex, node.Name)
	if err != nil {
		return err
	}
	var errs []error
	for _, p := range pods {
		if _, cond := corev1.GetPodCondition(&p.Status, corev1.PodReady); cond == nil || cond.Status != corev1.ConditionTrue {
			continue
		}
		patch, err := json.Marshal(map[string]any{
			"metadata": map[string]any{"uid": p.UID},
			"status": map[string]any{"conditions": []corev1.PodCondition{{
				Type: corev1.PodReady, Status: corev1.ConditionFalse, LastTransitionTime: metav1.NewTime(now),
			}}},
		})
		if err != nil {
			return err
		}
		_, err = c.client.CoreV1().Pods(p.Namespace).Patch(ctx, p.Name, types.StrategicMergePatchType, patch, metav1.PatchOptions{}, "status")
		if err != nil && !apierrors.IsNotFound(err) && !apierrors.IsConflict(err) {
			errs = append(errs, fmt.Errorf("mark pod %s/%s not ready: %w", p.Namespace, p.Name, err))
		}
	}
	return errors.Join(errs...)
}

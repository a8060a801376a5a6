package deployment

import (
	"context"

	appsv1 "keel.dev/api/apps/v1"
	corev1 "keel.dev/api/core/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
)

// rolloutRecreate scales every old RS to zero, waits until their pods are
// gone, then creates and scales up the new RS.
func (c *Controller) rolloutRecreate(ctx context.Context, d *appsv1.Deployment, rsList []*appsv1.ReplicaSet) error {
	newRS, oldRSs, err := c.getAllReplicaSets(ctx, d, rsList, false)
	if err != nil {
		return err
	}
	all := func() []*appsv1.ReplicaSet {
		out := append([]*appsv1.ReplicaSet(nil), oldRSs...)
		if newRS != nil {
			out = append(out, newRS)
		}
		return out
	}
	scaledDown := false
	for i, rs := range oldRSs {
		if replicas(rs.Spec.Replicas) == 0 {
			continue
		}
		changed, got, err := c.scaleReplicaSet(ctx, rs, 0, d)
		if err != nil {
			return err
		}
		oldRSs[i] = got
		scaledDown = scaledDown || changed
	}
	if scaledDown {
		return c.syncRolloutStatus(ctx, d, newRS, all())
	}
	if c.oldPodsRunning(newRS, oldRSs) {
		return c.syncRolloutStatus(ctx, d, newRS, all())
	}
	if newRS == nil {
		newRS, oldRSs, err = c.getAllReplicaSets(ctx, d, rsList, true)
		if err != nil {
			return err
		}
	}
	if _, got, err := c.scaleReplicaSet(ctx, newRS, replicas(d.Spec.Replicas), d); err != nil {
		return err
	} else {
		newRS = got
	}
	if deploymentComplete(d, &d.Status) {
		if err := c.cleanupOldRSs(ctx, d, oldRSs); err != nil {
			return err
		}
	}
	return c.syncRolloutStatus(ctx, d, newRS, all())
}

// oldPodsRunning reports whether any old RS still has pods or non-terminal
// pods in the cache.
func (c *Controller) oldPodsRunning(newRS *appsv1.ReplicaSet, oldRSs []*appsv1.ReplicaSet) bool {
	if sumStatus(oldRSs, func(s *appsv1.ReplicaSetStatus) int32 { return s.Replicas }) > 0 {
		return true
	}
	old := map[string]bool{}
	for _, rs := range oldRSs {
		old[string(rs.UID)] = true
	}
	if len(old) == 0 {
		return false
	}
	ns := oldRSs[0].Namespace
	pods, _ := c.podInf.Lister().Namespace(ns).List(nil)
	for _, p := range pods {
		ref := metav1.GetControllerOf(p)
		if ref == nil || !old[string(ref.UID)] {
			continue
		}
		if newRS != nil && ref.UID == newRS.UID {
			continue
		}
		if p.Status.Phase != corev1.PodSucceeded && p.Status.Phase != corev1.PodFailed {
			return true
		}
	}
	return false
}

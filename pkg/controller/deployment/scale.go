package deployment

import (
	"context"
	"fmt"
	"sort"

	appsv1 "keel.dev/api/apps/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
)

// isScalingEvent reports whether d's replicas changed since its active RSes
// were last annotated.
func (c *Controller) isScalingEvent(d *appsv1.Deployment, rsList []*appsv1.ReplicaSet) bool {
	newRS, old := splitRSes(d, rsList)
	for _, rs := range active(append(old, newRS)) {
		if want, ok := intAnnotation(rs, DesiredReplicasAnnotation); ok && want != replicas(d.Spec.Replicas) {
			return true
		}
	}
	return false
}

// syncScale applies replica changes without advancing a rollout (used when
// paused and on scaling events), then updates the status.
func (c *Controller) syncScale(ctx context.Context, d *appsv1.Deployment, rsList []*appsv1.ReplicaSet) error {
	newRS, oldRSs, err := c.getAllReplicaSets(ctx, d, rsList, false)
	if err != nil {
		return err
	}
	newRS, oldRSs, err = c.scale(ctx, d, newRS, oldRSs)
	if err != nil {
		return err
	}
	if d.Spec.Paused && deploymentComplete(d, &d.Status) {
		if err := c.cleanupOldRSs(ctx, d, oldRSs); err != nil {
			return err
		}
	}
	all := append([]*appsv1.ReplicaSet(nil), oldRSs...)
	if newRS != nil {
		all = append(all, newRS)
	}
	return c.syncStatus(ctx, d, newRS, all)
}

// activeOrLatest returns the only active RS, the new (or newest old) RS when
// none is active, or nil when several are active.
func activeOrLatest(newRS *appsv1.ReplicaSet, oldRSs []*appsv1.ReplicaSet) *appsv1.ReplicaSet {
	if newRS == nil && len(oldRSs) == 0 {
		return nil
	}
	all := append([]*appsv1.ReplicaSet(nil), oldRSs...)
	if newRS != nil {
		all = append(all, newRS)
	}
	act := active(all)
	switch len(act) {
	case 0:
		if newRS != nil {
			return newRS
		}
		sorted := append([]*appsv1.ReplicaSet(nil), oldRSs...)
		byCreation(sorted)
		return sorted[len(sorted)-1]
	case 1:
		return act[0]
	}
	return nil
}

// scale resizes RSes to d's replicas: one active RS takes all; a saturated
// new RS lets old ones go to zero; otherwise the change is spread over the
// active RSes in proportion to their size.
func (c *Controller) scale(ctx context.Context, d *appsv1.Deployment, newRS *appsv1.ReplicaSet, oldRSs []*appsv1.ReplicaSet) (*appsv1.ReplicaSet, []*appsv1.ReplicaSet, error) {
	oldRSs = append([]*appsv1.ReplicaSet(nil), oldRSs...)
	// resize scales one RS and swaps the updated copy into newRS/oldRSs.
	resize := func(rs *appsv1.ReplicaSet, size int32) error {
		_, got, err := c.scaleReplicaSet(ctx, rs, size, d)
		if err != nil {
			return err
		}
		if newRS != nil && rs.UID == newRS.UID {
			newRS = got
		}
		for i := range oldRSs {
			if oldRSs[i].UID == rs.UID {
				oldRSs[i] = got
			}
		}
		return nil
	}
	want := replicas(d.Spec.Replicas)
	if rs := activeOrLatest(newRS, oldRSs); rs != nil {
		return newRS, oldRSs, resize(rs, want)
	}
	if isSaturated(d, newRS) {
		for _, rs := range active(oldRSs) {
			if err := resize(rs, 0); err != nil {
				return nil, nil, err
			}
		}
		return newRS, oldRSs, nil
	}
	if d.Spec.Strategy.Type == appsv1.RecreateDeploymentStrategyType {
		return newRS, oldRSs, nil
	}
	all := active(append(append([]*appsv1.ReplicaSet(nil), oldRSs...), newRS))
	sizes := proportionalSizes(d, all)
	for _, rs := range all {
		if err := resize(rs, sizes[rs.Name]); err != nil {
			return nil, nil, fmt.Errorf("proportional scaling: %w", err)
		}
	}
	return newRS, oldRSs, nil
}

// proportionalSizes spreads the difference between the allowed total
// (replicas+maxSurge) and the current total over rss by their share.
func proportionalSizes(d *appsv1.Deployment, rss []*appsv1.ReplicaSet) map[string]int32 {
	want := replicas(d.Spec.Replicas)
	allowed := int32(0)
	if want > 0 {
		allowed = want + maxSurge(d)
	}
	toAdd := allowed - sumReplicas(rss)
	sorted := append([]*appsv1.ReplicaSet(nil), rss...)
	bySize(sorted, toAdd > 0)
	sizes := map[string]int32{}
	added := int32(0)
	for _, rs := range sorted {
		r := replicas(rs.Spec.Replicas)
		share := int32(0)
		if toAdd != 0 && r != 0 && added != toAdd {
			var frac int32
			if want == 0 {
				frac = -r
			} else {
				annotated, ok := intAnnotation(rs, MaxReplicasAnnotation)
				if !ok || annotated == 0 {
					annotated = d.Status.Replicas
				}
				if annotated == 0 {
					annotated = sumReplicas(rss)
				}
				frac = roundHalfUp(float64(r)*float64(want+maxSurge(d))/float64(annotated)) - r
			}
			left := toAdd - added
			if toAdd > 0 {
				share = min(frac, left)
			} else {
				share = max(frac, left)
			}
		}
		sizes[rs.Name] = r + share
		added += share
	}
	if len(sorted) > 0 && added != toAdd {
		first := sorted[0].Name
		sizes[first] = max(0, sizes[first]+toAdd-added)
	}
	return sizes
}

// isSaturated reports whether the new RS alone runs all desired replicas.
func isSaturated(d *appsv1.Deployment, newRS *appsv1.ReplicaSet) bool {
	if newRS == nil {
		return false
	}
	want := replicas(d.Spec.Replicas)
	desired, ok := intAnnotation(newRS, DesiredReplicasAnnotation)
	return ok && desired == want && replicas(newRS.Spec.Replicas) == want && newRS.Status.AvailableReplicas == want
}

// cleanupOldRSs deletes the oldest scaled-down RSes beyond revisionHistoryLimit.
func (c *Controller) cleanupOldRSs(ctx context.Context, d *appsv1.Deployment, oldRSs []*appsv1.ReplicaSet) error {
	if d.Spec.RevisionHistoryLimit == nil {
		return nil
	}
	var alive []*appsv1.ReplicaSet
	for _, rs := range oldRSs {
		if rs.DeletionTimestamp == nil {
			alive = append(alive, rs)
		}
	}
	extra := len(alive) - int(*d.Spec.RevisionHistoryLimit)
	if extra <= 0 {
		return nil
	}
	sort.SliceStable(alive, func(i, j int) bool {
		if ri, rj := revision(alive[i]), revision(alive[j]); ri != rj {
			return ri < rj
		}
		return alive[i].CreationTimestamp.Before(&alive[j].CreationTimestamp)
	})
	for _, rs := range alive[:extra] {
		if rs.Status.Replicas != 0 || replicas(rs.Spec.Replicas) != 0 || rs.Generation > rs.Status.ObservedGeneration {
			continue
		}
		if err := c.cs.AppsV1().ReplicaSets(rs.Namespace).Delete(ctx, rs.Name, metav1.DeleteOptions{}); err != nil && ignoreNotFound(err) != nil {
			return fmt.Errorf("delete old replica set %s: %w", rs.Name, err)
		}
	}
	return nil
}

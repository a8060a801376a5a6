package deployment

import (
	"context"

	appsv1 "keel.dev/api/apps/v1"
)

// rolloutRolling advances a RollingUpdate deployment by one step: scale the
// new RS up within maxSurge, or scale old RSes down within maxUnavailable.
func (c *Controller) rolloutRolling(ctx context.Context, d *appsv1.Deployment, rsList []*appsv1.ReplicaSet) error {
	newRS, oldRSs, err := c.getAllReplicaSets(ctx, d, rsList, true)
	if err != nil {
		return err
	}
	all := append(append([]*appsv1.ReplicaSet(nil), oldRSs...), newRS)

	scaledUp, newRS, err := c.reconcileNewRS(ctx, all, newRS, d)
	if err != nil {
		return err
	}
	if scaledUp {
		return c.syncRolloutStatus(ctx, d, newRS, append(append([]*appsv1.ReplicaSet(nil), oldRSs...), newRS))
	}
	scaledDown, oldRSs, err := c.reconcileOldRSs(ctx, all, oldRSs, newRS, d)
	if err != nil {
		return err
	}
	all = append(append([]*appsv1.ReplicaSet(nil), oldRSs...), newRS)
	if scaledDown {
		return c.syncRolloutStatus(ctx, d, newRS, all)
	}
	if deploymentComplete(d, &d.Status) {
		if err := c.cleanupOldRSs(ctx, d, oldRSs); err != nil {
			return err
		}
	}
	return c.syncRolloutStatus(ctx, d, newRS, all)
}

// reconcileNewRS scales the new RS toward the size allowed now.
func (c *Controller) reconcileNewRS(ctx context.Context, all []*appsv1.ReplicaSet, newRS *appsv1.ReplicaSet, d *appsv1.Deployment) (bool, *appsv1.ReplicaSet, error) {
	want := replicas(d.Spec.Replicas)
	cur := replicas(newRS.Spec.Replicas)
	if cur == want {
		return false, newRS, nil
	}
	if cur > want {
		changed, rs, err := c.scaleReplicaSet(ctx, newRS, want, d)
		return changed, rs, err
	}
	size := newRSReplicas(d, all, newRS)
	changed, rs, err := c.scaleReplicaSet(ctx, newRS, size, d)
	return changed, rs, err
}

// reconcileOldRSs scales old RSes down as far as availability allows:
// first their unhealthy replicas, then available ones.
func (c *Controller) reconcileOldRSs(ctx context.Context, all, oldRSs []*appsv1.ReplicaSet, newRS *appsv1.ReplicaSet, d *appsv1.Deployment) (bool, []*appsv1.ReplicaSet, error) {
	if sumReplicas(oldRSs) == 0 {
		return false, oldRSs, nil
	}
	minAvailable := replicas(d.Spec.Replicas) - maxUnavailable(d)
	newUnavailable := replicas(newRS.Spec.Replicas) - newRS.Status.AvailableReplicas
	maxScaledDown := sumReplicas(all) - minAvailable - newUnavailable
	if maxScaledDown <= 0 {
		return false, oldRSs, nil
	}
	oldRSs = append([]*appsv1.ReplicaSet(nil), oldRSs...)
	byCreation(oldRSs)

	// Unhealthy replicas of old RSes cost no availability.
	cleaned := int32(0)
	for i, rs := range oldRSs {
		if cleaned >= maxScaledDown {
			break
		}
		r := replicas(rs.Spec.Replicas)
		if r == 0 {
			continue
		}
		unhealthy := r - rs.Status.AvailableReplicas
		if unhealthy <= 0 {
			continue
		}
		down := min(unhealthy, maxScaledDown-cleaned)
		_, got, err := c.scaleReplicaSet(ctx, rs, r-down, d)
		if err != nil {
			return false, nil, err
		}
		oldRSs[i] = got
		cleaned += down
	}

	// Then available replicas, keeping minAvailable.
	allNow := append(append([]*appsv1.ReplicaSet(nil), oldRSs...), newRS)
	available := sumStatus(allNow, func(s *appsv1.ReplicaSetStatus) int32 { return s.AvailableReplicas })
	scaled := int32(0)
	if available > minAvailable {
		budget := available - minAvailable
		for i, rs := range oldRSs {
			if scaled >= budget {
				break
			}
			r := replicas(rs.Spec.Replicas)
			if r == 0 {
				continue
			}
			down := min(r, budget-scaled)
			_, got, err := c.scaleReplicaSet(ctx, rs, r-down, d)
			if err != nil {
				return false, nil, err
			}
			oldRSs[i] = got
			scaled += down
		}
	}
	return cleaned+scaled > 0, oldRSs, nil
}

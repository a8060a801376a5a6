package nodestatus

import (
	"context"
	"encoding/json"
	"fmt"

	coordinationv1 "keel.dev/api/coordination/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
)

type coordinationLease = coordinationv1.Lease

// RenewLease creates or renews the node's Lease in kube-node-lease.
func (c *Controller) RenewLease(ctx context.Context) error {
	leases := c.cfg.Client.CoordinationV1().Leases(LeaseNamespace)
	now := metav1.NewMicroTime(c.cfg.Clock.Now())
	c.mu.Lock()
	cached := c.lease
	c.mu.Unlock()
	for attempt := 0; attempt < 5; attempt++ {
		if cached == nil {
			got, err := leases.Get(ctx, c.cfg.NodeName, metav1.GetOptions{})
			switch {
			case apierrors.IsNotFound(err):
				created, err := leases.Create(ctx, c.newLease(now), metav1.CreateOptions{})
				if apierrors.IsAlreadyExists(err) {
					continue
				}
				if err != nil {
					return fmt.Errorf("create lease: %w", err)
				}
				c.storeLease(created)
				return nil
			case err != nil:
				return fmt.Errorf("get lease: %w", err)
			}
			cached = got
		}
		l := cached.DeepCopy()
		c.fillLease(l, now)
		updated, err := leases.Update(ctx, l, metav1.UpdateOptions{})
		if apierrors.IsConflict(err) || apierrors.IsNotFound(err) {
			cached = nil
			continue
		}
		if err != nil {
			c.storeLease(nil)
			return fmt.Errorf("renew lease: %w", err)
		}
		c.storeLease(updated)
		return nil
	}
	c.storeLease(nil)
	return fmt.Errorf("renew lease %s: too many conflicts", c.cfg.NodeName)
}

func (c *Controller) storeLease(l *coordinationv1.Lease) {
	c.mu.Lock()
	c.lease = l
	c.mu.Unlock()
}

func (c *Controller) newLease(now metav1.MicroTime) *coordinationv1.Lease {
	l := &coordinationv1.Lease{ObjectMeta: metav1.ObjectMeta{Name: c.cfg.NodeName, Namespace: LeaseNamespace}}
	c.fillLease(l, now)
	return l
}

// fillLease sets holder, duration, renew time and the owner reference to the Node.
func (c *Controller) fillLease(l *coordinationv1.Lease, now metav1.MicroTime) {
	holder, dur := c.cfg.NodeName, c.cfg.LeaseDuration
	l.Spec.HolderIdentity = &holder
	l.Spec.LeaseDurationSeconds = &dur
	l.Spec.RenewTime = &now
	if len(l.OwnerReferences) == 0 {
		if n := c.Node(); n != nil && n.UID != "" {
			l.OwnerReferences = []metav1.OwnerReference{{APIVersion: "v1", Kind: "Node", Name: n.Name, UID: n.UID}}
		}
	}
}

// equalJSON compares two values by their JSON encoding.
func equalJSON(a, b any) bool {
	x, err1 := json.Marshal(a)
	y, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && string(x) == string(y)
}

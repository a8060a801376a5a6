package volumebinding

import (
	"context"
	"errors"
	"fmt"
	"time"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/keel/pkg/scheduler/framework"
)

// stateOf returns the cycle's state, nil when PreFilter skipped the pod.
func stateOf(cs *framework.CycleState) (*state, error) {
	s, err := readState(cs)
	if errors.Is(err, framework.ErrNotFound) {
		return nil, nil
	}
	return s, err
}

// Reserve records nodeName for the pod's unbound claims, so that pods
// sharing a claim and scheduled before it is bound go to the same node.
func (pl *VolumeBinding) Reserve(_ context.Context, cs *framework.CycleState, _ *corev1.Pod, nodeName string) *framework.Status {
	s, err := stateOf(cs)
	if err != nil {
		return framework.AsStatus(err)
	}
	if s == nil || len(s.delayed) == 0 {
		return nil
	}
	if ni, err := pl.h.SnapshotSharedLister().NodeInfos().Get(nodeName); err == nil {
		cs.Write(reservedKey, &reservedNode{ni.Node()})
	}
	pl.mu.Lock()
	defer pl.mu.Unlock()
	for _, dc := range s.delayed {
		pl.assumed[claimKey(dc.claim)] = nodeName
	}
	return nil
}

const reservedKey framework.StateKey = "Reserve" + Name

// reservedNode is the node object Reserve saw, for PreBind's check of the
// bound volumes (PreBind runs off the scheduling loop, away from the snapshot).
type reservedNode struct{ node *corev1.Node }

// Clone returns r: it is never modified.
func (r *reservedNode) Clone() framework.StateData { return r }

// Unreserve forgets what Reserve recorded for nodeName. Idempotent.
func (pl *VolumeBinding) Unreserve(_ context.Context, cs *framework.CycleState, _ *corev1.Pod, nodeName string) {
	s, _ := stateOf(cs)
	if s == nil {
		return
	}
	pl.forget(s.delayed, nodeName)
}

func (pl *VolumeBinding) forget(claims []delayedClaim, nodeName string) {
	pl.mu.Lock()
	defer pl.mu.Unlock()
	for _, dc := range claims {
		if k := claimKey(dc.claim); pl.assumed[k] == nodeName {
			delete(pl.assumed, k)
		}
	}
}

// PreBind asks for the pod's unbound claims to be bound on nodeName (the
// selected-node annotation) and waits until they are, at most the bind
// timeout. A claim deleted, bound to a volume the node cannot reach, or
// whose annotation a provisioner removed (it cannot provision there) fails
// the binding, so the pod is scheduled again.
func (pl *VolumeBinding) PreBind(ctx context.Context, cs *framework.CycleState, _ *corev1.Pod, nodeName string) *framework.Status {
	s, err := stateOf(cs)
	if err != nil {
		return framework.AsStatus(err)
	}
	if s == nil || len(s.delayed) == 0 {
		return nil
	}
	if pl.claims == nil {
		return framework.AsStatus(errors.New("VolumeBinding: the scheduler has no claim writer"))
	}
	defer pl.forget(s.delayed, nodeName)
	var node *corev1.Node
	if r, err := framework.ReadAs[*reservedNode](cs, reservedKey); err == nil {
		node = r.node
	}
	for _, dc := range s.delayed {
		claim, err := pl.volumes.GetPVC(dc.claim.Namespace, dc.claim.Name)
		if err != nil {
			return framework.AsStatus(fmt.Errorf("claim %s: %w", claimKey(dc.claim), err))
		}
		if claim.Spec.VolumeName != "" || claim.Annotations[AnnSelectedNode] == nodeName {
			continue
		}
		if err := pl.claims.SetSelectedNode(ctx, claim, nodeName); err != nil {
			return framework.AsStatus(fmt.Errorf("set selected node of claim %s: %w", claimKey(claim), err))
		}
	}
	ctx, cancel := context.WithTimeout(ctx, pl.bindTimeout)
	defer cancel()
	t := time.NewTicker(pollInterval)
	defer t.Stop()
	// seen marks the claims the cache has shown annotated for nodeName: the
	// cache lags behind the patch, so only an annotation that disappears
	// after it was seen means a provisioner gave up.
	seen := make(map[string]bool, len(s.delayed))
	for {
		done, err := pl.allBound(s.delayed, nodeName, node, seen)
		if err != nil {
			return framework.AsStatus(err)
		}
		if done {
			return nil
		}
		select {
		case <-ctx.Done():
			return framework.AsStatus(fmt.Errorf("binding volumes: %w", ctx.Err()))
		case <-t.C:
		}
	}
}

// allBound reports whether every claim is bound to a volume nodeName can
// reach; an error means waiting longer will not help.
func (pl *VolumeBinding) allBound(claims []delayedClaim, nodeName string, node *corev1.Node, seen map[string]bool) (bool, error) {
	for _, dc := range claims {
		claim, err := pl.volumes.GetPVC(dc.claim.Namespace, dc.claim.Name)
		if err != nil {
			return false, fmt.Errorf("claim %s: %w", claimKey(dc.claim), err)
		}
		if claim.DeletionTimestamp != nil {
			return false, fmt.Errorf("claim %s is being deleted", claimKey(claim))
		}
		if claim.Spec.VolumeName == "" || claim.Status.Phase != corev1.ClaimBound {
			switch got := claim.Annotations[AnnSelectedNode]; {
			case got == nodeName:
				seen[claimKey(claim)] = true
			case got != "":
				return false, fmt.Errorf("claim %s was given node %q meanwhile", claimKey(claim), got)
			case seen[claimKey(claim)]:
				return false, fmt.Errorf("selected node annotation of claim %s was reset", claimKey(claim))
			}
			return false, nil
		}
		pv, err := pl.volumes.GetPV(claim.Spec.VolumeName)
		if errors.Is(err, framework.ErrNotFound) {
			return false, nil // the volume's event has not reached the cache yet
		}
		if err != nil {
			return false, err
		}
		if node != nil && !affinityMatches(volumeAffinity(pv), node) {
			return false, fmt.Errorf("volume %q of claim %s does not match node %q's affinity", pv.Name, claimKey(claim), nodeName)
		}
	}
	return true, nil
}

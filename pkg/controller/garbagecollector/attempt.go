package garbagecollector

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/types"
)

// attemptToDelete examines one object: an owner in foreground deletion
// gets its dependents processed; a dependent is kept, trimmed or deleted
// according to its owners.
func (gc *GarbageCollector) attemptToDelete(ctx context.Context, uid types.UID) error {
	n, ok := gc.graph.get(uid)
	if !ok {
		return nil
	}
	if n.deleting {
		if n.deletingDependents() {
			return gc.processDeletingDependents(ctx, n)
		}
		return nil
	}
	if len(n.owners) == 0 {
		return nil
	}
	solids, danglings, waitings, err := gc.classify(ctx, n, n.owners, false)
	if err != nil {
		return err
	}
	if len(danglings) == 0 && len(waitings) == 0 {
		return nil
	}
	// Confirm with the stored object before acting on a possibly stale view.
	refs, exists, err := gc.liveOwners(ctx, n)
	if err != nil || !exists {
		return err
	}
	solids, danglings, waitings, err = gc.classify(ctx, n, refs, true)
	if err != nil {
		return err
	}
	switch {
	case len(solids) > 0:
		if len(danglings)+len(waitings) == 0 {
			return nil
		}
		return gc.removeOwnerRefs(ctx, n, append(danglings, waitings...))
	case len(danglings)+len(waitings) == 0:
		return nil
	}
	policy := metav1.DeletePropagationBackground
	switch {
	case len(waitings) > 0 && gc.graph.hasDependents(n.uid):
		policy = metav1.DeletePropagationForeground
	case n.hasFinalizer(metav1.FinalizerOrphanDependents):
		policy = metav1.DeletePropagationOrphan
	case n.hasFinalizer(metav1.FinalizerDeleteDependents):
		policy = metav1.DeletePropagationForeground
	}
	return gc.delete(ctx, n, policy)
}

// classify sorts refs into solid, dangling and waiting owner UIDs.
func (gc *GarbageCollector) classify(ctx context.Context, n node, refs []metav1.OwnerReference, live bool) (s, d, w []types.UID, err error) {
	for _, ref := range refs {
		st, err := gc.ownerState(ctx, n, ref, live)
		if err != nil {
			return nil, nil, nil, err
		}
		switch st {
		case solid:
			s = append(s, ref.UID)
		case dangling:
			d = append(d, ref.UID)
		case waiting:
			w = append(w, ref.UID)
		}
	}
	return s, d, w, nil
}

// delete deletes n (if it still has n's UID) with policy.
func (gc *GarbageCollector) delete(ctx context.Context, n node, policy metav1.DeletionPropagation) error {
	uid := n.uid
	err := gc.client(n.gvr, n.namespace).Delete(ctx, n.name, metav1.DeleteOptions{
		PropagationPolicy: &policy, Preconditions: &metav1.Preconditions{UID: &uid},
	})
	if err != nil && !apierrors.IsNotFound(err) && !apierrors.IsConflict(err) {
		return fmt.Errorf("delete %s %s/%s: %w", n.gvk.Kind, n.namespace, n.name, err)
	}
	return nil
}

// removeOwnerRefs patches away n's references to owners.
func (gc *GarbageCollector) removeOwnerRefs(ctx context.Context, n node, owners []types.UID) error {
	refs := make([]map[string]any, 0, len(owners))
	for _, o := range owners {
		refs = append(refs, map[string]any{"$patch": "delete", "uid": o})
	}
	patch, err := json.Marshal(map[string]any{"metadata": map[string]any{"ownerReferences": refs, "uid": n.uid}})
	if err != nil {
		return err
	}
	_, err = gc.client(n.gvr, n.namespace).Patch(ctx, n.name, types.StrategicMergePatchType, patch, metav1.PatchOptions{})
	if err != nil && !apierrors.IsNotFound(err) && !apierrors.IsConflict(err) {
		return fmt.Errorf("remove owner references from %s %s/%s: %w", n.gvk.Kind, n.namespace, n.name, err)
	}
	return nil
}

// removeFinalizer patches f out of n's finalizers.
func (gc *GarbageCollector) removeFinalizer(ctx context.Context, n node, f string) error {
	patch, err := json.Marshal(map[string]any{"metadata": map[string]any{
		"$deleteFromPrimitiveList/finalizers": []string{f}, "uid": n.uid,
	}})
	if err != nil {
		return err
	}
	_, err = gc.client(n.gvr, n.namespace).Patch(ctx, n.name, types.StrategicMergePatchType, patch, metav1.PatchOptions{})
	if err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("remove finalizer %s from %s %s/%s: %w", f, n.gvk.Kind, n.namespace, n.name, err)
	}
	return nil
}

// processDeletingDependents drives foreground deletion of owner: every
// dependent is queued (they see the owner as waiting and get deleted or
// trimmed), and the finalizer goes once no blocking dependent remains.
func (gc *GarbageCollector) processDeletingDependents(ctx context.Context, owner node) error {
	blocking := 0
	for _, dep := range gc.graph.dependentsOf(owner.uid) {
		for _, r := range dep.owners {
			if r.UID == owner.uid && r.BlockOwnerDeletion != nil && *r.BlockOwnerDeletion {
				blocking++
			}
		}
		if !dep.deleting {
			gc.deleteQ.Add(dep.uid)
		}
	}
	if blocking > 0 {
		return nil
	}
	return gc.removeFinalizer(ctx, owner, metav1.FinalizerDeleteDependents)
}

// attemptToOrphan strips owner's references from its dependents and then
// removes the orphan finalizer.
func (gc *GarbageCollector) attemptToOrphan(ctx context.Context, uid types.UID) error {
	owner, ok := gc.graph.get(uid)
	if !ok || !owner.deleting || !owner.hasFinalizer(metav1.FinalizerOrphanDependents) {
		return nil
	}
	var errs []error
	for _, dep := range gc.graph.dependentsOf(uid) {
		if err := gc.removeOwnerRefs(ctx, dep, []types.UID{uid}); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	return gc.removeFinalizer(ctx, owner, metav1.FinalizerOrphanDependents)
}

package ownerref

import (
	"encoding/json"
	"fmt"

	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/labels"
	"keel.dev/apimachinery/pkg/runtime/schema"
	"keel.dev/apimachinery/pkg/types"
)

// NewControllerRef returns a controller ownerReference to owner of kind gvk
// with blockOwnerDeletion set.
func NewControllerRef(owner metav1.Object, gvk schema.GroupVersionKind) metav1.OwnerReference {
	t := true
	return metav1.OwnerReference{
		APIVersion:         gvk.GroupVersion().String(),
		Kind:               gvk.Kind,
		Name:               owner.GetName(),
		UID:                owner.GetUID(),
		Controller:         &t,
		BlockOwnerDeletion: &t,
	}
}

// AdoptPatch is a strategic merge patch adding ref (and finalizers, if
// any) to the object whose UID is uid (the UID acts as a precondition).
func AdoptPatch(ref metav1.OwnerReference, uid types.UID, finalizers ...string) ([]byte, error) {
	meta := map[string]any{
		"ownerReferences": []metav1.OwnerReference{ref},
		"uid":             uid,
	}
	if len(finalizers) > 0 {
		meta["finalizers"] = finalizers
	}
	p := map[string]any{"metadata": meta}
	b, err := json.Marshal(p)
	if err != nil {
		return nil, fmt.Errorf("build adopt patch: %w", err)
	}
	return b, nil
}

// ReleasePatch is a strategic merge patch removing the ownerReference with
// ownerUID (and finalizers, if any) from the object whose UID is uid.
func ReleasePatch(ownerUID, uid types.UID, finalizers ...string) ([]byte, error) {
	meta := map[string]any{
		"ownerReferences": []map[string]any{{"$patch": "delete", "uid": ownerUID}},
		"uid":             uid,
	}
	if len(finalizers) > 0 {
		meta["$deleteFromPrimitiveList/finalizers"] = finalizers
	}
	p := map[string]any{"metadata": meta}
	b, err := json.Marshal(p)
	if err != nil {
		return nil, fmt.Errorf("build release patch: %w", err)
	}
	return b, nil
}

// Decision is what a controller should do with one candidate object.
type Decision int

const (
	// Ignore means the object belongs to someone else or is not wanted.
	Ignore Decision = iota
	// Keep means the object is already owned and matches.
	Keep
	// Adopt means the object is an orphan that matches the selector.
	Adopt
	// Release means the object is owned but no longer matches.
	Release
)

// Decide classifies obj for the controller owner with selector.
// ownerDeleting disables adoption; release still happens only while the
// owner is alive (a deleting owner leaves its dependents to the GC).
func Decide(owner metav1.Object, selector labels.Selector, obj metav1.Object) Decision {
	matches := selector.Matches(labels.Set(obj.GetLabels()))
	ref := metav1.GetControllerOf(obj)
	ownerDeleting := owner.GetDeletionTimestamp() != nil
	if ref != nil {
		if ref.UID != owner.GetUID() {
			return Ignore
		}
		if matches {
			return Keep
		}
		if ownerDeleting {
			return Ignore
		}
		return Release
	}
	if !matches || ownerDeleting || obj.GetDeletionTimestamp() != nil {
		return Ignore
	}
	return Adopt
}

package ownerref

import (
	"context"
	"errors"
	"fmt"

	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/labels"
	"keel.dev/apimachinery/pkg/runtime/schema"
)

// Claimer claims objects of one kind for one controller owner: it keeps
// the objects the owner controls and still selects, adopts matching
// orphans and releases owned objects that stopped matching.
type Claimer[T metav1.Object] struct {
	// Owner is the cached controller object; never mutated.
	Owner metav1.Object
	// Kind is the owner's group, version and kind, used in the ownerReference.
	Kind schema.GroupVersionKind
	// Selector picks the objects the owner wants.
	Selector labels.Selector
	// Recheck reads the owner from the apiserver. It runs at most once per
	// Claim, before the first adoption; adoption is skipped when it fails,
	// returns another UID or a deleting owner. Nil trusts Owner.
	Recheck func(ctx context.Context) (metav1.Object, error)
	// Patch applies a strategic merge patch to obj and returns the result.
	Patch func(ctx context.Context, obj T, patch []byte) (T, error)
	// Finalizers are added on adoption and removed on release.
	Finalizers []string
}

// Claim returns the objects of objs the owner controls after adopting and
// releasing. Failures of single patches are joined into the error; the
// objects claimed so far are returned with it.
func (c Claimer[T]) Claim(ctx context.Context, objs []T) ([]T, error) {
	var owned []T
	var errs []error
	adoptable, checked := true, false
	canAdopt := func() bool {
		if !checked && c.Recheck != nil {
			checked = true
			fresh, err := c.Recheck(ctx)
			adoptable = err == nil && fresh.GetUID() == c.Owner.GetUID() && fresh.GetDeletionTimestamp() == nil
		}
		return adoptable
	}
	for _, obj := range objs {
		switch Decide(c.Owner, c.Selector, obj) {
		case Keep:
			owned = append(owned, obj)
		case Adopt:
			if !canAdopt() {
				continue
			}
			patch, err := AdoptPatch(NewControllerRef(c.Owner, c.Kind), obj.GetUID(), c.Finalizers...)
			if err != nil {
				return owned, err
			}
			adopted, err := c.Patch(ctx, obj, patch)
			if err != nil {
				if !apierrors.IsNotFound(err) {
					errs = append(errs, fmt.Errorf("adopt %s: %w", obj.GetName(), err))
				}
				continue
			}
			owned = append(owned, adopted)
		case Release:
			patch, err := ReleasePatch(c.Owner.GetUID(), obj.GetUID(), c.Finalizers...)
			if err != nil {
				return owned, err
			}
			// NotFound: already gone; Invalid: the UID precondition failed
			// because the name now belongs to a new object.
			if _, err := c.Patch(ctx, obj, patch); err != nil && !apierrors.IsNotFound(err) && !apierrors.IsInvalid(err) {
				errs = append(errs, fmt.Errorf("release %s: %w", obj.GetName(), err))
			}
		}
	}
	return owned, errors.Join(errs...)
}

// OrphanMatches reports whether obj has no controller and owner's selector
// (a LabelSelector) selects it; event handlers use it to find the owners
// that may adopt a new orphan.
func OrphanMatches(sel *metav1.LabelSelector, obj metav1.Object) bool {
	if metav1.GetControllerOf(obj) != nil || sel == nil {
		return false
	}
	s, err := metav1.LabelSelectorAsSelector(sel)
	if err != nil || s.Empty() {
		return false
	}
	return s.Matches(labels.Set(obj.GetLabels()))
}

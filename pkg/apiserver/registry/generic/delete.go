package generic

import (
	"context"
	"errors"
	"fmt"
	"time"

	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"
	"keel.dev/apimachinery/pkg/types"
	"keel.dev/apimachinery/pkg/util/validation/field"
	"keel.dev/keel/pkg/apiserver/admission"
	"keel.dev/keel/pkg/apiserver/registry/rest"
	"keel.dev/keel/pkg/apiserver/storage"
)

// errNothingToMark stops a marking update that found nothing to change.
var errNothingToMark = errors.New("nothing to mark")

// Delete implements rest.GracefulDeleter.
func (s *Store) Delete(ctx context.Context, name string, opts *metav1.DeleteOptions) (runtime.Object, bool, error) {
	key, err := s.KeyFor(rest.NamespaceFrom(ctx), name)
	if err != nil {
		return nil, false, err
	}
	if opts == nil {
		opts = &metav1.DeleteOptions{}
	} else {
		opts = opts.DeepCopyObject().(*metav1.DeleteOptions)
	}
	if opts.OrphanDependents != nil && opts.PropagationPolicy != nil {
		return nil, false, apierrors.NewInvalid(schema.GroupKind{Kind: "DeleteOptions"}, "", field.ErrorList{
			field.Invalid(field.NewPath("propagationPolicy"), *opts.PropagationPolicy, "orphanDependents and deletionPropagation cannot be both set")})
	}
	dryRun := rest.IsDryRun(opts.DryRun)
	existing, err := s.Storage.Get(ctx, key, storage.GetOptions{})
	if err != nil {
		return nil, false, s.interpret(err, name)
	}
	preconds := preconditions(opts)
	if err := storage.CheckPreconditions(key, preconds, existing); err != nil {
		return nil, false, s.interpret(err, name)
	}
	if s.admits(admission.Delete) {
		a := s.attributes(ctx, admission.Delete, name, rest.NamespaceFrom(ctx), nil, existing, dryRun)
		if err := s.admit(ctx, a); err != nil {
			return nil, false, err
		}
		if err := s.validateAdmission(ctx, a); err != nil {
			return nil, false, err
		}
	}
	graceful, pendingGraceful, err := s.beforeDelete(ctx, existing, opts)
	if err != nil {
		return nil, false, err
	}
	if pendingGraceful {
		// Already being deleted gracefully, no shorter period asked.
		return existing, false, nil
	}
	mustMark := graceful || s.needsFinalizers(existing, opts)
	if mustMark {
		out, marked, err := s.mark(ctx, key, name, existing, opts, graceful, dryRun, preconds)
		if err != nil {
			return nil, false, err
		}
		if marked {
			return out, false, nil
		}
		existing = out
	}
	if dryRun {
		return s.deleteResult(existing), true, nil
	}
	m, _ := accessor(existing)
	rv, uid := m.GetResourceVersion(), m.GetUID()
	dp := &storage.Preconditions{UID: &uid}
	if preconds != nil && preconds.ResourceVersion != nil {
		dp.ResourceVersion = &rv
	}
	out, err := s.Storage.Delete(ctx, key, storage.DeleteOptions{Preconditions: dp, CachedExisting: existing})
	if err != nil {
		return nil, false, s.interpret(err, name)
	}
	if s.Hooks.AfterDelete != nil {
		s.Hooks.AfterDelete(ctx, out)
	}
	return s.deleteResult(out), true, nil
}

// deleteResult is the answer to a completed deletion.
func (s *Store) deleteResult(obj runtime.Object) runtime.Object {
	if s.ReturnDeletedObject {
		return obj
	}
	m, _ := accessor(obj)
	st := &metav1.Status{Status: metav1.StatusSuccess, Details: &metav1.StatusDetails{
		Group: s.Resource.Group, Kind: s.Resource.Resource}}
	if m != nil {
		st.Details.Name = m.GetName()
		st.Details.UID = m.GetUID()
	}
	st.Kind, st.APIVersion = "Status", "v1"
	return st
}

func preconditions(opts *metav1.DeleteOptions) *storage.Preconditions {
	if opts.Preconditions == nil {
		return nil
	}
	p := &storage.Preconditions{}
	if opts.Preconditions.UID != nil {
		u := types.UID(*opts.Preconditions.UID)
		p.UID = &u
	}
	if opts.Preconditions.ResourceVersion != nil {
		rv := *opts.Preconditions.ResourceVersion
		p.ResourceVersion = &rv
	}
	return p
}

// beforeDelete decides whether the deletion is graceful; pending is true
// when the object is already being deleted gracefully and the request does
// not shorten the period.
func (s *Store) beforeDelete(ctx context.Context, obj runtime.Object, opts *metav1.DeleteOptions) (graceful, pending bool, err error) {
	m, _ := accessor(obj)
	gs, ok := s.Strategy.(GracefulDeleteStrategy)
	if !ok {
		if opts.GracePeriodSeconds != nil && *opts.GracePeriodSeconds != 0 {
			zero := int64(0)
			opts.GracePeriodSeconds = &zero
		}
		return false, false, nil
	}
	if m.GetDeletionTimestamp() != nil {
		cur := m.GetDeletionGracePeriodSeconds()
		if cur == nil || *cur == 0 {
			return false, false, nil
		}
		if opts.GracePeriodSeconds == nil || *opts.GracePeriodSeconds >= *cur {
			return false, true, nil
		}
		// A shorter period: fall through and re-mark.
		if *opts.GracePeriodSeconds == 0 {
			return false, false, nil
		}
	}
	if !gs.CheckGracefulDelete(ctx, obj, opts) {
		return false, false, nil
	}
	if opts.GracePeriodSeconds == nil || *opts.GracePeriodSeconds == 0 {
		return false, false, nil
	}
	return true, false, nil
}

// propagation returns the effective propagation policy of opts for obj.
func propagation(m metav1.Object, opts *metav1.DeleteOptions) metav1.DeletionPropagation {
	if opts.PropagationPolicy != nil {
		return *opts.PropagationPolicy
	}
	if opts.OrphanDependents != nil {
		if *opts.OrphanDependents {
			return metav1.DeletePropagationOrphan
		}
		return metav1.DeletePropagationBackground
	}
	return ""
}

// wantFinalizers returns the finalizers obj must carry for the deletion.
func wantFinalizers(m metav1.Object, opts *metav1.DeleteOptions) []string {
	fins := append([]string(nil), m.GetFinalizers()...)
	has := func(f string) bool {
		for _, x := range fins {
			if x == f {
				return true
			}
		}
		return false
	}
	remove := func(f string) {
		out := fins[:0]
		for _, x := range fins {
			if x != f {
				out = append(out, x)
			}
		}
		fins = out
	}
	switch propagation(m, opts) {
	case metav1.DeletePropagationOrphan:
		remove(metav1.FinalizerDeleteDependents)
		if !has(metav1.FinalizerOrphanDependents) {
			fins = append(fins, metav1.FinalizerOrphanDependents)
		}
	case metav1.DeletePropagationForeground:
		remove(metav1.FinalizerOrphanDependents)
		if !has(metav1.FinalizerDeleteDependents) {
			fins = append(fins, metav1.FinalizerDeleteDependents)
		}
	case metav1.DeletePropagationBackground:
		remove(metav1.FinalizerOrphanDependents)
		remove(metav1.FinalizerDeleteDependents)
	}
	return fins
}

// needsFinalizers reports whether obj must be marked rather than removed
// because of finalizers.
func (s *Store) needsFinalizers(obj runtime.Object, opts *metav1.DeleteOptions) bool {
	m, _ := accessor(obj)
	return len(m.GetFinalizers()) > 0 || len(wantFinalizers(m, opts)) > 0
}

// mark sets deletionTimestamp, the grace period and the propagation
// finalizers. marked is false when the object turned out to need no mark
// and may be removed now (out is then its current state).
func (s *Store) mark(ctx context.Context, key, name string, existing runtime.Object, opts *metav1.DeleteOptions, graceful, dryRun bool, preconds *storage.Preconditions) (out runtime.Object, marked bool, err error) {
	apply := func(cur runtime.Object) (runtime.Object, bool, error) {
		m, err := accessor(cur)
		if err != nil {
			return nil, false, err
		}
		fins := wantFinalizers(m, opts)
		if !graceful && len(fins) == 0 {
			return cur, false, nil
		}
		m.SetFinalizers(fins)
		now := metav1.Now()
		if graceful {
			g := *opts.GracePeriodSeconds
			if dt := m.GetDeletionTimestamp(); dt == nil || m.GetDeletionGracePeriodSeconds() == nil || g < *m.GetDeletionGracePeriodSeconds() {
				t := metav1.NewTime(now.Add(time.Duration(g) * time.Second))
				m.SetDeletionTimestamp(&t)
				m.SetDeletionGracePeriodSeconds(&g)
			}
		} else if m.GetDeletionTimestamp() == nil {
			m.SetDeletionTimestamp(&now)
			zero := int64(0)
			m.SetDeletionGracePeriodSeconds(&zero)
		}
		return cur, true, nil
	}
	if dryRun {
		obj, marked, err := apply(existing.DeepCopyObject())
		return obj, marked, err
	}
	var didMark bool
	out, err = s.Storage.GuaranteedUpdate(ctx, key, storage.UpdateOptions{Preconditions: preconds, CachedExisting: existing},
		func(cur runtime.Object) (runtime.Object, error) {
			obj, m, err := apply(cur)
			if err != nil {
				return nil, err
			}
			didMark = m
			if !m {
				return nil, fmt.Errorf("%w", errNothingToMark)
			}
			return obj, nil
		})
	if errors.Is(err, errNothingToMark) {
		cur, err := s.Storage.Get(ctx, key, storage.GetOptions{})
		if err != nil {
			return nil, false, s.interpret(err, name)
		}
		return cur, false, nil
	}
	if err != nil {
		return nil, false, s.interpret(err, name)
	}
	return out, didMark, nil
}

// DeleteCollection implements rest.CollectionDeleter: it deletes every
// listed object and returns the list of what was deleted or marked.
func (s *Store) DeleteCollection(ctx context.Context, opts *metav1.DeleteOptions, listOpts *rest.ListOptions) (runtime.Object, error) {
	if listOpts == nil {
		listOpts = matchAll
	}
	lo := *listOpts
	lo.Limit, lo.Continue = 0, ""
	listObj, err := s.List(ctx, &lo)
	if err != nil {
		return nil, err
	}
	items, err := listItems(listObj)
	if err != nil {
		return nil, apierrors.NewInternalError(err)
	}
	var deleted []runtime.Object
	for _, it := range items {
		m, err := accessor(it)
		if err != nil {
			return nil, err
		}
		ictx := ctx
		if s.Strategy.NamespaceScoped() {
			ictx = rest.WithNamespace(ctx, m.GetNamespace())
		}
		var o *metav1.DeleteOptions
		if opts != nil {
			o = opts.DeepCopyObject().(*metav1.DeleteOptions)
		}
		out, _, err := s.Delete(ictx, m.GetName(), o)
		if err != nil {
			if apierrors.IsNotFound(err) {
				continue
			}
			return nil, err
		}
		if _, isStatus := out.(*metav1.Status); isStatus {
			out = it
		}
		deleted = append(deleted, out)
	}
	result := s.NewListFunc()
	if err := storage.SetListItems(result, deleted); err != nil {
		return nil, apierrors.NewInternalError(err)
	}
	return result, nil
}

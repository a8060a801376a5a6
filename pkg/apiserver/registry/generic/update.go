package generic

import (
	"context"
	"errors"
	"fmt"

	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/util/validation/field"
	"keel.dev/keel/pkg/apiserver/admission"
	"keel.dev/keel/pkg/apiserver/registry/rest"
	"keel.dev/keel/pkg/apiserver/storage"
)

// errDryRunDone carries the result of a dry-run update out of
// GuaranteedUpdate without writing.
type errDryRunDone struct{ obj runtime.Object }

func (e *errDryRunDone) Error() string { return "dry run" }

// Update implements rest.Updater.
func (s *Store) Update(ctx context.Context, name string, objInfo rest.UpdatedObjectInfo, opts *metav1.UpdateOptions) (runtime.Object, bool, error) {
	key, err := s.KeyFor(rest.NamespaceFrom(ctx), name)
	if err != nil {
		return nil, false, err
	}
	dryRun := opts != nil && rest.IsDryRun(opts.DryRun)
	if s.chain() != nil {
		ctx = withDryRun(ctx, dryRun)
	}
	var (
		created bool
		finish  func(bool)
	)
	release := func(ok bool) {
		if finish != nil {
			finish(ok)
			finish = nil
		}
	}
	tryUpdate := func(existing runtime.Object) (runtime.Object, error) {
		release(false)
		em, err := accessor(existing)
		if err != nil {
			return nil, err
		}
		exists := em.GetResourceVersion() != "" || em.GetUID() != ""
		if !exists {
			if !s.Strategy.AllowCreateOnUpdate() {
				return nil, apierrors.NewNotFound(s.Resource, name)
			}
			obj, err := objInfo.UpdatedObject(ctx, nil)
			if err != nil {
				return nil, err
			}
			m, err := accessor(obj)
			if err != nil {
				return nil, apierrors.NewBadRequest(err.Error())
			}
			if m.GetName() != name {
				return nil, apierrors.NewBadRequest(fmt.Sprintf("the name of the object (%s) does not match the name on the URL (%s)", m.GetName(), name))
			}
			if err := s.BeforeCreate(ctx, obj); err != nil {
				return nil, err
			}
			if s.Hooks.BeginCreate != nil {
				if finish, err = s.Hooks.BeginCreate(ctx, obj, dryRun); err != nil {
					return nil, err
				}
			}
			created = true
			if dryRun {
				return nil, &errDryRunDone{obj}
			}
			return obj, nil
		}
		created = false
		obj, err := objInfo.UpdatedObject(ctx, existing.DeepCopyObject())
		if err != nil {
			return nil, err
		}
		if err := s.BeforeUpdate(ctx, name, obj, existing); err != nil {
			return nil, err
		}
		if s.Hooks.BeginUpdate != nil {
			if finish, err = s.Hooks.BeginUpdate(ctx, obj, existing, dryRun); err != nil {
				return nil, err
			}
		}
		if dryRun {
			return nil, &errDryRunDone{obj}
		}
		return obj, nil
	}
	out, err := s.Storage.GuaranteedUpdate(ctx, key, storage.UpdateOptions{IgnoreNotFound: true}, tryUpdate)
	var dr *errDryRunDone
	if errors.As(err, &dr) {
		release(true)
		return dr.obj, created, nil
	}
	if err != nil {
		release(false)
		return nil, false, s.interpret(err, name)
	}
	release(true)
	if !created && s.shouldDeleteAfterUpdate(out) {
		return s.deleteFinalized(ctx, key, name, out)
	}
	return out, created, nil
}

// BeforeUpdate runs the generic update preparation of obj over existing:
// namespace and name checks, optimistic concurrency, immutable system
// fields, mutating admission, strategy preparation, generation, validation,
// validating admission.
func (s *Store) BeforeUpdate(ctx context.Context, name string, obj, existing runtime.Object) error {
	m, err := accessor(obj)
	if err != nil {
		return apierrors.NewBadRequest(err.Error())
	}
	em, err := accessor(existing)
	if err != nil {
		return err
	}
	if err := s.ensureNamespace(ctx, m); err != nil {
		return err
	}
	if !s.Kind.Empty() {
		obj.GetObjectKind().SetGroupVersionKind(s.Kind)
	}
	if m.GetName() == "" {
		m.SetName(name)
	}
	if m.GetName() != name {
		return apierrors.NewBadRequest(fmt.Sprintf("the name of the object (%s) does not match the name on the URL (%s)", m.GetName(), name))
	}
	switch rv := m.GetResourceVersion(); {
	case rv == "" && !s.Strategy.AllowUnconditionalUpdate():
		return apierrors.NewInvalid(s.Kind.GroupKind(), name, field.ErrorList{
			field.Invalid(field.NewPath("metadata", "resourceVersion"), rv, "must be specified for an update")})
	case rv == "":
		// An unconditional update applies to the current version.
		m.SetResourceVersion(em.GetResourceVersion())
	case rv != em.GetResourceVersion():
		return apierrors.NewConflict(s.Resource, name, errors.New(apierrors.OptimisticLockErrorMsg))
	}
	// Kubernetes repairs these system fields instead of rejecting clients
	// that leave them out.
	if m.GetUID() == "" {
		m.SetUID(em.GetUID())
	}
	if ct := em.GetCreationTimestamp(); !ct.IsZero() {
		m.SetCreationTimestamp(ct)
	}
	if em.GetDeletionTimestamp() != nil {
		m.SetDeletionTimestamp(em.GetDeletionTimestamp())
	} else {
		m.SetDeletionTimestamp(nil)
	}
	if em.GetDeletionGracePeriodSeconds() != nil && m.GetDeletionGracePeriodSeconds() == nil {
		m.SetDeletionGracePeriodSeconds(em.GetDeletionGracePeriodSeconds())
	}
	m.SetGeneration(em.GetGeneration())
	var attrs *admission.Attributes
	if s.admits(admission.Update) {
		attrs = s.attributes(ctx, admission.Update, name, m.GetNamespace(), obj, existing, isDryRun(ctx))
		if err := s.admit(ctx, attrs); err != nil {
			return err
		}
	}
	s.Strategy.PrepareForUpdate(ctx, obj, existing)
	var errs field.ErrorList
	if m.GetUID() != em.GetUID() {
		errs = append(errs, field.Invalid(field.NewPath("metadata", "uid"), m.GetUID(), "field is immutable"))
	}
	if em.GetDeletionTimestamp() != nil {
		old := map[string]bool{}
		for _, f := range em.GetFinalizers() {
			old[f] = true
		}
		for _, f := range m.GetFinalizers() {
			if !old[f] {
				errs = append(errs, field.Forbidden(field.NewPath("metadata", "finalizers"),
					fmt.Sprintf("no new finalizers can be added if the object is being deleted, found new finalizers %q", []string{f})))
				break
			}
		}
	}
	if len(errs) == 0 {
		errs = s.Strategy.ValidateUpdate(ctx, obj, existing)
	}
	if len(errs) > 0 {
		return apierrors.NewInvalid(s.Kind.GroupKind(), name, errs)
	}
	if attrs != nil {
		if err := s.validateAdmission(ctx, attrs); err != nil {
			return err
		}
	}
	if em.GetGeneration() > 0 && SpecChanged(obj, existing) {
		m.SetGeneration(em.GetGeneration() + 1)
	}
	s.Strategy.Canonicalize(obj)
	return nil
}

// shouldDeleteAfterUpdate reports whether an update left an object marked
// for deletion with no finalizers and no grace period pending.
func (s *Store) shouldDeleteAfterUpdate(obj runtime.Object) bool {
	m, err := accessor(obj)
	if err != nil || m.GetDeletionTimestamp() == nil || len(m.GetFinalizers()) > 0 {
		return false
	}
	if s.ShouldDeleteDuringUpdate != nil {
		return s.ShouldDeleteDuringUpdate(obj)
	}
	g := m.GetDeletionGracePeriodSeconds()
	return g == nil || *g == 0
}

// deleteFinalized removes an object whose last finalizer was just removed.
func (s *Store) deleteFinalized(ctx context.Context, key, name string, obj runtime.Object) (runtime.Object, bool, error) {
	m, _ := accessor(obj)
	rv := m.GetResourceVersion()
	uid := m.GetUID()
	out, err := s.Storage.Delete(ctx, key, storage.DeleteOptions{
		Preconditions: &storage.Preconditions{UID: &uid, ResourceVersion: &rv}})
	if err != nil {
		if storage.IsNotFound(err) || storage.IsConflict(err) {
			// Someone else deleted or changed it first; the update stands.
			return obj, false, nil
		}
		return nil, false, s.interpret(err, name)
	}
	if s.Hooks.AfterDelete != nil {
		s.Hooks.AfterDelete(ctx, out)
	}
	return out, false, nil
}

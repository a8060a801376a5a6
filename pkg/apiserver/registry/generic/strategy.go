package generic

import (
	"context"
	"reflect"

	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/fields"
	"keel.dev/apimachinery/pkg/labels"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/util/validation/field"
)

// Strategy is what a Store needs to know about one kind.
type Strategy interface {
	// NamespaceScoped reports whether objects live in namespaces.
	NamespaceScoped() bool
	// PrepareForCreate defaults obj and clears what a client may not set.
	PrepareForCreate(ctx context.Context, obj runtime.Object)
	// PrepareForUpdate defaults obj and copies from old what this endpoint
	// may not change (status on the main resource, spec on status).
	PrepareForUpdate(ctx context.Context, obj, old runtime.Object)
	// Validate checks a new object.
	Validate(ctx context.Context, obj runtime.Object) field.ErrorList
	// ValidateUpdate checks an update of old into obj.
	ValidateUpdate(ctx context.Context, obj, old runtime.Object) field.ErrorList
	// Canonicalize normalizes obj after validation.
	Canonicalize(obj runtime.Object)
	// AllowCreateOnUpdate reports whether PUT of a missing object creates it.
	AllowCreateOnUpdate() bool
	// AllowUnconditionalUpdate reports whether PUT without resourceVersion
	// is allowed.
	AllowUnconditionalUpdate() bool
	// GetAttrs returns the labels and the selectable fields of obj.
	GetAttrs(obj runtime.Object) (labels.Set, fields.Set, error)
}

// GracefulDeleteStrategy is implemented by strategies of kinds deleted
// gracefully (pods). CheckGracefulDelete sets opts.GracePeriodSeconds and
// reports whether obj should be marked rather than removed.
type GracefulDeleteStrategy interface {
	CheckGracefulDelete(ctx context.Context, obj runtime.Object, opts *metav1.DeleteOptions) bool
}

// Validator checks an object on create (old == nil) or update.
type Validator func(obj, old runtime.Object) field.ErrorList

// BasicStrategy is a Strategy built from a scheme and optional hooks; the
// registry makes one per resource.
type BasicStrategy struct {
	// Scheme defaults and validates (scheme.Default, scheme.Validate).
	Scheme *runtime.Scheme
	// Namespaced is the resource's scope.
	Namespaced bool
	// SetGeneration starts generation at 1 on create (kinds with a spec
	// whose controllers report observedGeneration).
	SetGeneration bool
	// ResetStatusOnCreate clears the status a client sends on create.
	ResetStatusOnCreate bool
	// KeepStatusOnUpdate copies the stored status over the one sent to the
	// main resource (kinds with a status subresource).
	KeepStatusOnUpdate bool
	// CreateOnUpdate allows PUT to create; UnconditionalUpdate allows PUT
	// without a resourceVersion.
	CreateOnUpdate, UnconditionalUpdate bool
	// OnCreate and OnUpdate run after defaulting and the generic
	// preparation.
	OnCreate func(ctx context.Context, obj runtime.Object)
	OnUpdate func(ctx context.Context, obj, old runtime.Object)
	// ExtraValidate adds kind checks to scheme.Validate.
	ExtraValidate Validator
	// FilterErrors, when set, drops validation errors the registry resolves
	// itself after validation (e.g. ports it allocates).
	FilterErrors func(errs field.ErrorList) field.ErrorList
	// FieldsFunc returns the kind's selectable fields beyond metadata.name
	// and metadata.namespace.
	FieldsFunc func(obj runtime.Object) fields.Set
	// GracefulDelete, when set, makes deletions graceful (see
	// GracefulDeleteStrategy).
	GracefulDelete func(ctx context.Context, obj runtime.Object, opts *metav1.DeleteOptions) bool
}

var _ Strategy = (*BasicStrategy)(nil)

// NamespaceScoped implements Strategy.
func (s *BasicStrategy) NamespaceScoped() bool { return s.Namespaced }

// PrepareForCreate implements Strategy.
func (s *BasicStrategy) PrepareForCreate(ctx context.Context, obj runtime.Object) {
	s.Scheme.Default(obj)
	if s.ResetStatusOnCreate {
		ResetField(obj, "Status")
	}
	if s.SetGeneration {
		if m, ok := obj.(metav1.Object); ok {
			m.SetGeneration(1)
		}
	}
	if s.OnCreate != nil {
		s.OnCreate(ctx, obj)
	}
}

// PrepareForUpdate implements Strategy.
func (s *BasicStrategy) PrepareForUpdate(ctx context.Context, obj, old runtime.Object) {
	s.Scheme.Default(obj)
	if s.KeepStatusOnUpdate {
		CopyField(obj, old, "Status")
	}
	if s.OnUpdate != nil {
		s.OnUpdate(ctx, obj, old)
	}
}

// Validate implements Strategy.
func (s *BasicStrategy) Validate(ctx context.Context, obj runtime.Object) field.ErrorList {
	errs := s.Scheme.Validate(obj, nil)
	if s.ExtraValidate != nil {
		errs = append(errs, s.ExtraValidate(obj, nil)...)
	}
	if s.FilterErrors != nil {
		errs = s.FilterErrors(errs)
	}
	return errs
}

// ValidateUpdate implements Strategy.
func (s *BasicStrategy) ValidateUpdate(ctx context.Context, obj, old runtime.Object) field.ErrorList {
	errs := s.Scheme.Validate(obj, old)
	if s.ExtraValidate != nil {
		errs = append(errs, s.ExtraValidate(obj, old)...)
	}
	if s.FilterErrors != nil {
		errs = s.FilterErrors(errs)
	}
	return errs
}

// Canonicalize implements Strategy.
func (s *BasicStrategy) Canonicalize(obj runtime.Object) {}

// AllowCreateOnUpdate implements Strategy.
func (s *BasicStrategy) AllowCreateOnUpdate() bool { return s.CreateOnUpdate }

// AllowUnconditionalUpdate implements Strategy.
func (s *BasicStrategy) AllowUnconditionalUpdate() bool { return s.UnconditionalUpdate }

// GetAttrs implements Strategy.
func (s *BasicStrategy) GetAttrs(obj runtime.Object) (labels.Set, fields.Set, error) {
	m, err := accessor(obj)
	if err != nil {
		return nil, nil, err
	}
	var fs fields.Set
	if s.FieldsFunc != nil {
		fs = s.FieldsFunc(obj)
	}
	if fs == nil {
		fs = fields.Set{}
	}
	fs["metadata.name"] = m.GetName()
	if s.Namespaced {
		fs["metadata.namespace"] = m.GetNamespace()
	}
	return labels.Set(m.GetLabels()), fs, nil
}

// CheckGracefulDelete implements GracefulDeleteStrategy; without a
// GracefulDelete hook every deletion is immediate.
func (s *BasicStrategy) CheckGracefulDelete(ctx context.Context, obj runtime.Object, opts *metav1.DeleteOptions) bool {
	if s.GracefulDelete == nil {
		return false
	}
	return s.GracefulDelete(ctx, obj, opts)
}

// StatusStrategy wraps the strategy of a resource for its status
// subresource: updates keep the stored spec and the metadata a status write
// may not change, and run the given validation.
type StatusStrategy struct {
	Strategy
	// Scheme defaults the incoming object.
	Scheme *runtime.Scheme
	// KeepFields are copied from the stored object (default: "Spec").
	KeepFields []string
	// ResetMeta applies metav1.ResetObjectMetaForStatus (default true
	// unless SkipResetMeta).
	SkipResetMeta bool
	// OnUpdate runs after the generic preparation.
	OnUpdate func(ctx context.Context, obj, old runtime.Object)
	// ValidateFunc checks the update; nil runs the main ValidateUpdate.
	ValidateFunc Validator
}

// PrepareForUpdate implements Strategy.
func (s *StatusStrategy) PrepareForUpdate(ctx context.Context, obj, old runtime.Object) {
	if s.Scheme != nil {
		s.Scheme.Default(obj)
	}
	keep := s.KeepFields
	if keep == nil {
		keep = []string{"Spec"}
	}
	for _, f := range keep {
		CopyField(obj, old, f)
	}
	if !s.SkipResetMeta {
		nm, err1 := accessor(obj)
		om, err2 := accessor(old)
		if err1 == nil && err2 == nil {
			metav1.ResetObjectMetaForStatus(nm, om)
		}
	}
	if s.OnUpdate != nil {
		s.OnUpdate(ctx, obj, old)
	}
}

// ValidateUpdate implements Strategy.
func (s *StatusStrategy) ValidateUpdate(ctx context.Context, obj, old runtime.Object) field.ErrorList {
	if s.ValidateFunc != nil {
		return s.ValidateFunc(obj, old)
	}
	return s.Strategy.ValidateUpdate(ctx, obj, old)
}

// AllowCreateOnUpdate implements Strategy: subresources never create.
func (s *StatusStrategy) AllowCreateOnUpdate() bool { return false }

// CopyField sets the named top-level struct field of dst to the value it has
// in src (a shallow copy); objects without that field are left alone.
func CopyField(dst, src runtime.Object, name string) {
	d := reflect.ValueOf(dst)
	s := reflect.ValueOf(src)
	if d.Kind() != reflect.Pointer || s.Kind() != reflect.Pointer || d.Type() != s.Type() {
		return
	}
	df := d.Elem().FieldByName(name)
	sf := s.Elem().FieldByName(name)
	if df.IsValid() && df.CanSet() {
		df.Set(sf)
	}
}

// ResetField sets the named top-level struct field of obj to its zero value.
func ResetField(obj runtime.Object, name string) {
	v := reflect.ValueOf(obj)
	if v.Kind() != reflect.Pointer {
		return
	}
	f := v.Elem().FieldByName(name)
	if f.IsValid() && f.CanSet() {
		f.Set(reflect.Zero(f.Type()))
	}
}

// SpecChanged reports whether any top-level field other than TypeMeta,
// ObjectMeta and Status differs between a and b: the rule for bumping
// metadata.generation.
func SpecChanged(a, b runtime.Object) bool {
	av, bv := reflect.ValueOf(a), reflect.ValueOf(b)
	if av.Kind() != reflect.Pointer || bv.Kind() != reflect.Pointer || av.Type() != bv.Type() {
		return true
	}
	av, bv = av.Elem(), bv.Elem()
	t := av.Type()
	for i := 0; i < t.NumField(); i++ {
		switch t.Field(i).Name {
		case "TypeMeta", "ObjectMeta", "Status":
			continue
		}
		if !t.Field(i).IsExported() {
			continue
		}
		if !reflect.DeepEqual(av.Field(i).Interface(), bv.Field(i).Interface()) {
			return true
		}
	}
	return false
}

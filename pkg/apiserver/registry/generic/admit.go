package generic

import (
	"context"

	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/keel/pkg/apiserver/admission"
)

// Defaulter is implemented by strategies that can apply the scheme's
// defaults alone; mutating admission sees objects defaulted, as decoded
// objects are in Kubernetes.
type Defaulter interface {
	Default(obj runtime.Object)
}

// Default implements Defaulter.
func (s *BasicStrategy) Default(obj runtime.Object) { s.Scheme.Default(obj) }

type generatedNameKey struct{}

// withGeneratedName marks ctx as creating an object whose name was just
// generated from prefix.
func withGeneratedName(ctx context.Context, prefix string) context.Context {
	return context.WithValue(ctx, generatedNameKey{}, prefix)
}

// attributes describes a write of obj (old on update and delete) for the
// admission chain.
func (s *Store) attributes(ctx context.Context, op admission.Operation, name, namespace string, obj, old runtime.Object, dryRun bool) *admission.Attributes {
	if op == admission.Create {
		if prefix, ok := ctx.Value(generatedNameKey{}).(string); ok {
			name = prefix
		}
	}
	return &admission.Attributes{Operation: op, Resource: s.Resource, Kind: s.Kind,
		Namespace: namespace, Name: name, Object: obj, OldObject: old, DryRun: dryRun}
}

// admit runs the mutating plugins on obj, defaulting it first.
func (s *Store) admit(ctx context.Context, a *admission.Attributes) error {
	if !s.Admission.Mutates(a.Operation) {
		return nil
	}
	if d, ok := s.Strategy.(Defaulter); ok && a.Object != nil {
		d.Default(a.Object)
	}
	return s.Admission.Admit(ctx, a)
}

// validateAdmission runs the validating plugins.
func (s *Store) validateAdmission(ctx context.Context, a *admission.Attributes) error {
	if !s.Admission.Validates(a.Operation) {
		return nil
	}
	return s.Admission.Validate(ctx, a)
}

type dryRunKey struct{}

// withDryRun marks ctx as serving a dry-run request.
func withDryRun(ctx context.Context, dryRun bool) context.Context {
	if !dryRun {
		return ctx
	}
	return context.WithValue(ctx, dryRunKey{}, true)
}

func isDryRun(ctx context.Context) bool {
	v, _ := ctx.Value(dryRunKey{}).(bool)
	return v
}

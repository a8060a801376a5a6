package generic

import (
	"context"

	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"
	"keel.dev/keel/pkg/apiserver/admission"
	"keel.dev/keel/pkg/apiserver/registry/rest"
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
	return &admission.Attributes{Operation: op, Resource: s.Resource, Kind: s.Kind, Subresource: s.subresource,
		Namespace: namespace, Name: name, Object: obj, OldObject: old, DryRun: dryRun}
}

// chain is the admission chain the store's writes run: its own, or its
// parent's for a subresource view.
func (s *Store) chain() *admission.Chain {
	if s.admissionOf != nil {
		return s.admissionOf.Admission
	}
	return s.Admission
}

// admits reports whether some plugin acts on op writes through s.
func (s *Store) admits(op admission.Operation) bool {
	c := s.chain()
	if s.subresource != "" {
		return c.ActsOnSubresource(s.subresource)
	}
	return c.Mutates(op) || c.Validates(op)
}

// admit runs the mutating plugins on obj, defaulting a main-resource
// object first.
func (s *Store) admit(ctx context.Context, a *admission.Attributes) error {
	c := s.chain()
	if !c.Mutates(a.Operation) {
		return nil
	}
	if d, ok := s.Strategy.(Defaulter); ok && a.Object != nil && a.Subresource == "" {
		d.Default(a.Object)
	}
	return c.Admit(ctx, a)
}

// validateAdmission runs the validating plugins.
func (s *Store) validateAdmission(ctx context.Context, a *admission.Attributes) error {
	c := s.chain()
	if !c.Validates(a.Operation) {
		return nil
	}
	return c.Validate(ctx, a)
}

// AdmitSubresourceCreate runs for a create on a subresource of s whose
// object is not of s's kind (pods/eviction, serviceaccounts/token) what a
// create of s runs: the namespace check (403 in a terminating namespace)
// and the admission chain, mutating then validating, with the
// subresource set. name is the parent object's; kind is obj's.
func (s *Store) AdmitSubresourceCreate(ctx context.Context, subresource, name string, kind schema.GroupVersionKind, obj runtime.Object, dryRun bool) error {
	ns := rest.NamespaceFrom(ctx)
	if s.CheckNamespace != nil && s.Strategy.NamespaceScoped() && ns != "" {
		if err := s.CheckNamespace(ctx, s.Resource, name, ns); err != nil {
			return err
		}
	}
	c := s.chain()
	if !c.ActsOnSubresource(subresource) {
		return nil
	}
	a := &admission.Attributes{Operation: admission.Create, Resource: s.Resource, Kind: kind, Subresource: subresource,
		Namespace: ns, Name: name, Object: obj, DryRun: dryRun}
	ctx = withDryRun(ctx, dryRun)
	if err := c.Admit(ctx, a); err != nil {
		return err
	}
	return c.Validate(ctx, a)
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

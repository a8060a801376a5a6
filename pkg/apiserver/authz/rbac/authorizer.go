package rbac

import (
	"context"
	"fmt"
	"strings"

	rbacv1 "keel.dev/api/rbac/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
	"keel.dev/apimachinery/pkg/runtime/schema"

	"keel.dev/keel/pkg/apiserver/authn"
	"keel.dev/keel/pkg/apiserver/authz"
)

// Source is the policy an Authorizer evaluates. Objects returned are
// shared: callers must not modify them. Methods are safe for concurrent
// use; an error other than a missing role means the policy could not be
// read (for example ctx ended before a cache synced).
type Source interface {
	// ClusterRoleBindings lists every ClusterRoleBinding.
	ClusterRoleBindings(ctx context.Context) ([]*rbacv1.ClusterRoleBinding, error)
	// RoleBindings lists the RoleBindings of namespace.
	RoleBindings(ctx context.Context, namespace string) ([]*rbacv1.RoleBinding, error)
	// ClusterRole returns a ClusterRole, or a NotFound error (RoleNotFound).
	ClusterRole(ctx context.Context, name string) (*rbacv1.ClusterRole, error)
	// Role returns a Role of namespace, or a NotFound error (RoleNotFound).
	Role(ctx context.Context, namespace, name string) (*rbacv1.Role, error)
}

// RoleNotFound is the error of a missing Role ("role") or ClusterRole
// ("clusterrole"), worded as Kubernetes' listers word it:
// `clusterrole.rbac.authorization.k8s.io "x" not found`.
func RoleNotFound(kind, name string) error {
	return apierrors.NewNotFound(schema.GroupResource{Group: rbacv1.GroupName, Resource: kind}, name)
}

// Authorizer is the RBAC authorizer over a Source.
type Authorizer struct {
	src Source
}

var (
	_ authz.Authorizer = (*Authorizer)(nil)
	_ authz.RuleLister = (*Authorizer)(nil)
)

// New returns the RBAC authorizer of src.
func New(src Source) *Authorizer { return &Authorizer{src: src} }

// Authorize implements authz.Authorizer: Allow when a rule bound to the
// user allows a (the reason names the binding, as Kubernetes does), else
// NoOpinion, with the reasons some bindings could not be evaluated.
func (z *Authorizer) Authorize(ctx context.Context, a authz.Attributes) (authz.Decision, string, error) {
	if a.User == nil {
		return authz.DecisionNoOpinion, "", nil
	}
	var errs []error
	reason := ""
	z.visit(ctx, a.User, a.Namespace, func(describe func() string, rules []rbacv1.PolicyRule, err error) bool {
		if err != nil {
			errs = append(errs, err)
			return true
		}
		if RulesAllow(a, rules...) {
			reason = "RBAC: allowed by " + describe()
			return false
		}
		return true
	})
	if reason != "" {
		return authz.DecisionAllow, reason, nil
	}
	if len(errs) > 0 {
		return authz.DecisionNoOpinion, "RBAC: " + aggregate(errs).Error(), nil
	}
	return authz.DecisionNoOpinion, "", nil
}

// RulesFor implements authz.RuleLister: the rules of every role bound to
// user cluster wide and in namespace. Bindings that could not be evaluated
// are reported in the error; the list is not marked incomplete for them,
// as in Kubernetes.
func (z *Authorizer) RulesFor(ctx context.Context, user *authn.UserInfo, namespace string) (authz.Rules, error) {
	var out authz.Rules
	var errs []error
	z.visit(ctx, user, namespace, func(_ func() string, rules []rbacv1.PolicyRule, err error) bool {
		if err != nil {
			errs = append(errs, err)
			return true
		}
		for _, r := range rules {
			if len(r.Resources) > 0 {
				out.Resource = append(out.Resource, authz.ResourceRule{
					Verbs: r.Verbs, APIGroups: r.APIGroups, Resources: r.Resources, ResourceNames: r.ResourceNames,
				})
			}
			if len(r.NonResourceURLs) > 0 {
				out.NonResource = append(out.NonResource, authz.NonResourceRule{Verbs: r.Verbs, NonResourceURLs: r.NonResourceURLs})
			}
		}
		return true
	})
	if len(errs) > 0 {
		return out, aggregate(errs)
	}
	return out, nil
}

// visitor gets the rules of one binding that applies to the user, or the
// error that kept them from being read; describe words the binding. It
// returns false to stop the walk.
type visitor func(describe func() string, rules []rbacv1.PolicyRule, err error) bool

// visit walks the bindings that apply to user: every ClusterRoleBinding,
// then, when namespace is set, the RoleBindings of namespace.
func (z *Authorizer) visit(ctx context.Context, user *authn.UserInfo, namespace string, fn visitor) {
	crbs, err := z.src.ClusterRoleBindings(ctx)
	if err != nil {
		if !fn(nil, nil, err) {
			return
		}
	}
	for _, b := range crbs {
		s, ok := firstApplying(user, b.Subjects, "")
		if !ok {
			continue
		}
		rules, err := z.roleRules(ctx, b.RoleRef, "")
		describe := func() string {
			return fmt.Sprintf("ClusterRoleBinding %q of %s %q to %s", b.Name, b.RoleRef.Kind, b.RoleRef.Name, describeSubject(s, ""))
		}
		if !fn(describe, rules, err) {
			return
		}
	}
	if namespace == "" {
		return
	}
	rbs, err := z.src.RoleBindings(ctx, namespace)
	if err != nil {
		fn(nil, nil, err)
		return
	}
	for _, b := range rbs {
		s, ok := firstApplying(user, b.Subjects, b.Namespace)
		if !ok {
			continue
		}
		rules, err := z.roleRules(ctx, b.RoleRef, b.Namespace)
		describe := func() string {
			return fmt.Sprintf("RoleBinding %q of %s %q to %s", b.Name+"/"+b.Namespace, b.RoleRef.Kind, b.RoleRef.Name, describeSubject(s, b.Namespace))
		}
		if !fn(describe, rules, err) {
			return
		}
	}
}

// roleRules resolves a binding's roleRef: a Role of the binding's
// namespace or a ClusterRole.
func (z *Authorizer) roleRules(ctx context.Context, ref rbacv1.RoleRef, namespace string) ([]rbacv1.PolicyRule, error) {
	switch ref.Kind {
	case "Role":
		r, err := z.src.Role(ctx, namespace, ref.Name)
		if err != nil {
			return nil, err
		}
		return r.Rules, nil
	case "ClusterRole":
		r, err := z.src.ClusterRole(ctx, ref.Name)
		if err != nil {
			return nil, err
		}
		return r.Rules, nil
	}
	return nil, fmt.Errorf("unsupported role reference kind: %q", ref.Kind)
}

// aggregate joins errors as Kubernetes' aggregate error does: one error
// reads as itself, several as "[a, b]", repeated messages once.
func aggregate(errs []error) error {
	var msgs []string
	seen := map[string]bool{}
	for _, e := range errs {
		if m := e.Error(); !seen[m] {
			seen[m] = true
			msgs = append(msgs, m)
		}
	}
	if len(msgs) == 1 {
		return errs[0]
	}
	return aggregated{msg: "[" + strings.Join(msgs, ", ") + "]", errs: errs}
}

// aggregated is several errors as one.
type aggregated struct {
	msg  string
	errs []error
}

// Error implements error.
func (a aggregated) Error() string { return a.msg }

// Unwrap lets errors.Is and errors.As see every error.
func (a aggregated) Unwrap() []error { return a.errs }

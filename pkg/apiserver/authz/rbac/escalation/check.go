package escalation

import (
	"context"
	"errors"
	"fmt"

	rbacv1 "keel.dev/api/rbac/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"

	"keel.dev/keel/pkg/apiserver/authn"
	"keel.dev/keel/pkg/apiserver/authz"
	"keel.dev/keel/pkg/apiserver/request"
)

// The RBAC resources the checks guard.
var (
	rolesGR               = schema.GroupResource{Group: rbacv1.GroupName, Resource: "roles"}
	clusterRolesGR        = schema.GroupResource{Group: rbacv1.GroupName, Resource: "clusterroles"}
	roleBindingsGR        = schema.GroupResource{Group: rbacv1.GroupName, Resource: "rolebindings"}
	clusterRoleBindingsGR = schema.GroupResource{Group: rbacv1.GroupName, Resource: "clusterrolebindings"}
)

// everything is what a user must hold to write an aggregationRule without
// escalate: every verb on every resource and every path.
var everything = []rbacv1.PolicyRule{
	{Verbs: []string{rbacv1.VerbAll}, APIGroups: []string{rbacv1.APIGroupAll}, Resources: []string{rbacv1.ResourceAll}},
	{Verbs: []string{rbacv1.VerbAll}, NonResourceURLs: []string{rbacv1.NonResourceAll}},
}

// RoleResolver returns the rules of the role a binding refers to, or the
// API error of reading it (a 404 for a missing role). Called once per
// checked binding write; safe for concurrent use.
type RoleResolver interface {
	RoleRules(ctx context.Context, ref rbacv1.RoleRef, namespace string) ([]rbacv1.PolicyRule, error)
}

// Checker decides whether the user of a request may write an RBAC object.
// It is safe for concurrent use.
type Checker struct {
	// Authorizer answers whether the user may bind a role or escalate
	// roles (the server's whole authorizer chain).
	Authorizer authz.Authorizer
	// Rules lists what a user holds (the RBAC authorizer).
	Rules authz.RuleLister
	// Roles resolves bindings' roleRefs.
	Roles RoleResolver
}

// Check answers nil when the request's user may write obj (a Role,
// ClusterRole, RoleBinding or ClusterRoleBinding) over old (nil on
// create), else the 403 (or the error of resolving a binding's role). obj
// is validated and carries its final namespace.
func (c *Checker) Check(ctx context.Context, obj, old runtime.Object) error {
	u, _ := authn.UserFrom(ctx)
	if u.InGroup(authn.SystemMasters) {
		return nil
	}
	if old != nil && onlyGCFieldsChange(obj, old) {
		return nil
	}
	switch o := obj.(type) {
	case *rbacv1.Role:
		if c.mayEscalate(ctx, u, rolesGR) {
			return nil
		}
		return c.confirm(ctx, u, rolesGR, o.Name, o.Namespace, o.Rules)
	case *rbacv1.ClusterRole:
		if c.mayEscalate(ctx, u, clusterRolesGR) {
			return nil
		}
		if err := c.confirm(ctx, u, clusterRolesGR, o.Name, "", o.Rules); err != nil {
			return err
		}
		was, _ := old.(*rbacv1.ClusterRole)
		if aggregates(o) || aggregates(was) {
			if err := c.confirm(ctx, u, clusterRolesGR, o.Name, "", everything); err != nil {
				return apierrors.NewForbidden(clusterRolesGR, o.Name, errors.New("must have cluster-admin privileges to use the aggregationRule"))
			}
		}
		return nil
	case *rbacv1.RoleBinding:
		return c.binding(ctx, u, roleBindingsGR, o.Name, o.Namespace, o.RoleRef)
	case *rbacv1.ClusterRoleBinding:
		return c.binding(ctx, u, clusterRoleBindingsGR, o.Name, "", o.RoleRef)
	}
	return fmt.Errorf("escalation check: unexpected object %T", obj)
}

func aggregates(r *rbacv1.ClusterRole) bool {
	return r != nil && r.AggregationRule != nil && len(r.AggregationRule.ClusterRoleSelectors) > 0
}

// binding allows a binding the user may bind, or whose role's rules the
// user holds in the binding's namespace ("" cluster wide).
func (c *Checker) binding(ctx context.Context, u *authn.UserInfo, gr schema.GroupResource, name, namespace string, ref rbacv1.RoleRef) error {
	if c.mayBind(ctx, u, namespace, ref) {
		return nil
	}
	rules, err := c.Roles.RoleRules(ctx, ref, namespace)
	if err != nil {
		return err
	}
	return c.confirm(ctx, u, gr, name, namespace, rules)
}

// mayEscalate asks the authorizer for verb escalate on the role resource
// the request writes, as Kubernetes does: with the request's namespace and
// name (none on create), so only a request for that resource qualifies.
func (c *Checker) mayEscalate(ctx context.Context, u *authn.UserInfo, gr schema.GroupResource) bool {
	if u == nil || c.Authorizer == nil {
		return false
	}
	info, ok := request.InfoFrom(ctx)
	if !ok || !info.IsResourceRequest || info.APIGroup != gr.Group || info.Resource != gr.Resource {
		return false
	}
	return c.allowed(ctx, authz.Attributes{User: u, Verb: "escalate", ResourceRequest: true,
		APIGroup: info.APIGroup, APIVersion: "*", Resource: info.Resource, Namespace: info.Namespace, Name: info.Name})
}

// mayBind asks the authorizer for verb bind on the referenced role, in the
// binding's namespace.
func (c *Checker) mayBind(ctx context.Context, u *authn.UserInfo, namespace string, ref rbacv1.RoleRef) bool {
	if u == nil || c.Authorizer == nil {
		return false
	}
	a := authz.Attributes{User: u, Verb: "bind", ResourceRequest: true, Namespace: namespace, APIGroup: ref.APIGroup, Name: ref.Name}
	switch ref.Kind {
	case "Role":
		a.Resource = rolesGR.Resource
	case "ClusterRole":
		a.Resource = clusterRolesGR.Resource
	default:
		return false
	}
	return c.allowed(ctx, a)
}

func (c *Checker) allowed(ctx context.Context, a authz.Attributes) bool {
	d, _, err := c.Authorizer.Authorize(ctx, a)
	return err == nil && d == authz.DecisionAllow
}

// confirm answers nil when u holds every permission of rules in namespace
// (cluster-wide bindings count everywhere), else the 403 naming what is
// missing. Bindings of u that could not be resolved do not stop the check;
// they are appended to the message.
func (c *Checker) confirm(ctx context.Context, u *authn.UserInfo, gr schema.GroupResource, name, namespace string, rules []rbacv1.PolicyRule) error {
	if u == nil {
		return apierrors.NewForbidden(gr, name, errors.New("no user on context"))
	}
	held, rerr := c.Rules.RulesFor(ctx, u, namespace)
	ok, missing := Covers(policyRules(held), rules)
	if ok {
		return nil
	}
	msg := fmt.Sprintf("user %q (groups=%q) is attempting to grant RBAC permissions not currently held:\n%s",
		u.Name, u.Groups, describeMissing(missing))
	if rerr != nil {
		msg += fmt.Sprintf("; resolution errors: %v", []error{rerr})
	}
	return apierrors.NewForbidden(gr, name, errors.New(msg))
}

// policyRules turns a user's listed rules back into policy rules.
func policyRules(r authz.Rules) []rbacv1.PolicyRule {
	out := make([]rbacv1.PolicyRule, 0, len(r.Resource)+len(r.NonResource))
	for _, x := range r.Resource {
		out = append(out, rbacv1.PolicyRule{Verbs: x.Verbs, APIGroups: x.APIGroups, Resources: x.Resources, ResourceNames: x.ResourceNames})
	}
	for _, x := range r.NonResource {
		out = append(out, rbacv1.PolicyRule{Verbs: x.Verbs, NonResourceURLs: x.NonResourceURLs})
	}
	return out
}

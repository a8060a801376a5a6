package escalation

import (
	"context"
	"fmt"

	rbacv1 "keel.dev/api/rbac/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"

	"keel.dev/keel/pkg/apiserver/authz"
	"keel.dev/keel/pkg/apiserver/registry/generic"
	"keel.dev/keel/pkg/apiserver/registry/rest"
)

// Stores finds the generic store of a resource (registry.Storages
// implements it).
type Stores interface {
	Store(gr schema.GroupResource) (*generic.Store, bool)
}

// Install puts the escalation checks in the create and update hooks of the
// four RBAC stores, ahead of any hooks already there: z answers bind and
// escalate, rules lists what users hold. Call it once, before the stores
// serve requests.
func Install(st Stores, z authz.Authorizer, rules authz.RuleLister) error {
	var stores [4]*generic.Store
	for i, gr := range []schema.GroupResource{rolesGR, clusterRolesGR, roleBindingsGR, clusterRoleBindingsGR} {
		s, ok := st.Store(gr)
		if !ok {
			return fmt.Errorf("escalation checks: no storage for %s", gr)
		}
		stores[i] = s
	}
	c := &Checker{Authorizer: z, Rules: rules, Roles: storeResolver{roles: stores[0], clusterRoles: stores[1]}}
	for _, s := range stores {
		guard(s, c)
	}
	return nil
}

// guard makes s's create and update hooks run c.Check first.
func guard(s *generic.Store, c *Checker) {
	create, update := s.Hooks.BeginCreate, s.Hooks.BeginUpdate
	s.Hooks.BeginCreate = func(ctx context.Context, obj runtime.Object, dryRun bool) (func(bool), error) {
		if err := c.Check(ctx, obj, nil); err != nil {
			return nil, err
		}
		if create != nil {
			return create(ctx, obj, dryRun)
		}
		return nil, nil
	}
	s.Hooks.BeginUpdate = func(ctx context.Context, obj, old runtime.Object, dryRun bool) (func(bool), error) {
		if err := c.Check(ctx, obj, old); err != nil {
			return nil, err
		}
		if update != nil {
			return update(ctx, obj, old, dryRun)
		}
		return nil, nil
	}
}

// storeResolver reads referenced roles from the apiserver's stores, so a
// missing one is the store's 404
// (`clusterroles.rbac.authorization.k8s.io "x" not found`).
type storeResolver struct {
	roles, clusterRoles rest.Getter
}

// RoleRules implements RoleResolver.
func (r storeResolver) RoleRules(ctx context.Context, ref rbacv1.RoleRef, namespace string) ([]rbacv1.PolicyRule, error) {
	switch ref.Kind {
	case "Role":
		obj, err := r.roles.Get(rest.WithNamespace(ctx, namespace), ref.Name, &metav1.GetOptions{})
		if err != nil {
			return nil, err
		}
		role, ok := obj.(*rbacv1.Role)
		if !ok {
			return nil, fmt.Errorf("role %s/%s: unexpected object %T", namespace, ref.Name, obj)
		}
		return role.Rules, nil
	case "ClusterRole":
		obj, err := r.clusterRoles.Get(ctx, ref.Name, &metav1.GetOptions{})
		if err != nil {
			return nil, err
		}
		role, ok := obj.(*rbacv1.ClusterRole)
		if !ok {
			return nil, fmt.Errorf("clusterrole %s: unexpected object %T", ref.Name, obj)
		}
		return role.Rules, nil
	}
	return nil, fmt.Errorf("unsupported role reference kind: %q", ref.Kind)
}

package escalation

import (
	"context"
	"reflect"
	"testing"

	rbacv1 "keel.dev/api/rbac/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"

	"keel.dev/keel/pkg/apiserver/registry/generic"
	"keel.dev/keel/pkg/apiserver/registry/rest"
)

func TestGuardRunsTheCheckBeforeExistingHooks(t *testing.T) {
	var calls []string
	s := &generic.Store{Hooks: generic.Hooks{
		BeginCreate: func(context.Context, runtime.Object, bool) (func(bool), error) {
			calls = append(calls, "create")
			return func(bool) {}, nil
		},
		BeginUpdate: func(context.Context, runtime.Object, runtime.Object, bool) (func(bool), error) {
			calls = append(calls, "update")
			return nil, nil
		},
	}}
	chk := &Checker{Authorizer: &allowOnly{}, Rules: &fakeRules{byNS: map[string][]rbacv1.PolicyRule{"": {podsR}}}, Roles: fakeRoles{}}
	guard(s, chk)
	cases := []struct {
		name      string
		call      func() (func(bool), error)
		wantErr   bool
		wantCalls []string
	}{
		{"a held role reaches the create hook", func() (func(bool), error) {
			return s.Hooks.BeginCreate(reqCtx(bob, "roles", "ns", ""), role("ns", "r", podsR), true)
		}, false, []string{"create"}},
		{"an escalating role stops before it", func() (func(bool), error) {
			return s.Hooks.BeginCreate(reqCtx(bob, "roles", "ns", ""), role("ns", "r", podsRW), false)
		}, true, nil},
		{"a held update reaches the update hook", func() (func(bool), error) {
			return s.Hooks.BeginUpdate(reqCtx(bob, "roles", "ns", "r"), role("ns", "r", podsR), role("ns", "r"), false)
		}, false, []string{"update"}},
		{"an escalating update stops before it", func() (func(bool), error) {
			return s.Hooks.BeginUpdate(reqCtx(bob, "roles", "ns", "r"), role("ns", "r", podsRW), role("ns", "r"), true)
		}, true, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			calls = nil
			_, err := c.call()
			if (err != nil) != c.wantErr || (err != nil && !apierrors.IsForbidden(err)) {
				t.Errorf("err = %v, want error %v (a 403)", err, c.wantErr)
			}
			if !reflect.DeepEqual(calls, c.wantCalls) {
				t.Errorf("hooks called %v, want %v", calls, c.wantCalls)
			}
		})
	}
}

// getter serves fixed objects by "namespace/name" ("name" when cluster
// scoped, as a store of a cluster-scoped resource ignores the namespace)
// and records the keys.
type getter struct {
	objs          map[string]runtime.Object
	clusterScoped bool
	asked         []string
}

func (g *getter) New() runtime.Object { return nil }

func (g *getter) Get(ctx context.Context, name string, _ *metav1.GetOptions) (runtime.Object, error) {
	key := name
	if !g.clusterScoped {
		key = rest.NamespaceFrom(ctx) + "/" + name
	}
	g.asked = append(g.asked, key)
	if o, ok := g.objs[key]; ok {
		return o, nil
	}
	return nil, apierrors.NewNotFound(clusterRolesGR, name)
}

func TestStoreResolver(t *testing.T) {
	roles := &getter{objs: map[string]runtime.Object{"team/r": role("team", "r", podsRW)}}
	clusterRoles := &getter{objs: map[string]runtime.Object{"view": clusterRole("view", false, podsR)}, clusterScoped: true}
	r := storeResolver{roles: roles, clusterRoles: clusterRoles}
	ctx := rest.WithNamespace(context.Background(), "elsewhere")
	cases := []struct {
		name    string
		ref     rbacv1.RoleRef
		ns      string
		want    []rbacv1.PolicyRule
		wantErr bool
	}{
		{"a Role is read in the binding's namespace", rbacv1.RoleRef{Kind: "Role", Name: "r"}, "team", []rbacv1.PolicyRule{podsRW}, false},
		{"a ClusterRole is read cluster wide", rbacv1.RoleRef{Kind: "ClusterRole", Name: "view"}, "team", []rbacv1.PolicyRule{podsR}, false},
		{"a missing role is the store's error", rbacv1.RoleRef{Kind: "Role", Name: "r"}, "other", nil, true},
		{"another kind is an error", rbacv1.RoleRef{Kind: "Group", Name: "r"}, "team", nil, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := r.RoleRules(ctx, c.ref, c.ns)
			if (err != nil) != c.wantErr || !reflect.DeepEqual(got, c.want) {
				t.Errorf("RoleRules = %v, %v; want %v (error %v)", got, err, c.want, c.wantErr)
			}
		})
	}
	if want := []string{"team/r", "other/r"}; !reflect.DeepEqual(roles.asked, want) {
		t.Errorf("roles read %v, want %v", roles.asked, want)
	}
	if want := []string{"view"}; !reflect.DeepEqual(clusterRoles.asked, want) {
		t.Errorf("clusterroles read %v, want %v", clusterRoles.asked, want)
	}
}

package rbac

import (
	"context"
	"errors"
	"reflect"
	"testing"

	rbacv1 "keel.dev/api/rbac/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"

	"keel.dev/keel/pkg/apiserver/authn"
	"keel.dev/keel/pkg/apiserver/authz"
)

// policy is a fake Source over fixed objects.
type policy struct {
	crbs         []*rbacv1.ClusterRoleBinding
	rbs          []*rbacv1.RoleBinding
	roles        []*rbacv1.Role
	clusterRoles []*rbacv1.ClusterRole
	listErr      error
}

func (p *policy) ClusterRoleBindings(context.Context) ([]*rbacv1.ClusterRoleBinding, error) {
	if p.listErr != nil {
		return nil, p.listErr
	}
	return p.crbs, nil
}

func (p *policy) RoleBindings(_ context.Context, ns string) ([]*rbacv1.RoleBinding, error) {
	var out []*rbacv1.RoleBinding
	for _, b := range p.rbs {
		if b.Namespace == ns {
			out = append(out, b)
		}
	}
	return out, nil
}

func (p *policy) ClusterRole(_ context.Context, name string) (*rbacv1.ClusterRole, error) {
	for _, r := range p.clusterRoles {
		if r.Name == name {
			return r, nil
		}
	}
	return nil, RoleNotFound("clusterrole", name)
}

func (p *policy) Role(_ context.Context, ns, name string) (*rbacv1.Role, error) {
	for _, r := range p.roles {
		if r.Namespace == ns && r.Name == name {
			return r, nil
		}
	}
	return nil, RoleNotFound("role", name)
}

func meta(ns, name string) metav1.ObjectMeta { return metav1.ObjectMeta{Namespace: ns, Name: name} }

func crb(name, role string, subjects ...rbacv1.Subject) *rbacv1.ClusterRoleBinding {
	return &rbacv1.ClusterRoleBinding{ObjectMeta: meta("", name), RoleRef: rbacv1.RoleRef{Kind: "ClusterRole", Name: role}, Subjects: subjects}
}

func rb(ns, name, kind, role string, subjects ...rbacv1.Subject) *rbacv1.RoleBinding {
	return &rbacv1.RoleBinding{ObjectMeta: meta(ns, name), RoleRef: rbacv1.RoleRef{Kind: kind, Name: role}, Subjects: subjects}
}

func testPolicy() *policy {
	read := []string{"get", "list", "watch"}
	return &policy{
		clusterRoles: []*rbacv1.ClusterRole{
			{ObjectMeta: meta("", "view"), Rules: []rbacv1.PolicyRule{{Verbs: read, APIGroups: []string{""}, Resources: []string{"pods"}}}},
			{ObjectMeta: meta("", "discovery"), Rules: []rbacv1.PolicyRule{{Verbs: []string{"get"}, NonResourceURLs: []string{"/api", "/api/*"}}}},
			{ObjectMeta: meta("", "node-reader"), Rules: []rbacv1.PolicyRule{{Verbs: read, APIGroups: []string{""}, Resources: []string{"nodes"}}}},
		},
		roles: []*rbacv1.Role{
			{ObjectMeta: meta("team", "secret-reader"), Rules: []rbacv1.PolicyRule{{Verbs: []string{"get"}, APIGroups: []string{""}, Resources: []string{"secrets"}}}},
		},
		crbs: []*rbacv1.ClusterRoleBinding{
			crb("discovery", "discovery", rbacv1.Subject{Kind: "Group", Name: "system:authenticated"}),
			crb("ops-nodes", "node-reader", rbacv1.Subject{Kind: "Group", Name: "ops"}),
		},
		rbs: []*rbacv1.RoleBinding{
			rb("team", "bob-view", "ClusterRole", "view", rbacv1.Subject{Kind: "User", Name: "bob"}),
			rb("team", "builder-secrets", "Role", "secret-reader", rbacv1.Subject{Kind: "ServiceAccount", Name: "builder"}),
		},
	}
}

func TestAuthorize(t *testing.T) {
	bob := &authn.UserInfo{Name: "bob", Groups: []string{"system:authenticated"}}
	ops := &authn.UserInfo{Name: "olga", Groups: []string{"ops", "system:authenticated"}}
	builder := &authn.UserInfo{Name: "system:serviceaccount:team:builder", Groups: []string{"system:authenticated"}}
	at := func(u *authn.UserInfo, a authz.Attributes) authz.Attributes { a.User = u; return a }
	inNS := func(ns string, a authz.Attributes) authz.Attributes { a.Namespace = ns; return a }
	cases := []struct {
		name   string
		p      *policy
		a      authz.Attributes
		want   authz.Decision
		reason string
	}{
		{"a RoleBinding allows in its namespace", testPolicy(), at(bob, inNS("team", res("list", "", "pods", "", ""))),
			authz.DecisionAllow, `RBAC: allowed by RoleBinding "bob-view/team" of ClusterRole "view" to User "bob"`},
		{"a RoleBinding does not allow in another namespace", testPolicy(), at(bob, inNS("default", res("list", "", "pods", "", ""))), authz.DecisionNoOpinion, ""},
		{"a RoleBinding does not allow cluster wide", testPolicy(), at(bob, inNS("", res("list", "", "pods", "", ""))), authz.DecisionNoOpinion, ""},
		{"a verb the role lacks has no opinion and no reason", testPolicy(), at(bob, inNS("team", res("create", "", "pods", "", ""))), authz.DecisionNoOpinion, ""},
		{"a ClusterRoleBinding allows a group everywhere", testPolicy(), at(ops, inNS("", res("get", "", "nodes", "", "n1"))),
			authz.DecisionAllow, `RBAC: allowed by ClusterRoleBinding "ops-nodes" of ClusterRole "node-reader" to Group "ops"`},
		{"a non-resource path through a group binding", testPolicy(), at(bob, path("get", "/api/v1")),
			authz.DecisionAllow, `RBAC: allowed by ClusterRoleBinding "discovery" of ClusterRole "discovery" to Group "system:authenticated"`},
		{"a Role of the binding's namespace for a service account", testPolicy(), at(builder, inNS("team", res("get", "", "secrets", "", "s"))),
			authz.DecisionAllow, `RBAC: allowed by RoleBinding "builder-secrets/team" of Role "secret-reader" to ServiceAccount "builder/team"`},
		{"no user has no opinion", testPolicy(), inNS("team", res("list", "", "pods", "", "")), authz.DecisionNoOpinion, ""},
		{"a binding to a missing role is the reason", func() *policy {
			p := testPolicy()
			p.rbs = append(p.rbs, rb("team", "bob-gone", "ClusterRole", "gone", rbacv1.Subject{Kind: "User", Name: "bob"}))
			return p
		}(), at(bob, inNS("team", res("delete", "", "pods", "", "p"))),
			authz.DecisionNoOpinion, `RBAC: clusterrole.rbac.authorization.k8s.io "gone" not found`},
		{"several missing roles are listed once each", func() *policy {
			p := testPolicy()
			p.rbs = append(p.rbs, rb("team", "a", "Role", "gone", rbacv1.Subject{Kind: "User", Name: "bob"}),
				rb("team", "b", "Role", "gone", rbacv1.Subject{Kind: "User", Name: "bob"}),
				rb("team", "c", "Kind", "x", rbacv1.Subject{Kind: "User", Name: "bob"}))
			return p
		}(), at(bob, inNS("team", res("delete", "", "pods", "", "p"))),
			authz.DecisionNoOpinion, `RBAC: [role.rbac.authorization.k8s.io "gone" not found, unsupported role reference kind: "Kind"]`},
		{"a missing role does not keep another binding from allowing", func() *policy {
			p := testPolicy()
			p.crbs = append([]*rbacv1.ClusterRoleBinding{crb("gone", "gone", rbacv1.Subject{Kind: "User", Name: "bob"})}, p.crbs...)
			return p
		}(), at(bob, inNS("team", res("get", "", "pods", "", "p"))),
			authz.DecisionAllow, `RBAC: allowed by RoleBinding "bob-view/team" of ClusterRole "view" to User "bob"`},
		{"an unreadable policy is the reason", func() *policy {
			p := testPolicy()
			p.listErr = errors.New("policy cache not synced")
			return p
		}(), at(ops, inNS("", res("get", "", "nodes", "", "n1"))), authz.DecisionNoOpinion, "RBAC: policy cache not synced"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d, reason, err := New(c.p).Authorize(context.Background(), c.a)
			if err != nil {
				t.Fatal(err)
			}
			if d != c.want || reason != c.reason {
				t.Errorf("got %v %q\nwant %v %q", d, reason, c.want, c.reason)
			}
		})
	}
}

func TestRulesFor(t *testing.T) {
	bob := &authn.UserInfo{Name: "bob", Groups: []string{"system:authenticated"}}
	discovery := authz.NonResourceRule{Verbs: []string{"get"}, NonResourceURLs: []string{"/api", "/api/*"}}
	pods := authz.ResourceRule{Verbs: []string{"get", "list", "watch"}, APIGroups: []string{""}, Resources: []string{"pods"}}
	t.Run("the rules of the namespace and the cluster", func(t *testing.T) {
		got, err := New(testPolicy()).RulesFor(context.Background(), bob, "team")
		want := authz.Rules{Resource: []authz.ResourceRule{pods}, NonResource: []authz.NonResourceRule{discovery}}
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("rules = %+v, %v\nwant %+v", got, err, want)
		}
	})
	t.Run("another namespace has only the cluster rules", func(t *testing.T) {
		got, err := New(testPolicy()).RulesFor(context.Background(), bob, "default")
		want := authz.Rules{NonResource: []authz.NonResourceRule{discovery}}
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("rules = %+v, %v\nwant %+v", got, err, want)
		}
	})
	t.Run("a missing role is reported with the rules that were found", func(t *testing.T) {
		p := testPolicy()
		p.rbs = append(p.rbs, rb("team", "bob-gone", "Role", "gone", rbacv1.Subject{Kind: "User", Name: "bob"}))
		got, err := New(p).RulesFor(context.Background(), bob, "team")
		if err == nil || err.Error() != `role.rbac.authorization.k8s.io "gone" not found` || len(got.Resource) != 1 || got.Incomplete {
			t.Errorf("rules = %+v, err %v", got, err)
		}
	})
}

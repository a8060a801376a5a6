package rbac

import (
	"testing"

	rbacv1 "keel.dev/api/rbac/v1"

	"keel.dev/keel/pkg/apiserver/authn"
	"keel.dev/keel/pkg/apiserver/authz"
)

func res(verb, group, resource, sub, name string) authz.Attributes {
	return authz.Attributes{Verb: verb, ResourceRequest: true, APIGroup: group, Resource: resource, Subresource: sub, Name: name, Namespace: "ns"}
}

func path(verb, p string) authz.Attributes { return authz.Attributes{Verb: verb, Path: p} }

func TestRuleAllows(t *testing.T) {
	pods := rbacv1.PolicyRule{Verbs: []string{"get", "list"}, APIGroups: []string{""}, Resources: []string{"pods"}}
	cases := []struct {
		name string
		rule rbacv1.PolicyRule
		a    authz.Attributes
		want bool
	}{
		{"a listed verb on a listed resource", pods, res("list", "", "pods", "", ""), true},
		{"another verb", pods, res("delete", "", "pods", "", "p"), false},
		{"another group", pods, res("get", "apps", "pods", "", "p"), false},
		{"another resource", pods, res("get", "", "secrets", "", "s"), false},
		{"a plain resource rule does not cover its subresources", pods, res("get", "", "pods", "log", "p"), false},
		{"the wildcard verb", rbacv1.PolicyRule{Verbs: []string{"*"}, APIGroups: []string{""}, Resources: []string{"pods"}}, res("deletecollection", "", "pods", "", ""), true},
		{"the wildcard group", rbacv1.PolicyRule{Verbs: []string{"get"}, APIGroups: []string{"*"}, Resources: []string{"deployments"}}, res("get", "apps", "deployments", "", "d"), true},
		{"the wildcard resource covers subresources", rbacv1.PolicyRule{Verbs: []string{"get"}, APIGroups: []string{""}, Resources: []string{"*"}}, res("get", "", "pods", "log", "p"), true},
		{"an exact subresource", rbacv1.PolicyRule{Verbs: []string{"get"}, APIGroups: []string{""}, Resources: []string{"pods/log"}}, res("get", "", "pods", "log", "p"), true},
		{"a subresource rule does not cover its resource", rbacv1.PolicyRule{Verbs: []string{"get"}, APIGroups: []string{""}, Resources: []string{"pods/log"}}, res("get", "", "pods", "", "p"), false},
		{"*/scale covers any resource's scale", rbacv1.PolicyRule{Verbs: []string{"update"}, APIGroups: []string{"apps"}, Resources: []string{"*/scale"}}, res("update", "apps", "deployments", "scale", "d"), true},
		{"*/scale does not cover another subresource", rbacv1.PolicyRule{Verbs: []string{"update"}, APIGroups: []string{"apps"}, Resources: []string{"*/scale"}}, res("update", "apps", "deployments", "status", "d"), false},
		{"*/scale does not cover the resource itself", rbacv1.PolicyRule{Verbs: []string{"update"}, APIGroups: []string{"apps"}, Resources: []string{"*/scale"}}, res("update", "apps", "deployments", "", "d"), false},
		{"a named object", rbacv1.PolicyRule{Verbs: []string{"get"}, APIGroups: []string{""}, Resources: []string{"configmaps"}, ResourceNames: []string{"a"}}, res("get", "", "configmaps", "", "a"), true},
		{"an object not named", rbacv1.PolicyRule{Verbs: []string{"get"}, APIGroups: []string{""}, Resources: []string{"configmaps"}, ResourceNames: []string{"a"}}, res("get", "", "configmaps", "", "b"), false},
		{"resourceNames never allow list", rbacv1.PolicyRule{Verbs: []string{"list"}, APIGroups: []string{""}, Resources: []string{"configmaps"}, ResourceNames: []string{"a"}}, res("list", "", "configmaps", "", ""), false},
		{"resourceNames never allow create", rbacv1.PolicyRule{Verbs: []string{"create"}, APIGroups: []string{""}, Resources: []string{"configmaps"}, ResourceNames: []string{"a"}}, res("create", "", "configmaps", "", ""), false},
		{"a resource rule never allows a path", pods, path("get", "/api"), false},
		{"an exact path", rbacv1.PolicyRule{Verbs: []string{"get"}, NonResourceURLs: []string{"/healthz"}}, path("get", "/healthz"), true},
		{"a path needs the verb", rbacv1.PolicyRule{Verbs: []string{"get"}, NonResourceURLs: []string{"/healthz"}}, path("post", "/healthz"), false},
		{"a trailing star is a prefix", rbacv1.PolicyRule{Verbs: []string{"get"}, NonResourceURLs: []string{"/apis/*"}}, path("get", "/apis/apps/v1"), true},
		{"a prefix does not match its parent", rbacv1.PolicyRule{Verbs: []string{"get"}, NonResourceURLs: []string{"/apis/*"}}, path("get", "/apis"), false},
		{"the star path matches every path", rbacv1.PolicyRule{Verbs: []string{"*"}, NonResourceURLs: []string{"*"}}, path("delete", "/anything"), true},
		{"a path rule never allows a resource", rbacv1.PolicyRule{Verbs: []string{"*"}, NonResourceURLs: []string{"*"}}, res("get", "", "pods", "", "p"), false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := RuleAllows(c.a, &c.rule); got != c.want {
				t.Errorf("RuleAllows = %v, want %v", got, c.want)
			}
		})
	}
}

func TestSubjectApplies(t *testing.T) {
	bob := &authn.UserInfo{Name: "bob", Groups: []string{"dev", "system:authenticated"}}
	sa := &authn.UserInfo{Name: "system:serviceaccount:team:builder", Groups: []string{"system:serviceaccounts"}}
	cases := []struct {
		name      string
		user      *authn.UserInfo
		s         rbacv1.Subject
		bindingNS string
		want      bool
	}{
		{"a user by name", bob, rbacv1.Subject{Kind: "User", Name: "bob"}, "", true},
		{"another user", bob, rbacv1.Subject{Kind: "User", Name: "alice"}, "", false},
		{"a group the user is in", bob, rbacv1.Subject{Kind: "Group", Name: "dev"}, "", true},
		{"an implicit group", bob, rbacv1.Subject{Kind: "Group", Name: "system:authenticated"}, "", true},
		{"a group the user is not in", bob, rbacv1.Subject{Kind: "Group", Name: "ops"}, "", false},
		{"a user subject does not match a group name", bob, rbacv1.Subject{Kind: "User", Name: "dev"}, "", false},
		{"a service account with its namespace", sa, rbacv1.Subject{Kind: "ServiceAccount", Namespace: "team", Name: "builder"}, "", true},
		{"a service account of another namespace", sa, rbacv1.Subject{Kind: "ServiceAccount", Namespace: "other", Name: "builder"}, "", false},
		{"a service account without a namespace in a RoleBinding is the binding's", sa, rbacv1.Subject{Kind: "ServiceAccount", Name: "builder"}, "team", true},
		{"a service account without a namespace in a ClusterRoleBinding never matches", sa, rbacv1.Subject{Kind: "ServiceAccount", Name: "builder"}, "", false},
		{"an unknown kind", bob, rbacv1.Subject{Kind: "Robot", Name: "bob"}, "", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := subjectApplies(c.user, &c.s, c.bindingNS); got != c.want {
				t.Errorf("subjectApplies = %v, want %v", got, c.want)
			}
		})
	}
}

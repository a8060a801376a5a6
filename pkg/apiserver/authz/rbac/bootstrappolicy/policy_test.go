package bootstrappolicy

import (
	"reflect"
	"testing"

	rbacv1 "keel.dev/api/rbac/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"

	"keel.dev/keel/pkg/apiserver/authz"
	"keel.dev/keel/pkg/apiserver/authz/rbac"
)

func TestPolicyIsConsistent(t *testing.T) {
	roles := map[string]rbacv1.ClusterRole{}
	for _, r := range ClusterRoles() {
		if _, dup := roles[r.Name]; dup {
			t.Errorf("ClusterRole %q twice", r.Name)
		}
		roles[r.Name] = r
		checkMarked(t, "ClusterRole "+r.Name, r.ObjectMeta)
		if r.AggregationRule == nil && len(r.Rules) == 0 {
			t.Errorf("ClusterRole %q has no rules", r.Name)
		}
		for _, p := range r.Rules {
			resource := len(p.Resources) > 0 && len(p.APIGroups) > 0
			nonResource := len(p.NonResourceURLs) > 0
			if len(p.Verbs) == 0 || resource == nonResource {
				t.Errorf("ClusterRole %q has a malformed rule %+v", r.Name, p)
			}
		}
	}
	seen := map[string]bool{}
	for _, b := range ClusterRoleBindings() {
		if seen[b.Name] {
			t.Errorf("ClusterRoleBinding %q twice", b.Name)
		}
		seen[b.Name] = true
		checkMarked(t, "ClusterRoleBinding "+b.Name, b.ObjectMeta)
		if _, ok := roles[b.RoleRef.Name]; !ok || b.RoleRef.Kind != "ClusterRole" || b.RoleRef.APIGroup != rbacv1.GroupName {
			t.Errorf("ClusterRoleBinding %q refers to %+v, not a bootstrap ClusterRole", b.Name, b.RoleRef)
		}
	}
}

func checkMarked(t *testing.T, what string, m metav1.ObjectMeta) {
	t.Helper()
	if m.Labels[BootstrappingLabel] != BootstrappingValue || m.Annotations[rbacv1.AutoUpdateAnnotationKey] != "true" {
		t.Errorf("%s: labels %v annotations %v", what, m.Labels, m.Annotations)
	}
}

// rulesOf returns the rules of a bootstrap ClusterRole.
func rulesOf(t *testing.T, name string) []rbacv1.PolicyRule {
	t.Helper()
	for _, r := range ClusterRoles() {
		if r.Name == name {
			return r.Rules
		}
	}
	t.Fatalf("no ClusterRole %q", name)
	return nil
}

func req(verb, group, resource, sub, ns string) authz.Attributes {
	return authz.Attributes{Verb: verb, ResourceRequest: true, APIGroup: group, Resource: resource, Subresource: sub, Namespace: ns, Name: "x"}
}

func TestComponentRoles(t *testing.T) {
	cases := []struct {
		role string
		a    authz.Attributes
		want bool
	}{
		{"system:kube-controller-manager", req("create", "", "pods", "", "ns"), true},
		{"system:kube-controller-manager", req("create", "apps", "replicasets", "", "ns"), true},
		{"system:kube-controller-manager", req("create", "discovery.k8s.io", "endpointslices", "", "ns"), true},
		{"system:kube-controller-manager", req("create", "", "persistentvolumes", "", ""), true},
		{"system:kube-controller-manager", req("watch", "apps", "deployments", "", ""), true},
		{"system:kube-controller-manager", req("update", "apps", "deployments", "status", "ns"), true},
		{"system:kube-controller-manager", req("update", "", "namespaces", "finalize", ""), true},
		{"system:kube-controller-manager", req("deletecollection", "batch", "jobs", "", "ns"), true},
		{"system:kube-controller-manager", req("update", "rbac.authorization.k8s.io", "clusterroles", "", ""), true},
		{"system:kube-controller-manager", req("create", "rbac.authorization.k8s.io", "clusterrolebindings", "", ""), false},
		{"system:kube-controller-manager", req("impersonate", "", "users", "", ""), false},
		{"system:kube-scheduler", req("create", "", "pods", "binding", "ns"), true},
		{"system:kube-scheduler", req("patch", "", "pods", "status", "ns"), true},
		{"system:kube-scheduler", req("delete", "", "pods", "", "ns"), true},
		{"system:kube-scheduler", req("watch", "scheduling.k8s.io", "priorityclasses", "", ""), true},
		{"system:kube-scheduler", req("create", "", "pods", "", "ns"), false},
		{"system:volume-scheduler", req("watch", "storage.k8s.io", "storageclasses", "", ""), true},
		{"system:node-proxier", req("watch", "discovery.k8s.io", "endpointslices", "", ""), true},
		{"system:node-proxier", req("get", "", "secrets", "", "ns"), false},
		{"system:cloud-controller-manager", req("delete", "", "nodes", "", ""), true},
		{"system:cloud-controller-manager", req("update", "", "services", "status", "ns"), true},
		{"view", req("get", "", "pods", "", "ns"), false}, // filled by the aggregation controller
		{"system:aggregate-to-view", req("get", "", "pods", "log", "ns"), true},
		{"system:aggregate-to-view", req("get", "", "secrets", "", "ns"), false},
		{"system:aggregate-to-edit", req("create", "", "pods", "exec", "ns"), true},
		{"system:aggregate-to-admin", req("create", "rbac.authorization.k8s.io", "rolebindings", "", "ns"), true},
		{"system:node", req("patch", "", "nodes", "status", ""), true},
	}
	for _, c := range cases {
		verdict := map[bool]string{true: " may ", false: " may not "}[c.want]
		t.Run(c.role+verdict+c.a.Verb+" "+c.a.Resource+"/"+c.a.Subresource, func(t *testing.T) {
			if got := rbac.RulesAllow(c.a, rulesOf(t, c.role)...); got != c.want {
				t.Errorf("allowed = %v, want %v", got, c.want)
			}
		})
	}
}

func TestCovers(t *testing.T) {
	have := []rbacv1.PolicyRule{
		{Verbs: []string{"get", "list"}, APIGroups: []string{""}, Resources: []string{"pods", "services"}},
		{Verbs: []string{"*"}, APIGroups: []string{"apps"}, Resources: []string{"*"}},
		{Verbs: []string{"get"}, APIGroups: []string{""}, Resources: []string{"configmaps"}, ResourceNames: []string{"a"}},
		{Verbs: []string{"get"}, NonResourceURLs: []string{"/apis/*"}},
	}
	cases := []struct {
		name string
		r    rbacv1.PolicyRule
		want bool
	}{
		{"the same rule", have[0], true},
		{"part of a rule", rbacv1.PolicyRule{Verbs: []string{"list"}, APIGroups: []string{""}, Resources: []string{"services"}}, true},
		{"a wider verb set", rbacv1.PolicyRule{Verbs: []string{"get", "watch"}, APIGroups: []string{""}, Resources: []string{"pods"}}, false},
		{"a subresource under a wildcard", rbacv1.PolicyRule{Verbs: []string{"update"}, APIGroups: []string{"apps"}, Resources: []string{"deployments/scale"}}, true},
		{"a wildcard verb under a wildcard", rbacv1.PolicyRule{Verbs: []string{"*"}, APIGroups: []string{"apps"}, Resources: []string{"*"}}, true},
		{"a wildcard verb under named verbs", rbacv1.PolicyRule{Verbs: []string{"*"}, APIGroups: []string{""}, Resources: []string{"pods"}}, false},
		{"a named object under its name", rbacv1.PolicyRule{Verbs: []string{"get"}, APIGroups: []string{""}, Resources: []string{"configmaps"}, ResourceNames: []string{"a"}}, true},
		{"every object under one name", rbacv1.PolicyRule{Verbs: []string{"get"}, APIGroups: []string{""}, Resources: []string{"configmaps"}}, false},
		{"a path under a prefix", rbacv1.PolicyRule{Verbs: []string{"get"}, NonResourceURLs: []string{"/apis/apps"}}, true},
		{"a path outside", rbacv1.PolicyRule{Verbs: []string{"get"}, NonResourceURLs: []string{"/metrics"}}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := Covers(have, c.r); got != c.want {
				t.Errorf("Covers = %v, want %v", got, c.want)
			}
		})
	}
}

func TestReconcile(t *testing.T) {
	want := rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: "r"}, Rules: []rbacv1.PolicyRule{
		{Verbs: []string{"get"}, APIGroups: []string{""}, Resources: []string{"pods"}},
		{Verbs: []string{"list"}, APIGroups: []string{""}, Resources: []string{"pods"}},
	}}
	mark(&want.ObjectMeta)
	t.Run("a role gets its missing rules and marks, keeping its own", func(t *testing.T) {
		extra := rbacv1.PolicyRule{Verbs: []string{"get"}, APIGroups: []string{""}, Resources: []string{"secrets"}}
		cur := &rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: "r", Labels: map[string]string{"mine": "yes"}},
			Rules: []rbacv1.PolicyRule{extra, want.Rules[0]}}
		got, changed := reconcileRole(cur, &want)
		r := got.(*rbacv1.ClusterRole)
		if !changed || !reflect.DeepEqual(r.Rules, []rbacv1.PolicyRule{extra, want.Rules[0], want.Rules[1]}) {
			t.Errorf("changed %v rules %+v", changed, r.Rules)
		}
		if r.Labels["mine"] != "yes" || r.Labels[BootstrappingLabel] != BootstrappingValue || r.Annotations[rbacv1.AutoUpdateAnnotationKey] != "true" {
			t.Errorf("meta = %+v", r.ObjectMeta)
		}
	})
	t.Run("a complete role is unchanged", func(t *testing.T) {
		cur := want.DeepCopy()
		if _, changed := reconcileRole(cur, &want); changed {
			t.Error("changed")
		}
	})
	t.Run("a role annotated autoupdate=false is left alone", func(t *testing.T) {
		cur := &rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: "r", Annotations: map[string]string{rbacv1.AutoUpdateAnnotationKey: "false"}}}
		if _, changed := reconcileRole(cur, &want); changed {
			t.Error("changed")
		}
	})
	t.Run("an aggregated role gets its selectors, not rules", func(t *testing.T) {
		agg := aggregated("view", AggregateToView)
		mark(&agg.ObjectMeta)
		filled := []rbacv1.PolicyRule{{Verbs: []string{"get"}, APIGroups: []string{""}, Resources: []string{"pods"}}}
		cur := &rbacv1.ClusterRole{ObjectMeta: agg.ObjectMeta, Rules: filled, AggregationRule: &rbacv1.AggregationRule{
			ClusterRoleSelectors: []metav1.LabelSelector{{MatchLabels: map[string]string{"extra": "true"}}}}}
		got, changed := reconcileRole(cur, &agg)
		r := got.(*rbacv1.ClusterRole)
		if !changed || len(r.AggregationRule.ClusterRoleSelectors) != 2 || !reflect.DeepEqual(r.Rules, filled) {
			t.Errorf("changed %v role %+v", changed, r)
		}
	})
	b := binding("b", "r", group("g1"), user("u1"))
	mark(&b.ObjectMeta)
	t.Run("a binding gets its missing subjects", func(t *testing.T) {
		cur := &rbacv1.ClusterRoleBinding{ObjectMeta: b.ObjectMeta, RoleRef: b.RoleRef, Subjects: []rbacv1.Subject{user("u2"), user("u1")}}
		got, changed := reconcileBinding(cur, &b)
		if want := []rbacv1.Subject{user("u2"), user("u1"), group("g1")}; !changed || !reflect.DeepEqual(got.(*rbacv1.ClusterRoleBinding).Subjects, want) {
			t.Errorf("changed %v subjects %+v", changed, got.(*rbacv1.ClusterRoleBinding).Subjects)
		}
	})
	t.Run("a binding of another role is recreated", func(t *testing.T) {
		cur := &rbacv1.ClusterRoleBinding{ObjectMeta: b.ObjectMeta, RoleRef: rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "other"}}
		if got, changed := reconcileBinding(cur, &b); !changed || got != nil {
			t.Errorf("got %v changed %v, want a recreate", got, changed)
		}
	})
	t.Run("a protected binding is left alone", func(t *testing.T) {
		cur := &rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: "b", Annotations: map[string]string{rbacv1.AutoUpdateAnnotationKey: "false"}},
			RoleRef: rbacv1.RoleRef{Name: "other"}}
		if _, changed := reconcileBinding(cur, &b); changed {
			t.Error("changed")
		}
	})
}

package rbac

import (
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"keel.dev/keel/pkg/apiserver/app"
	"keel.dev/keel/test/integration/framework"
)

const rbacV1 = "rbac.authorization.k8s.io/v1"

func roleBinding(name, roleKind, role string, subjects ...map[string]any) map[string]any {
	return object(rbacV1, "RoleBinding", name, map[string]any{
		"roleRef":  map[string]any{"apiGroup": "rbac.authorization.k8s.io", "kind": roleKind, "name": role},
		"subjects": subjects,
	})
}

func userSubject(name string) map[string]any {
	return map[string]any{"kind": "User", "apiGroup": "rbac.authorization.k8s.io", "name": name}
}

func TestRBAC(t *testing.T) {
	s := startRBAC(t)
	bob := asUser(t, s, bobToken)
	s.Create(t, "/api/v1/namespaces", object("v1", "Namespace", "team", nil))

	t.Run("system:masters may do everything", func(t *testing.T) {
		for _, p := range []string{"/api/v1/namespaces/team/pods", "/api/v1/nodes", "/apis/rbac.authorization.k8s.io/v1/clusterroles", "/metrics"} {
			framework.Expect(t, s.Get(t, p), http.StatusOK, "admin GET "+p)
		}
	})

	t.Run("a user without bindings is forbidden as Kubernetes words it", func(t *testing.T) {
		code, obj := bob.do("GET", "/api/v1/namespaces/team/pods", nil)
		expectForbidden(t, "list pods", code, obj,
			`pods is forbidden: User "bob" cannot list resource "pods" in API group "" in the namespace "team"`)
		if d, _ := obj["details"].(map[string]any); d == nil || d["kind"] != "pods" {
			t.Errorf("details = %v, want kind pods", obj["details"])
		}
		code, obj = bob.do("GET", "/api/v1/nodes/n1", nil)
		expectForbidden(t, "get node", code, obj,
			`nodes "n1" is forbidden: User "bob" cannot get resource "nodes" in API group "" at the cluster scope`)
		code, obj = bob.do("GET", "/metrics", nil)
		expectForbidden(t, "non-resource path", code, obj, `forbidden: User "bob" cannot get path "/metrics"`)
	})

	t.Run("every user may discover the API and check its own access", func(t *testing.T) {
		for _, p := range []string{"/api", "/apis", "/version", "/openapi/v2", "/healthz"} {
			if code, obj := bob.do("GET", p, nil); code != http.StatusOK {
				t.Errorf("bob GET %s: HTTP %d: %v", p, code, obj)
			}
		}
		code, obj := bob.do("POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", object("authorization.k8s.io/v1", "SelfSubjectAccessReview", "", map[string]any{
			"spec": map[string]any{"resourceAttributes": map[string]any{"verb": "list", "resource": "pods", "namespace": "team"}}}))
		if code != http.StatusCreated || framework.Field(obj, "status.allowed") == true {
			t.Errorf("SelfSubjectAccessReview: HTTP %d: %v", code, obj)
		}
	})

	t.Run("the public health endpoints answer without credentials", func(t *testing.T) {
		anon := asUser(t, s, "")
		for _, p := range []string{"/healthz", "/livez", "/readyz"} {
			if code, obj := anon.do("GET", p, nil); code != http.StatusOK {
				t.Errorf("anonymous GET %s: HTTP %d: %v", p, code, obj)
			}
		}
	})

	t.Run("a RoleBinding to view lets bob read but not write, in its namespace only", func(t *testing.T) {
		fillAggregated(t, s, "view", "system:aggregate-to-view")
		s.Create(t, "/apis/rbac.authorization.k8s.io/v1/namespaces/team/rolebindings", roleBinding("bob-view", "ClusterRole", "view", userSubject("bob")))
		eventually(t, "bob lists pods after the binding", bob.codeIs("GET", "/api/v1/namespaces/team/pods", http.StatusOK))
		code, obj := bob.do("POST", "/api/v1/namespaces/team/pods", object("v1", "Pod", "p", map[string]any{
			"spec": map[string]any{"containers": []any{map[string]any{"name": "c", "image": "busybox"}}}}))
		expectForbidden(t, "create pod", code, obj,
			`pods is forbidden: User "bob" cannot create resource "pods" in API group "" in the namespace "team"`)
		code, obj = bob.do("GET", "/api/v1/namespaces/default/pods", nil)
		expectForbidden(t, "list pods elsewhere", code, obj,
			`pods is forbidden: User "bob" cannot list resource "pods" in API group "" in the namespace "default"`)
		code, obj = bob.do("GET", "/api/v1/namespaces/team/secrets", nil)
		expectForbidden(t, "list secrets", code, obj,
			`secrets is forbidden: User "bob" cannot list resource "secrets" in API group "" in the namespace "team"`)

		// Removing the binding takes the access away again.
		framework.Expect(t, s.Do(t, framework.Request{Method: "DELETE", Path: "/apis/rbac.authorization.k8s.io/v1/namespaces/team/rolebindings/bob-view"}), http.StatusOK, "delete binding")
		eventually(t, "bob is forbidden after the binding is gone", bob.codeIs("GET", "/api/v1/namespaces/team/pods", http.StatusForbidden))
	})

	t.Run("a rule with resourceNames allows only those objects, and never list", func(t *testing.T) {
		for _, n := range []string{"shared", "private"} {
			s.Create(t, "/api/v1/namespaces/team/configmaps", object("v1", "ConfigMap", n, nil))
		}
		s.Create(t, "/apis/rbac.authorization.k8s.io/v1/clusterroles", object(rbacV1, "ClusterRole", "shared-config-reader", map[string]any{
			"rules": []any{map[string]any{"apiGroups": []string{""}, "resources": []string{"configmaps"}, "resourceNames": []string{"shared"}, "verbs": []string{"get", "list"}}}}))
		s.Create(t, "/apis/rbac.authorization.k8s.io/v1/namespaces/team/rolebindings", roleBinding("bob-shared", "ClusterRole", "shared-config-reader", userSubject("bob")))
		eventually(t, "bob reads the named configmap", bob.codeIs("GET", "/api/v1/namespaces/team/configmaps/shared", http.StatusOK))
		code, obj := bob.do("GET", "/api/v1/namespaces/team/configmaps/private", nil)
		expectForbidden(t, "get another configmap", code, obj,
			`configmaps "private" is forbidden: User "bob" cannot get resource "configmaps" in API group "" in the namespace "team"`)
		code, obj = bob.do("GET", "/api/v1/namespaces/team/configmaps", nil)
		expectForbidden(t, "list configmaps", code, obj,
			`configmaps is forbidden: User "bob" cannot list resource "configmaps" in API group "" in the namespace "team"`)
	})

	t.Run("a binding to a missing role adds the reason to the 403", func(t *testing.T) {
		s.Create(t, "/apis/rbac.authorization.k8s.io/v1/namespaces/team/rolebindings", roleBinding("bob-missing", "Role", "nosuch", userSubject("bob")))
		eventually(t, "the reason appears", func() error {
			code, obj := bob.do("DELETE", "/api/v1/namespaces/team/configmaps/shared", nil)
			want := `configmaps "shared" is forbidden: User "bob" cannot delete resource "configmaps" in API group "" in the namespace "team": RBAC: role.rbac.authorization.k8s.io "nosuch" not found`
			if code != http.StatusForbidden || framework.String(obj, "message") != want {
				return fmt.Errorf("HTTP %d %v, want 403 %q", code, obj["message"], want)
			}
			return nil
		})
	})
}

// fillAggregated does what the clusterrole-aggregation controller of the
// controller-manager does for one role (the test runs the apiserver
// alone): copies the rules of source into the aggregated role.
func fillAggregated(t *testing.T, s *framework.TestServer, role, source string) {
	t.Helper()
	src := s.Get(t, "/apis/rbac.authorization.k8s.io/v1/clusterroles/"+source)
	framework.Expect(t, src, http.StatusOK, "get "+source)
	patch := map[string]any{"rules": src.Object(t)["rules"]}
	resp := s.Do(t, framework.Request{Method: "PATCH", Path: "/apis/rbac.authorization.k8s.io/v1/clusterroles/" + role,
		Body: framework.JSON(t, patch), ContentType: "application/merge-patch+json"})
	framework.Expect(t, resp, http.StatusOK, "fill "+role)
}

func TestBootstrapPolicy(t *testing.T) {
	s := startRBAC(t)
	get := func(t *testing.T, path string) map[string]any {
		t.Helper()
		resp := s.Get(t, "/apis/rbac.authorization.k8s.io/v1/"+path)
		framework.Expect(t, resp, http.StatusOK, "GET "+path)
		return resp.Object(t)
	}
	for _, path := range []string{
		"clusterroles/cluster-admin", "clusterroles/admin", "clusterroles/edit", "clusterroles/view",
		"clusterroles/system:aggregate-to-view", "clusterroles/system:discovery", "clusterroles/system:basic-user",
		"clusterroles/system:public-info-viewer", "clusterroles/system:kube-scheduler", "clusterroles/system:kube-controller-manager",
		"clusterroles/system:node-proxier", "clusterroles/system:node", "clusterroles/system:cloud-controller-manager",
		"clusterrolebindings/cluster-admin", "clusterrolebindings/system:discovery", "clusterrolebindings/system:basic-user",
		"clusterrolebindings/system:public-info-viewer", "clusterrolebindings/system:kube-scheduler",
		"clusterrolebindings/system:kube-controller-manager", "clusterrolebindings/system:node-proxier",
	} {
		t.Run(path+" is labeled and annotated", func(t *testing.T) {
			obj := get(t, path)
			labels, _ := framework.Field(obj, "metadata.labels").(map[string]any)
			ann, _ := framework.Field(obj, "metadata.annotations").(map[string]any)
			if labels["kubernetes.io/bootstrapping"] != "rbac-defaults" || ann["rbac.authorization.kubernetes.io/autoupdate"] != "true" {
				t.Errorf("labels %v annotations %v", labels, ann)
			}
		})
	}
	t.Run("readiness names the bootstrap hook", func(t *testing.T) {
		resp := s.Get(t, "/readyz?verbose")
		framework.Expect(t, resp, http.StatusOK, "GET /readyz?verbose")
		if !strings.Contains(string(resp.Body), "[+]poststarthook/rbac/bootstrap-roles ok") {
			t.Errorf("/readyz?verbose:\n%s", resp.Body)
		}
	})
	t.Run("cluster-admin is bound to system:masters", func(t *testing.T) {
		subjects := framework.Field(get(t, "clusterrolebindings/cluster-admin"), "subjects")
		want := []any{map[string]any{"kind": "Group", "apiGroup": "rbac.authorization.k8s.io", "name": "system:masters"}}
		if !reflect.DeepEqual(subjects, want) {
			t.Errorf("subjects = %v", subjects)
		}
	})
	t.Run("public info is for everybody", func(t *testing.T) {
		subjects := fmt.Sprint(framework.Field(get(t, "clusterrolebindings/system:public-info-viewer"), "subjects"))
		if !strings.Contains(subjects, "system:authenticated") || !strings.Contains(subjects, "system:unauthenticated") {
			t.Errorf("subjects = %v", subjects)
		}
	})
	t.Run("edit and view aggregate by label", func(t *testing.T) {
		for role, label := range map[string]string{"admin": "aggregate-to-admin", "edit": "aggregate-to-edit", "view": "aggregate-to-view"} {
			sel := fmt.Sprint(framework.Field(get(t, "clusterroles/"+role), "aggregationRule"))
			if !strings.Contains(sel, "rbac.authorization.k8s.io/"+label+":true") {
				t.Errorf("%s aggregationRule = %s", role, sel)
			}
		}
		labels := framework.Field(get(t, "clusterroles/view"), "metadata.labels").(map[string]any)
		if labels["rbac.authorization.k8s.io/aggregate-to-edit"] != "true" {
			t.Errorf("view labels = %v, want aggregate-to-edit", labels)
		}
	})
	t.Run("a restart adds back what was removed, unless the object opts out", func(t *testing.T) {
		// Strip system:basic-user's rules, and protect system:discovery
		// after stripping its rules too.
		for name, ann := range map[string]string{"system:basic-user": "true", "system:discovery": "false"} {
			patch := map[string]any{"rules": []any{}, "metadata": map[string]any{"annotations": map[string]any{"rbac.authorization.kubernetes.io/autoupdate": ann}}}
			framework.Expect(t, s.Do(t, framework.Request{Method: "PATCH", Path: "/apis/rbac.authorization.k8s.io/v1/clusterroles/" + name,
				Body: framework.JSON(t, patch), ContentType: "application/merge-patch+json"}), http.StatusOK, "strip "+name)
		}
		again := framework.StartTestServer(t, func(c *app.Config) { c.EtcdPrefix = s.Config.EtcdPrefix })
		rules := func(name string) []any {
			resp := again.Get(t, "/apis/rbac.authorization.k8s.io/v1/clusterroles/"+name)
			framework.Expect(t, resp, http.StatusOK, "GET "+name)
			r, _ := resp.Object(t)["rules"].([]any)
			return r
		}
		if r := rules("system:basic-user"); len(r) != 2 {
			t.Errorf("system:basic-user rules after restart = %v, want the 2 bootstrap rules", r)
		}
		if r := rules("system:discovery"); len(r) != 0 {
			t.Errorf("system:discovery (autoupdate=false) rules after restart = %v, want none", r)
		}
	})
}

func TestSelfSubjectRulesReview(t *testing.T) {
	s := startRBAC(t)
	bob := asUser(t, s, bobToken)
	s.Create(t, "/api/v1/namespaces", object("v1", "Namespace", "team", nil))
	s.Create(t, "/apis/rbac.authorization.k8s.io/v1/namespaces/team/roles", object(rbacV1, "Role", "pod-reader", map[string]any{
		"rules": []any{map[string]any{"apiGroups": []string{""}, "resources": []string{"pods", "pods/log"}, "verbs": []string{"get", "list"}}}}))
	s.Create(t, "/apis/rbac.authorization.k8s.io/v1/namespaces/team/rolebindings", roleBinding("bob-pods", "Role", "pod-reader", userSubject("bob")))
	review := func(ns string) map[string]any {
		code, obj := bob.do("POST", "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews",
			object("authorization.k8s.io/v1", "SelfSubjectRulesReview", "", map[string]any{"spec": map[string]any{"namespace": ns}}))
		if code != http.StatusCreated {
			t.Fatalf("SelfSubjectRulesReview: HTTP %d: %v", code, obj)
		}
		return obj
	}
	wantPods := map[string]any{"verbs": []any{"get", "list"}, "apiGroups": []any{""}, "resources": []any{"pods", "pods/log"}}
	has := func(obj map[string]any, rule map[string]any) bool {
		rules, _ := framework.Field(obj, "status.resourceRules").([]any)
		for _, r := range rules {
			if reflect.DeepEqual(r, rule) {
				return true
			}
		}
		return false
	}
	eventually(t, "bob's rules in team list the Role's rule", func() error {
		if obj := review("team"); !has(obj, wantPods) {
			return fmt.Errorf("status = %v", obj["status"])
		}
		return nil
	})
	obj := review("team")
	if framework.Field(obj, "status.incomplete") == true || framework.String(obj, "status.evaluationError") != "" {
		t.Errorf("status = %v, want complete without error", obj["status"])
	}
	basic := map[string]any{"verbs": []any{"create"}, "apiGroups": []any{"authorization.k8s.io"}, "resources": []any{"selfsubjectaccessreviews", "selfsubjectrulesreviews"}}
	if !has(obj, basic) {
		t.Errorf("the system:basic-user rule is missing: %v", obj["status"])
	}
	if nr := fmt.Sprint(framework.Field(obj, "status.nonResourceRules")); !strings.Contains(nr, "/apis/*") || !strings.Contains(nr, "/healthz") {
		t.Errorf("nonResourceRules lack the discovery paths: %s", nr)
	}
	if other := review("default"); has(other, wantPods) {
		t.Errorf("the Role's rule shows in another namespace: %v", other["status"])
	}
}

func TestKubectlAuthCanI(t *testing.T) {
	s := startRBAC(t)
	s.Create(t, "/api/v1/namespaces", object("v1", "Namespace", "team", nil))
	fillAggregated(t, s, "view", "system:aggregate-to-view")
	s.Create(t, "/apis/rbac.authorization.k8s.io/v1/namespaces/team/rolebindings", roleBinding("bob-view", "ClusterRole", "view", userSubject("bob")))
	kc := bobKubeconfig(t, s)
	eventually(t, "the binding takes effect", asUser(t, s, bobToken).codeIs("GET", "/api/v1/namespaces/team/pods", http.StatusOK))
	cases := []struct {
		args []string
		want string
		code int
	}{
		{[]string{"list", "pods", "-n", "team"}, "yes", 0},
		{[]string{"get", "deployments.apps", "-n", "team"}, "yes", 0},
		{[]string{"create", "pods", "-n", "team"}, "no", 1},
		{[]string{"list", "pods", "-n", "default"}, "no", 1},
		{[]string{"get", "secrets", "-n", "team"}, "no", 1},
		{[]string{"get", "/api"}, "yes", 0},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			out, code := kubectl(t, kc, append([]string{"auth", "can-i"}, c.args...)...)
			if strings.TrimSpace(out) != c.want || code != c.code {
				t.Errorf("kubectl auth can-i %s = %q (exit %d), want %q (exit %d)", strings.Join(c.args, " "), out, code, c.want, c.code)
			}
		})
	}
	t.Run("--list shows the bound rules", func(t *testing.T) {
		out, code := kubectl(t, kc, "auth", "can-i", "--list", "-n", "team")
		if code != 0 || !strings.Contains(out, "pods ") || !strings.Contains(out, "deployments.apps") || strings.Contains(out, "secrets ") {
			t.Errorf("kubectl auth can-i --list (exit %d):\n%s", code, out)
		}
	})
}

func TestNodeMode(t *testing.T) {
	s := startRBAC(t)
	node := asUser(t, s, nodeToken)
	for _, p := range []string{"/api/v1/nodes", "/api/v1/pods"} {
		if code, obj := node.do("GET", p, nil); code != http.StatusOK {
			t.Errorf("node GET %s: HTTP %d: %v", p, code, obj)
		}
	}
	// Its Lease may be read (it does not exist yet), not listed.
	if code, obj := node.do("GET", "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/n1", nil); code != http.StatusNotFound {
		t.Errorf("node GET its lease: HTTP %d, want 404: %v", code, obj)
	}
	code, obj := node.do("POST", "/api/v1/nodes", object("v1", "Node", "n1", nil))
	if code != http.StatusCreated {
		t.Errorf("node registers itself: HTTP %d: %v", code, obj)
	}
	code, obj = node.do("DELETE", "/api/v1/nodes/n1", nil)
	expectForbidden(t, "node deletes a node", code, obj,
		`nodes "n1" is forbidden: User "system:node:n1" cannot delete resource "nodes" in API group "" at the cluster scope`)
	code, obj = node.do("GET", "/api/v1/namespaces", nil)
	expectForbidden(t, "node lists namespaces", code, obj,
		`namespaces is forbidden: User "system:node:n1" cannot list resource "namespaces" in API group "" at the cluster scope`)
	stray := asUser(t, s, strayToken)
	code, obj = stray.do("GET", "/api/v1/nodes", nil)
	expectForbidden(t, "a system:nodes member without a node name", code, obj,
		`nodes is forbidden: User "kubelet" cannot list resource "nodes" in API group "" at the cluster scope: unknown node for user "kubelet"`)
}

func TestServiceAccountSubject(t *testing.T) {
	s := startRBAC(t)
	s.Create(t, "/api/v1/namespaces", object("v1", "Namespace", "team", nil))
	s.Create(t, "/api/v1/namespaces/team/serviceaccounts", object("v1", "ServiceAccount", "builder", nil))
	resp := s.Do(t, framework.Request{Method: "POST", Path: "/api/v1/namespaces/team/serviceaccounts/builder/token",
		Body: framework.JSON(t, object("authentication.k8s.io/v1", "TokenRequest", "", map[string]any{"spec": map[string]any{}}))})
	framework.Expect(t, resp, http.StatusCreated, "TokenRequest")
	sa := asUser(t, s, framework.String(resp.Object(t), "status.token"))
	s.Create(t, "/apis/rbac.authorization.k8s.io/v1/namespaces/team/roles", object(rbacV1, "Role", "pod-reader", map[string]any{
		"rules": []any{map[string]any{"apiGroups": []string{""}, "resources": []string{"pods"}, "verbs": []string{"list"}}}}))
	// No namespace on the subject: in a RoleBinding it is the binding's.
	s.Create(t, "/apis/rbac.authorization.k8s.io/v1/namespaces/team/rolebindings", roleBinding("builder-pods", "Role", "pod-reader",
		map[string]any{"kind": "ServiceAccount", "name": "builder"}))
	eventually(t, "the service account lists pods", sa.codeIs("GET", "/api/v1/namespaces/team/pods", http.StatusOK))
	code, obj := sa.do("GET", "/api/v1/namespaces/default/pods", nil)
	expectForbidden(t, "list pods elsewhere", code, obj,
		`pods is forbidden: User "system:serviceaccount:team:builder" cannot list resource "pods" in API group "" in the namespace "default"`)
}

package rbac

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	rbacv1 "keel.dev/api/rbac/v1"
	"keel.dev/client/informers"
	"keel.dev/client/rest"
	"keel.dev/client/typed"

	"keel.dev/keel/pkg/apiserver/app"
	"keel.dev/keel/pkg/apiserver/authz/rbac/bootstrappolicy"
	"keel.dev/keel/pkg/apiserver/authz/rbac/escalation"
	"keel.dev/keel/pkg/controller/clusterroleaggregation"
	"keel.dev/keel/test/integration/framework"
)

// controllerManagerToken authenticates as Keel's controller-manager user.
const controllerManagerToken = "controller-manager-token"

const rbacAPI = "/apis/rbac.authorization.k8s.io/v1/"

// startEscalation starts a Node,RBAC server whose token file also has the
// controller-manager's user.
func startEscalation(t *testing.T) *framework.TestServer {
	t.Helper()
	tokens := filepath.Join(t.TempDir(), "tokens.csv")
	csv := bobToken + ",bob,1001\n" +
		controllerManagerToken + "," + bootstrappolicy.ControllerManagerUser + ",1002\n"
	if err := os.WriteFile(tokens, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	return framework.StartTestServer(t, func(c *app.Config) {
		c.AuthorizationModes = []string{"Node", "RBAC"}
		c.TokenAuthFile = tokens
	})
}

// runAggregation runs the clusterrole-aggregation controller as the
// controller-manager's user (with its bootstrap role) until t ends.
func runAggregation(t *testing.T, s *framework.TestServer) {
	t.Helper()
	cs, err := typed.NewForConfig(&rest.Config{Host: s.URL, TLS: rest.TLSConfig{CAData: s.CAPEM},
		BearerToken: controllerManagerToken, QPS: -1})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	f := informers.NewFactory(cs, 0)
	ctrl := clusterroleaggregation.New(cs, f, clusterroleaggregation.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	f.Start(ctx)
	done := make(chan error, 1)
	go func() { done <- ctrl.Run(ctx, 2) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil && ctx.Err() == nil {
			t.Errorf("clusterrole-aggregation: %v", err)
		}
		f.Shutdown()
	})
}

// clusterRoleRules reads a ClusterRole's rules as the admin.
func clusterRoleRules(t *testing.T, s *framework.TestServer, name string) []rbacv1.PolicyRule {
	t.Helper()
	resp := s.Get(t, rbacAPI+"clusterroles/"+name)
	framework.Expect(t, resp, http.StatusOK, "GET clusterrole "+name)
	var r rbacv1.ClusterRole
	if err := json.Unmarshal(resp.Body, &r); err != nil {
		t.Fatalf("decode clusterrole %s: %v", name, err)
	}
	return r.Rules
}

// policy builds a JSON policy rule.
func policy(groups, resources, verbs []string, names ...string) map[string]any {
	r := map[string]any{"apiGroups": groups, "resources": resources, "verbs": verbs}
	if len(names) > 0 {
		r["resourceNames"] = names
	}
	return r
}

func clusterRoleObject(name string, rules ...map[string]any) map[string]any {
	return object(rbacV1, "ClusterRole", name, map[string]any{"rules": rules})
}

// grant binds bob to a ClusterRole in ns ("" with a ClusterRoleBinding),
// as the admin.
func grant(t *testing.T, s *framework.TestServer, ns, name, clusterRole string) {
	t.Helper()
	if ns == "" {
		s.Create(t, rbacAPI+"clusterrolebindings", object(rbacV1, "ClusterRoleBinding", name, map[string]any{
			"roleRef":  map[string]any{"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": clusterRole},
			"subjects": []any{userSubject("bob")},
		}))
		return
	}
	s.Create(t, rbacAPI+"namespaces/"+ns+"/rolebindings", roleBinding(name, "ClusterRole", clusterRole, userSubject("bob")))
}

// answers is a check for eventually: bob's POST of body to path answers
// code, with message when it is not empty, or with a message starting
// with prefix.
func (u *user) answers(path string, body any, code int, message, prefix string) func() error {
	return func() error {
		got, obj := u.do("POST", path, body)
		msg := framework.String(obj, "message")
		if got != code || (message != "" && msg != message) || !strings.HasPrefix(msg, prefix) {
			return fmt.Errorf("POST %s: HTTP %d %q, want %d %q", path, got, msg, code, message+prefix)
		}
		return nil
	}
}

const bobNotHeld = ` is forbidden: user "bob" (groups=["system:authenticated"]) is attempting to grant RBAC permissions not currently held:` + "\n"

// TestEscalationPrevention checks the escalation checks on RBAC writes end
// to end. The subtests run in order and build on each other (bob gains
// edit in team, then bind and escalate).
func TestEscalationPrevention(t *testing.T) {
	s := startEscalation(t)
	bob := asUser(t, s, bobToken)
	for _, ns := range []string{"team", "other"} {
		s.Create(t, "/api/v1/namespaces", object("v1", "Namespace", ns, nil))
	}
	runAggregation(t, s)
	// bob may write Roles and RoleBindings in team and other, nothing more.
	s.Create(t, rbacAPI+"clusterroles", clusterRoleObject("rbac-writer",
		policy([]string{"rbac.authorization.k8s.io"}, []string{"roles", "rolebindings"}, []string{"create", "get", "list", "update", "patch", "delete"})))
	grant(t, s, "team", "bob-rbac-writer", "rbac-writer")
	grant(t, s, "other", "bob-rbac-writer", "rbac-writer")
	eventually(t, "bob lists rolebindings in team", bob.codeIs("GET", rbacAPI+"namespaces/team/rolebindings", http.StatusOK))
	eventually(t, "bob lists rolebindings in other", bob.codeIs("GET", rbacAPI+"namespaces/other/rolebindings", http.StatusOK))
	teamBindings, otherBindings := rbacAPI+"namespaces/team/rolebindings", rbacAPI+"namespaces/other/rolebindings"

	t.Run("the clusterrole-aggregation controller fills admin, edit and view as the controller-manager", func(t *testing.T) {
		for _, c := range []struct{ role, from string }{
			{"view", "system:aggregate-to-view"}, {"edit", "system:aggregate-to-edit"}, {"edit", "view"},
			{"admin", "system:aggregate-to-admin"}, {"admin", "edit"},
		} {
			eventually(t, c.role+" holds the rules of "+c.from, func() error {
				want := clusterRoleRules(t, s, c.from)
				if len(want) == 0 {
					return fmt.Errorf("%s has no rules yet", c.from)
				}
				if ok, missing := escalation.Covers(clusterRoleRules(t, s, c.role), want); !ok {
					return fmt.Errorf("%s misses %d permissions of %s, e.g. %s", c.role, len(missing), c.from, escalation.Describe(missing[0]))
				}
				return nil
			})
		}
	})

	t.Run("creating RoleBindings does not let bob bind cluster-admin", func(t *testing.T) {
		body := roleBinding("bob-admin", "ClusterRole", "cluster-admin", userSubject("bob"))
		want := `rolebindings.rbac.authorization.k8s.io "bob-admin"` + bobNotHeld +
			`{APIGroups:["*"], Resources:["*"], Verbs:["*"]}` + "\n" + `{NonResourceURLs:["*"], Verbs:["*"]}`
		code, obj := bob.do("POST", teamBindings, body)
		expectForbidden(t, "bind cluster-admin", code, obj, want)
		code, obj = bob.do("POST", teamBindings+"?dryRun=All", body)
		expectForbidden(t, "bind cluster-admin in a dry run", code, obj, want)
		code, obj = bob.do("GET", teamBindings+"/bob-admin", nil)
		if code != http.StatusNotFound {
			t.Errorf("GET bob-admin: HTTP %d, want 404: %v", code, obj)
		}
	})

	t.Run("a binding to a missing role is the role's 404 without bind", func(t *testing.T) {
		code, obj := bob.do("POST", teamBindings, roleBinding("to-nothing", "Role", "nosuch", userSubject("bob")))
		if code != http.StatusNotFound || framework.String(obj, "message") != `roles.rbac.authorization.k8s.io "nosuch" not found` {
			t.Errorf("HTTP %d %v, want the 404 of the Role", code, obj)
		}
	})

	t.Run("bob binds view once he holds its permissions in the namespace", func(t *testing.T) {
		body := roleBinding("alice-view", "ClusterRole", "view", userSubject("alice"))
		if err := bob.answers(teamBindings, body, http.StatusForbidden, "", `rolebindings.rbac.authorization.k8s.io "alice-view"`+bobNotHeld)(); err != nil {
			t.Fatalf("before holding view: %v", err)
		}
		grant(t, s, "team", "bob-edit", "edit") // edit includes view
		eventually(t, "bob binds view in team", bob.answers(teamBindings, body, http.StatusCreated, "", ""))
		if code, obj := bob.patch(teamBindings+"/alice-view", map[string]any{"subjects": []any{userSubject("alice"), userSubject("dave")}}); code != http.StatusOK {
			t.Errorf("add a subject to alice-view: HTTP %d %v", code, obj)
		}
		// Holding edit in team is no licence to bind it elsewhere.
		code, obj := bob.do("POST", otherBindings, roleBinding("alice-view", "ClusterRole", "view", userSubject("alice")))
		if code != http.StatusForbidden {
			t.Errorf("bind view in other: HTTP %d, want 403: %v", code, obj)
		}
	})

	t.Run("bind on clusterrole edit lets bob bind edit without holding it, and nothing else", func(t *testing.T) {
		body := roleBinding("alice-edit", "ClusterRole", "edit", userSubject("alice"))
		if err := bob.answers(otherBindings, body, http.StatusForbidden, "", `rolebindings.rbac.authorization.k8s.io "alice-edit"`+bobNotHeld)(); err != nil {
			t.Fatalf("before bind: %v", err)
		}
		s.Create(t, rbacAPI+"clusterroles", clusterRoleObject("edit-binder",
			policy([]string{"rbac.authorization.k8s.io"}, []string{"clusterroles"}, []string{"bind"}, "edit")))
		grant(t, s, "other", "bob-edit-binder", "edit-binder")
		eventually(t, "bob binds edit in other", bob.answers(otherBindings, body, http.StatusCreated, "", ""))
		if code, obj := bob.patch(otherBindings+"/alice-edit", map[string]any{"subjects": []any{userSubject("dave")}}); code != http.StatusOK {
			t.Errorf("change alice-edit's subjects with bind: HTTP %d %v", code, obj)
		}
		code, obj := bob.do("POST", otherBindings, roleBinding("alice-admin", "ClusterRole", "admin", userSubject("alice")))
		if code != http.StatusForbidden || !strings.HasPrefix(framework.String(obj, "message"), `rolebindings.rbac.authorization.k8s.io "alice-admin"`+bobNotHeld) {
			t.Errorf("bind admin: HTTP %d %v, want the escalation 403", code, obj)
		}
	})

	t.Run("a Role beyond what bob holds is forbidden until he may escalate", func(t *testing.T) {
		roles := rbacAPI + "namespaces/team/roles"
		nodeReader := object(rbacV1, "Role", "node-reader", map[string]any{"rules": []any{policy([]string{""}, []string{"nodes"}, []string{"get"})}})
		want := `roles.rbac.authorization.k8s.io "node-reader"` + bobNotHeld + `{APIGroups:[""], Resources:["nodes"], Verbs:["get"]}`
		code, obj := bob.do("POST", roles, nodeReader)
		expectForbidden(t, "create node-reader", code, obj, want)
		code, obj = bob.do("POST", roles+"?dryRun=All", nodeReader)
		expectForbidden(t, "create node-reader in a dry run", code, obj, want)

		podReader := object(rbacV1, "Role", "pod-reader", map[string]any{"rules": []any{policy([]string{""}, []string{"pods"}, []string{"get", "list"})}})
		if code, obj := bob.do("POST", roles, podReader); code != http.StatusCreated {
			t.Errorf("create pod-reader, which bob holds through edit: HTTP %d %v", code, obj)
		}
		// Adding what he does not hold to his own Role is refused too.
		patch := map[string]any{"rules": []any{policy([]string{""}, []string{"pods", "nodes"}, []string{"get", "list"})}}
		code, obj = bob.patch(roles+"/pod-reader", patch)
		expectForbidden(t, "widen pod-reader", code, obj,
			`roles.rbac.authorization.k8s.io "pod-reader"`+bobNotHeld+`{APIGroups:[""], Resources:["nodes"], Verbs:["get" "list"]}`)

		s.Create(t, rbacAPI+"clusterroles", clusterRoleObject("role-escalator",
			policy([]string{"rbac.authorization.k8s.io"}, []string{"roles"}, []string{"escalate"})))
		grant(t, s, "team", "bob-role-escalator", "role-escalator")
		eventually(t, "bob creates node-reader with escalate", bob.answers(roles, nodeReader, http.StatusCreated, "", ""))
		if code, obj := bob.patch(roles+"/pod-reader", patch); code != http.StatusOK {
			t.Errorf("widen pod-reader with escalate: HTTP %d %v", code, obj)
		}
	})

	t.Run("an aggregationRule needs every permission", func(t *testing.T) {
		s.Create(t, rbacAPI+"clusterroles", clusterRoleObject("clusterrole-creator",
			policy([]string{"rbac.authorization.k8s.io"}, []string{"clusterroles"}, []string{"create"})))
		grant(t, s, "", "bob-clusterrole-creator", "clusterrole-creator")
		agg := object(rbacV1, "ClusterRole", "bob-aggregate", map[string]any{"rules": []any{},
			"aggregationRule": map[string]any{"clusterRoleSelectors": []any{map[string]any{"matchLabels": map[string]any{"example.com/x": "true"}}}}})
		eventually(t, "bob is refused the aggregationRule", bob.answers(rbacAPI+"clusterroles", agg, http.StatusForbidden,
			`clusterroles.rbac.authorization.k8s.io "bob-aggregate" is forbidden: must have cluster-admin privileges to use the aggregationRule`, ""))
	})

	t.Run("system:masters is not checked", func(t *testing.T) {
		s.Create(t, rbacAPI+"clusterroles", object(rbacV1, "ClusterRole", "admin-aggregate", map[string]any{"rules": []any{},
			"aggregationRule": map[string]any{"clusterRoleSelectors": []any{map[string]any{"matchLabels": map[string]any{"example.com/y": "true"}}}}}))
		s.Create(t, rbacAPI+"clusterrolebindings", object(rbacV1, "ClusterRoleBinding", "carol-admin", map[string]any{
			"roleRef":  map[string]any{"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "cluster-admin"},
			"subjects": []any{userSubject("carol")},
		}))
	})
}

// patch sends a JSON merge patch as bob.
func (u *user) patch(path string, body any) (int, map[string]any) {
	u.t.Helper()
	req, err := http.NewRequest("PATCH", u.s.URL+path, strings.NewReader(string(framework.JSON(u.t, body))))
	if err != nil {
		u.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+u.token)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Content-Type", "application/merge-patch+json")
	resp, err := u.c.Do(req)
	if err != nil {
		u.t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&m)
	return resp.StatusCode, m
}

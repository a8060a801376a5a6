package impersonation

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"keel.dev/keel/pkg/apiserver/app"
	"keel.dev/keel/test/integration/framework"
)

const aliceToken = "alice-token"

// startRBAC starts a server with --authorization-mode=RBAC where alice
// (a token user) may impersonate the user bob and the group dev, and dev
// may list pods in default; it returns a kubeconfig for alice.
func startRBAC(t *testing.T) (*framework.TestServer, string) {
	t.Helper()
	dir := t.TempDir()
	tokens := filepath.Join(dir, "tokens.csv")
	if err := os.WriteFile(tokens, []byte(aliceToken+",alice,1001\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s := framework.StartTestServer(t, func(c *app.Config) {
		c.AuthorizationModes = []string{"RBAC"}
		c.TokenAuthFile = tokens
	})
	ca := filepath.Join(dir, "ca.crt")
	if err := os.WriteFile(ca, s.CAPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	kubeconfig := filepath.Join(dir, "alice.kubeconfig")
	if err := os.WriteFile(kubeconfig, []byte(fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: keel
  cluster: {server: %q, certificate-authority: %q}
users:
- name: alice
  user: {token: %q}
contexts:
- name: alice
  context: {cluster: keel, user: alice}
current-context: alice
`, s.URL, ca, aliceToken)), 0o600); err != nil {
		t.Fatal(err)
	}
	rule := func(group, resource, verb string, names ...string) map[string]any {
		r := map[string]any{"apiGroups": []string{group}, "resources": []string{resource}, "verbs": []string{verb}}
		if len(names) > 0 {
			r["resourceNames"] = names
		}
		return r
	}
	const rbacPath = "/apis/rbac.authorization.k8s.io/v1/"
	role := func(name string, rules ...map[string]any) {
		s.Create(t, rbacPath+"clusterroles", map[string]any{"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
			"metadata": map[string]any{"name": name}, "rules": rules})
	}
	bind := func(name, kind, subject string) {
		s.Create(t, rbacPath+"clusterrolebindings", map[string]any{"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
			"metadata": map[string]any{"name": name},
			"roleRef":  map[string]any{"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": name},
			"subjects": []map[string]any{{"apiGroup": "rbac.authorization.k8s.io", "kind": kind, "name": subject}}})
	}
	role("impersonate-bob", rule("", "users", "impersonate", "bob"), rule("", "groups", "impersonate", "dev"))
	bind("impersonate-bob", "User", "alice")
	role("list-pods", rule("", "pods", "list"))
	bind("list-pods", "Group", "dev")
	return s, kubeconfig
}

// aliceKubectl runs the kubectl on PATH with alice's kubeconfig and
// returns its combined output and whether it exited 0.
func aliceKubectl(t *testing.T, kubeconfig string, args ...string) (string, bool) {
	t.Helper()
	bin, err := exec.LookPath("kubectl")
	if err != nil {
		t.Fatalf("kubectl is not on PATH: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir(), "KUBECONFIG="+kubeconfig)
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		t.Fatalf("kubectl %s: %v", strings.Join(args, " "), ctx.Err())
	}
	return string(out), err == nil
}

func TestImpersonationUnderRBAC(t *testing.T) {
	s, alice := startRBAC(t)
	// The bindings reach the authorizer through a watch: wait until alice
	// may impersonate bob in dev, which then lists pods.
	deadline := time.Now().Add(30 * time.Second)
	for {
		out, ok := aliceKubectl(t, alice, "--as", "bob", "--as-group", "dev", "auth", "can-i", "list", "pods", "-n", "default")
		if ok && out == "yes\n" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("alice as bob in dev still cannot list pods after 30s: %s", out)
		}
		time.Sleep(100 * time.Millisecond)
	}

	t.Run("authorization sees bob in dev, not alice", func(t *testing.T) {
		if out, ok := aliceKubectl(t, alice, "auth", "can-i", "list", "pods", "-n", "default"); ok || out != "no\n" {
			t.Errorf("alice herself: %q (exit 0: %v)", out, ok)
		}
		if out, ok := aliceKubectl(t, alice, "--as", "bob", "--as-group", "dev", "get", "pods", "-n", "default"); !ok || !strings.Contains(out, "No resources found") {
			t.Errorf("get pods as bob in dev: %q", out)
		}
	})
	t.Run("whoami as bob in dev", func(t *testing.T) {
		out, ok := aliceKubectl(t, alice, "--as", "bob", "--as-group", "dev", "auth", "whoami", "-o", "json")
		if !ok {
			t.Fatalf("whoami: %s", out)
		}
		got := decodeReview(t, []byte(out))
		if got.Username != "bob" || strings.Join(got.Groups, ",") != "dev,system:authenticated" {
			t.Errorf("userInfo %+v", got)
		}
	})
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"another user is forbidden as Kubernetes words it", []string{"--as", "carol"},
			`users "carol" is forbidden: User "alice" cannot impersonate resource "users" in API group "" at the cluster scope`},
		{"another group is forbidden", []string{"--as", "bob", "--as-group", "ops"},
			`groups "ops" is forbidden: User "alice" cannot impersonate resource "groups" in API group "" at the cluster scope`},
		{"a service account is checked in its namespace", []string{"--as", "system:serviceaccount:ci:builder"},
			`serviceaccounts "builder" is forbidden: User "alice" cannot impersonate resource "serviceaccounts" in API group "" in the namespace "ci"`},
		{"a UID is checked in authentication.k8s.io", []string{"--as", "bob", "--as-uid", "u-1"},
			`uids.authentication.k8s.io "u-1" is forbidden: User "alice" cannot impersonate resource "uids" in API group "authentication.k8s.io" at the cluster scope`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			// get --raw skips discovery, whose 403 kubectl prints as "unknown".
			out, ok := aliceKubectl(t, alice, append(c.args, "get", "--raw", "/api/v1/namespaces/default/pods")...)
			if ok || !strings.Contains(out, "Error from server (Forbidden): "+c.want) {
				t.Errorf("exit 0: %v, output:\n%s", ok, out)
			}
		})
	}
	t.Run("the admin (system:masters) may impersonate anyone", func(t *testing.T) {
		code, body := post(t, s, "/apis/authentication.k8s.io/v1/selfsubjectreviews", selfSubjectReview, http.Header{
			"Impersonate-User": {"carol"}, "Impersonate-Group": {"ops"}})
		if code != http.StatusCreated || decodeReview(t, body).Username != "carol" {
			t.Errorf("HTTP %d: %s", code, body)
		}
	})
}

package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// testRBAC: the cluster enforces RBAC as `make up` starts it
// (--authorization-mode=Node,RBAC, NodeRestriction). A service account
// authenticating with its own token is refused until a RoleBinding gives
// it the view ClusterRole (filled by the aggregation controller), then
// may read but not write; impersonation answers the same; the kubelet's
// own credentials cannot read Secrets no pod on the node uses.
func testRBAC(t *testing.T, c *cluster) {
	ns := c.newNamespace(t, "rbac")
	c.kubectl(t, "create", "serviceaccount", "reader", "-n", ns)
	token := strings.TrimSpace(c.kubectl(t, "create", "token", "reader", "-n", ns))
	server := c.kubectl(t, "config", "view", "--raw", "--minify", "-o", "jsonpath={.clusters[0].cluster.server}")
	ca := c.kubectl(t, "config", "view", "--raw", "--minify", "-o", "jsonpath={.clusters[0].cluster.certificate-authority-data}")
	kc := filepath.Join(t.TempDir(), "reader.kubeconfig")
	if err := os.WriteFile(kc, []byte(fmt.Sprintf(`apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: %q, certificate-authority-data: %q}}]
users: [{name: reader, user: {token: %q}}]
contexts: [{name: c, context: {cluster: c, user: reader}}]
current-context: c
`, server, ca, token)), 0o600); err != nil {
		t.Fatal(err)
	}
	asReader := func(args ...string) result {
		return c.run("", "kubectl", append([]string{"--kubeconfig", kc, "-n", ns}, args...)...)
	}

	who := asReader("auth", "whoami", "-o", "jsonpath={.status.userInfo.username}")
	if who.err != nil || who.stdout != "system:serviceaccount:"+ns+":reader" {
		t.Fatalf("whoami with the service account's token: %q %v %s", who.stdout, who.err, who.stderr)
	}
	want := fmt.Sprintf(`Error from server (Forbidden): pods is forbidden: User "system:serviceaccount:%s:reader" cannot list resource "pods" in API group "" in the namespace "%s"`, ns, ns)
	if r := asReader("get", "pods"); r.err == nil || strings.TrimSpace(r.stderr) != want {
		t.Fatalf("get pods without a binding: err=%v stderr=%q, want %q", r.err, r.stderr, want)
	}
	sa := "system:serviceaccount:" + ns + ":reader"
	if out := c.run("", "kubectl", "auth", "can-i", "list", "pods", "-n", ns, "--as", sa); strings.TrimSpace(out.stdout) != "no" {
		t.Errorf("can-i list pods --as %s before the binding = %q, want no", sa, out.stdout)
	}

	c.kubectl(t, "create", "rolebinding", "reader-view", "-n", ns, "--clusterrole=view", "--serviceaccount="+ns+":reader")
	eventually(t, 30*time.Second, "the binding to take effect", func() (bool, string) {
		r := asReader("get", "pods")
		return r.err == nil, r.stderr
	})
	if r := asReader("create", "configmap", "x"); r.err == nil || !strings.Contains(r.stderr, `cannot create resource "configmaps"`) {
		t.Errorf("view lets the service account create a configmap: err=%v %s", r.err, r.stderr)
	}
	if r := asReader("get", "pods", "-n", "kube-system"); r.err == nil || !strings.Contains(r.stderr, "Forbidden") {
		t.Errorf("a RoleBinding in %s grants kube-system: err=%v %s", ns, r.err, r.stderr)
	}
	for verb, answer := range map[string]string{"list": "yes", "create": "no"} {
		out := c.run("", "kubectl", "auth", "can-i", verb, "pods", "-n", ns, "--as", sa)
		if strings.TrimSpace(out.stdout) != answer {
			t.Errorf("can-i %s pods --as %s = %q, want %s", verb, sa, out.stdout, answer)
		}
	}

	if c.localDir == "" {
		t.Log("no LOCAL_DIR: the kubelet's credentials are not at hand, node checks skipped")
		return
	}
	kubelet := filepath.Join(c.localDir, "kubeconfigs", "kubelet.kubeconfig")
	c.kubectl(t, "create", "secret", "generic", "unused", "-n", ns, "--from-literal=k=v")
	r := c.run("", "kubectl", "--kubeconfig", kubelet, "get", "secret", "unused", "-n", ns)
	wantNode := fmt.Sprintf(`secrets "unused" is forbidden: User "system:node:%s" cannot get resource "secrets" in API group "" in the namespace "%s": no relationship found between node '%s' and this object`, c.node, ns, c.node)
	if r.err == nil || !strings.Contains(r.stderr, wantNode) {
		t.Errorf("the kubelet reads a secret no pod on its node uses: err=%v stderr=%q, want %q", r.err, r.stderr, wantNode)
	}
	r = c.run("", "kubectl", "--kubeconfig", kubelet, "label", "node", c.node, "node-role.kubernetes.io/control-plane=")
	if r.err == nil || !strings.Contains(r.stderr, "is not allowed to modify labels") {
		t.Errorf("the kubelet labels its node with a restricted label: err=%v %s", r.err, r.stderr)
	}
}

package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// testBadInput: invalid manifests sent with kubectl fail with a non-zero
// exit and the server's message on stderr, and create nothing.
func testBadInput(t *testing.T, c *cluster) {
	ns := c.newNamespace(t, "bad")
	for _, tc := range []struct {
		name     string
		args     []string
		manifest string
		want     []string
	}{{
		name: "an uppercase name",
		args: []string{"apply"},
		manifest: fmt.Sprintf(`apiVersion: v1
kind: Pod
metadata: {name: BadName}
spec:
  containers: [{name: c, image: %s}]
`, busybox),
		want: []string{`The Pod "BadName" is invalid`, `metadata.name: Invalid value: "BadName": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters`},
	}, {
		name: "no containers",
		args: []string{"apply"},
		manifest: `apiVersion: v1
kind: Pod
metadata: {name: empty}
spec:
  containers: []
`,
		want: []string{`The Pod "empty" is invalid: spec.containers: Required value`},
	}, {
		name: "an unknown field with --validate=strict",
		args: []string{"apply", "--validate=strict"},
		manifest: fmt.Sprintf(`apiVersion: apps/v1
kind: Deployment
metadata: {name: typo}
spec:
  replicas: 1
  selector:
    matchLabels: {app: typo}
  template:
    metadata:
      labels: {app: typo}
    spec:
      containers: [{name: c, image: %s, commnd: ["sleep", "1"]}]
`, busybox),
		want: []string{`Error from server (BadRequest)`, `strict decoding error: unknown field "spec.template.spec.containers[0].commnd"`},
	}, {
		name: "an unknown field with create --validate=strict",
		args: []string{"create", "--validate=strict"},
		manifest: fmt.Sprintf(`apiVersion: v1
kind: Pod
metadata: {name: extra}
spec:
  bogusField: 1
  containers: [{name: c, image: %s}]
`, busybox),
		want: []string{`strict decoding error: unknown field "spec.bogusField"`},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			r := c.run(tc.manifest, "kubectl", append(tc.args, "-n", ns, "-f", "-")...)
			if r.err == nil || exitCode(r.err) == 0 {
				t.Fatalf("kubectl %s succeeded (%v); stdout %q", strings.Join(tc.args, " "), r.err, r.stdout)
			}
			for _, w := range tc.want {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr of kubectl %s = %q, want it to contain %q", strings.Join(tc.args, " "), r.stderr, w)
				}
			}
		})
	}
	for _, kind := range []string{"pods", "deployments"} {
		if out := c.kubectl(t, "get", kind, "-n", ns, "-o", "name"); strings.TrimSpace(out) != "" {
			t.Errorf("invalid manifests created %s: %s", kind, out)
		}
	}
}

// testCtl: our ctl applies a Deployment, waits for its rollout, lists its
// pods, reads their logs, runs a command in one, and deletes it.
func testCtl(t *testing.T, c *cluster) {
	ns := c.newNamespace(t, "ctl")
	out := c.ctlRun(t, webDeployment("ctlweb", busybox, 2), "apply", "-n", ns, "-f", "-")
	if !strings.Contains(out, "deployment.apps/ctlweb created") {
		t.Errorf("ctl apply printed %q", out)
	}
	out = c.ctlRun(t, "", "rollout", "status", "-n", ns, "deployment/ctlweb", "--timeout=3m")
	if !strings.Contains(out, `deployment "ctlweb" successfully rolled out`) {
		t.Errorf("ctl rollout status printed %q", out)
	}
	pods := c.waitReadyPods(t, ns, "app=ctlweb", 2, 2*time.Minute)
	out = c.ctlRun(t, "", "get", "pods", "-n", ns, "-l", "app=ctlweb")
	for _, p := range pods {
		if !strings.Contains(out, p.Name) || !strings.Contains(out, "Running") {
			t.Errorf("ctl get pods printed %q, want a Running row for %s", out, p.Name)
		}
	}
	name := pods[0].Name
	t.Run("logs", func(t *testing.T) {
		eventually(t, 30*time.Second, "ctl logs to show the pod's first line", func() (bool, string) {
			r := c.run("", c.ctl, "logs", "-n", ns, name)
			return strings.TrimSpace(r.stdout) == "serving "+name, fmt.Sprintf("%v %q %q", r.err, r.stdout, r.stderr)
		})
	})
	t.Run("exec", func(t *testing.T) {
		out := c.ctlRun(t, "", "exec", "-n", ns, name, "--", "cat", "/etc/hostname")
		if strings.TrimSpace(out) != name {
			t.Errorf("ctl exec cat /etc/hostname printed %q, want %q", out, name)
		}
	})
	t.Run("delete", func(t *testing.T) {
		out := c.ctlRun(t, "", "delete", "-n", ns, "deployment", "ctlweb")
		if !strings.Contains(out, `deployment.apps "ctlweb" deleted`) {
			t.Errorf("ctl delete printed %q", out)
		}
		eventually(t, 2*time.Minute, "the pods of ctlweb to be gone", func() (bool, string) {
			r := c.run("", c.ctl, "get", "pods", "-n", ns, "-l", "app=ctlweb", "-o", "name")
			return r.err == nil && strings.TrimSpace(r.stdout) == "", fmt.Sprintf("%v %q", r.err, r.stdout)
		})
	})
}

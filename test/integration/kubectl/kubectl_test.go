package kubectl

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"keel.dev/keel/test/integration/framework"
)

// kubectl runs the kubectl on PATH against s with a fresh HOME (empty
// discovery cache) and the server's admin kubeconfig.
type kubectl struct {
	t    *testing.T
	bin  string
	env  []string
	home string
}

func newKubectl(t *testing.T, s *framework.TestServer) *kubectl {
	t.Helper()
	bin, err := exec.LookPath("kubectl")
	if err != nil {
		t.Fatalf("kubectl is not on PATH: %v", err)
	}
	home := t.TempDir()
	return &kubectl{t: t, bin: bin, home: home, env: append(os.Environ(), "HOME="+home, "KUBECONFIG="+s.Kubeconfig)}
}

// run runs kubectl with args and stdin and fails the test on an error.
func (k *kubectl) run(stdin string, args ...string) string {
	k.t.Helper()
	out, err := k.try(stdin, args...)
	if err != nil {
		k.t.Fatalf("kubectl %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

func (k *kubectl) try(stdin string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, k.bin, args...)
	cmd.Env = k.env
	if stdin != "" {
		cmd.Stdin = strings.NewReader(stdin)
	}
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func mustMatch(t *testing.T, out string, patterns ...string) {
	t.Helper()
	for _, p := range patterns {
		if !regexp.MustCompile(p).MatchString(out) {
			t.Errorf("output does not match %s:\n%s", p, out)
		}
	}
}

const manifest = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: x
  labels:
    app: web
spec:
  replicas: REPLICAS
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: web
        image: nginx:1.27
        ports:
        - containerPort: 80
`

func TestKubectlWorkflow(t *testing.T) {
	s := framework.StartTestServer(t)
	k := newKubectl(t, s)

	mustMatch(t, k.run("", "create", "ns", "x"), `namespace/x created`)
	mustMatch(t, k.run("", "get", "ns", "x", "-o", "jsonpath={.status.phase}"), `^Active$`)

	file := filepath.Join(k.home, "web.yaml")
	write := func(replicas string) {
		if err := os.WriteFile(file, []byte(strings.Replace(manifest, "REPLICAS", replicas, 1)), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("3")
	mustMatch(t, k.run("", "apply", "-f", file), `deployment.apps/web created`)
	write("2")
	mustMatch(t, k.run("", "apply", "-f", file), `deployment.apps/web configured`)
	mustMatch(t, k.run("", "get", "deploy", "web", "-n", "x", "-o", "yaml"),
		`(?m)^kind: Deployment$`, `(?m)^  replicas: 2$`, `kubectl.kubernetes.io/last-applied-configuration`)

	write("4")
	mustMatch(t, k.run("", "apply", "--server-side", "--force-conflicts", "-f", file), `deployment.apps/web serverside-applied`)
	mustMatch(t, k.run("", "get", "deploy", "web", "-n", "x", "-o", "jsonpath={.spec.replicas}"), `^4$`)

	mustMatch(t, k.run("", "label", "deploy", "web", "-n", "x", "tier=front"), `deployment.apps/web labeled`)
	mustMatch(t, k.run("", "annotate", "deploy", "web", "-n", "x", "note=hello"), `deployment.apps/web annotated`)
	mustMatch(t, k.run("", "patch", "deploy", "web", "-n", "x", "-p", `{"spec":{"replicas":1}}`), `deployment.apps/web patched`)
	mustMatch(t, k.run("", "get", "deploy", "web", "-n", "x", "-o", "jsonpath={.metadata.labels.tier} {.metadata.annotations.note} {.spec.replicas}"),
		`^front hello 1$`)

	k.run("", "run", "p1", "-n", "x", "--image=busybox", "--restart=Never")
	mustMatch(t, k.run("", "get", "pods", "-A"),
		`(?m)^NAMESPACE\s+NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$`, `(?m)^x\s+p1\s+0/1\s+Pending\s+0\s+\S+$`)

	mustMatch(t, k.run("", "delete", "deploy", "web", "-n", "x"), `deployment.apps "web" deleted`)
	if out, err := k.try("", "get", "deploy", "web", "-n", "x"); err == nil || !strings.Contains(out, "NotFound") {
		t.Errorf("get after delete: %v\n%s", err, out)
	}
}

func TestKubectlDiscoveryAndExplain(t *testing.T) {
	s := framework.StartTestServer(t)
	k := newKubectl(t, s)
	mustMatch(t, k.run("", "api-resources"),
		`(?m)^pods\s+po\s+v1\s+true\s+Pod$`, `(?m)^deployments\s+deploy\s+apps/v1\s+true\s+Deployment$`)
	mustMatch(t, k.run("", "explain", "deployment.spec.replicas"), `KIND:\s+Deployment`, `FIELD:\s+replicas`)
}

func TestKubectlGetWatchReceivesAnEvent(t *testing.T) {
	s := framework.StartTestServer(t)
	k := newKubectl(t, s)
	cm := func(name string) map[string]any {
		return map[string]any{"apiVersion": "v1", "kind": "ConfigMap", "metadata": map[string]any{"name": name}}
	}
	s.Create(t, "/api/v1/namespaces/default/configmaps", cm("seed"))

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, k.bin, "get", "cm", "-n", "default", "-w")
	cmd.Env = k.env
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cancel(); _ = cmd.Wait() }()
	lines := make(chan string, 10)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	waitFor := func(prefix string) {
		t.Helper()
		for {
			select {
			case l, ok := <-lines:
				if !ok {
					t.Fatalf("kubectl get -w ended before printing %s", prefix)
				}
				if strings.HasPrefix(l, prefix+" ") {
					return
				}
			case <-ctx.Done():
				t.Fatalf("kubectl get -w did not print %s in time", prefix)
			}
		}
	}
	waitFor("seed") // the initial list is printed; the watch starts from its resourceVersion
	s.Create(t, "/api/v1/namespaces/default/configmaps", cm("watched"))
	waitFor("watched")
}

package cmd_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"keel.dev/keel/pkg/ctl/internal/fakeapi"
)

func addDeployment(s *fakeapi.Server, name string, status map[string]any) {
	s.Add(map[string]any{"apiVersion": "apps/v1", "kind": "Deployment",
		"metadata": map[string]any{"name": name, "namespace": "default", "generation": 2, "labels": map[string]any{"app": name}},
		"spec": map[string]any{"replicas": 3, "selector": map[string]any{"matchLabels": map[string]any{"app": name}},
			"template": map[string]any{"metadata": map[string]any{"labels": map[string]any{"app": name}},
				"spec": map[string]any{"containers": []any{map[string]any{"name": "web", "image": "nginx:1"}}}}},
		"status": status})
}

func TestMetadataScaleAndPatchCommands(t *testing.T) {
	s := newServer(t)
	addDeployment(s, "web", nil)
	cases := []struct {
		name   string
		args   []string
		out    string
		errOut string
		code   int
		body   string
	}{
		{name: "label adds a label with a merge patch", args: []string{"label", "deploy", "web", "tier=fe"}, out: "deployment.apps/web labeled\n",
			body: `{"metadata":{"labels":{"tier":"fe"}}}`},
		{name: "label refuses to overwrite without the flag", args: []string{"label", "deploy/web", "tier=be"},
			errOut: "error: 'tier' already has a value (fe), and --overwrite is false\n", code: 1},
		{name: "label removes with a trailing dash", args: []string{"label", "deploy/web", "tier-"}, out: "deployment.apps/web labeled\n",
			body: `{"metadata":{"labels":{"tier":null}}}`},
		{name: "annotate", args: []string{"annotate", "deploy/web", "note=hi"}, out: "deployment.apps/web annotated\n"},
		{name: "an unchanged label is reported", args: []string{"label", "deploy/web", "app=web"}, out: "deployment.apps/web not labeled\n"},
		{name: "scale patches the scale subresource", args: []string{"scale", "deploy/web", "--replicas=5"}, out: "deployment.apps/web scaled\n",
			body: `{"spec":{"replicas":5}}`},
		{name: "scale checks the current replicas", args: []string{"scale", "deploy/web", "--replicas=1", "--current-replicas=2"},
			errOut: "error: expected replicas to be 2, was 5\n", code: 1},
		{name: "patch with a JSON patch", args: []string{"patch", "deploy", "web", "--type=json", "-p", `[{"op":"replace","path":"/spec/replicas","value":2}]`},
			out: "deployment.apps/web patched\n"},
		{name: "set image patches the template", args: []string{"set", "image", "deploy/web", "web=nginx:2"}, out: "deployment.apps/web image updated\n",
			body: `{"spec":{"template":{"spec":{"containers":[{"image":"nginx:2","name":"web"}]}}}}`},
		{name: "rollout pause", args: []string{"rollout", "pause", "deploy/web"}, out: "deployment.apps/web paused\n"},
		{name: "rollout pause twice fails", args: []string{"rollout", "pause", "deploy/web"}, errOut: "error: deployments.apps \"web\" is already paused\n", code: 1},
		{name: "rollout resume", args: []string{"rollout", "resume", "deploy/web"}, out: "deployment.apps/web resumed\n", body: `{"spec":{"paused":null}}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, errOut, code := run(t, s, "", tc.args...)
			if out != tc.out || errOut != tc.errOut || code != tc.code {
				t.Fatalf("got %q %q %d, want %q %q %d", out, errOut, code, tc.out, tc.errOut, tc.code)
			}
			if tc.body != "" && s.Bodies[len(s.Bodies)-1] != tc.body {
				t.Errorf("sent %s, want %s", s.Bodies[len(s.Bodies)-1], tc.body)
			}
		})
	}
	d := s.Get("apps", "deployments", "default", "web")
	b, _ := json.Marshal(d["spec"])
	if !strings.Contains(string(b), `"replicas":2`) || !strings.Contains(string(b), `"image":"nginx:2"`) {
		t.Errorf("unexpected final spec %s", b)
	}
}

func TestRolloutStatusWaitsForTheController(t *testing.T) {
	s := newServer(t)
	addDeployment(s, "web", map[string]any{"observedGeneration": 2, "replicas": 3, "updatedReplicas": 3, "availableReplicas": 1})
	go func() {
		time.Sleep(300 * time.Millisecond)
		run(t, s, "", "patch", "deploy", "web", "--type=merge", "-p", `{"status":{"availableReplicas":3}}`)
	}()
	out, errOut, code := run(t, s, "", "rollout", "status", "deploy/web")
	want := "Waiting for deployment \"web\" rollout to finish: 1 of 3 updated replicas are available...\ndeployment \"web\" successfully rolled out\n"
	if out != want || code != 0 {
		t.Errorf("got %q %q, want %q", out, errOut, want)
	}
	out, _, _ = run(t, s, "", "rollout", "restart", "deploy/web")
	if out != "deployment.apps/web restarted\n" || !strings.Contains(s.Bodies[len(s.Bodies)-1], `"kubectl.kubernetes.io/restartedAt"`) {
		t.Errorf("restart: %q %s", out, s.Bodies[len(s.Bodies)-1])
	}
}

func TestWait(t *testing.T) {
	s := newServer(t)
	addDeployment(s, "web", map[string]any{"conditions": []any{map[string]any{"type": "Available", "status": "True"}}})
	out, _, code := run(t, s, "", "wait", "--for=condition=Available", "deploy/web")
	if out != "deployment.apps/web condition met\n" || code != 0 {
		t.Errorf("condition: %q", out)
	}
	out, _, code = run(t, s, "", "wait", "--for=jsonpath={.spec.replicas}=3", "deploy/web")
	if out != "deployment.apps/web condition met\n" || code != 0 {
		t.Errorf("jsonpath: %q", out)
	}
	_, errOut, code := run(t, s, "", "wait", "--for=condition=Ready", "deploy/web", "--timeout=300ms")
	if errOut != "error: timed out waiting for the condition on deployments/web\n" || code != 1 {
		t.Errorf("timeout: %q %d", errOut, code)
	}
	addPod(s, "default", "p", nil)
	go func() {
		time.Sleep(200 * time.Millisecond)
		run(t, s, "", "delete", "pod", "p", "--wait=false")
	}()
	out, _, code = run(t, s, "", "wait", "--for=delete", "pod/p", "--timeout=5s")
	if out != "pod/p condition met\n" || code != 0 {
		t.Errorf("delete: %q", out)
	}
}

func TestLogsAndDescribe(t *testing.T) {
	s := newServer(t)
	addPod(s, "default", "p", map[string]any{"app": "web"})
	out, _, _ := run(t, s, "", "logs", "p", "--tail=5", "-f")
	if out != "log of p container=c&follow=true&tailLines=5\n" {
		t.Errorf("logs: %q", out)
	}
	out, _, _ = run(t, s, "", "describe", "pod", "p")
	for _, want := range []string{"Name:             p\n", "Namespace:        default\n", "Labels:           app=web\n", "Status:           Running\n", "Containers:\n  c:\n", "    Image:          nginx:p\n", "Events:             <none>\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("describe lacks %q:\n%s", want, out)
		}
	}
}

func TestNodeCommands(t *testing.T) {
	s := newServer(t)
	s.Add(map[string]any{"apiVersion": "v1", "kind": "Node", "metadata": map[string]any{"name": "n1"}})
	steps := []struct {
		args []string
		out  string
	}{
		{[]string{"cordon", "n1"}, "node/n1 cordoned\n"},
		{[]string{"cordon", "n1"}, "node/n1 already cordoned\n"},
		{[]string{"uncordon", "n1"}, "node/n1 uncordoned\n"},
		{[]string{"taint", "nodes", "n1", "gpu=yes:NoSchedule"}, "node/n1 tainted\n"},
		{[]string{"taint", "nodes", "n1", "gpu:NoSchedule-"}, "node/n1 untainted\n"},
	}
	for _, st := range steps {
		out, errOut, _ := run(t, s, "", st.args...)
		if out != st.out {
			t.Errorf("ctl %v: got %q %q, want %q", st.args, out, errOut, st.out)
		}
	}
	addPod(s, "default", "onnode", nil)
	s.Get("", "pods", "default", "onnode")["spec"].(map[string]any)["nodeName"] = "n1"
	s.Get("", "pods", "default", "onnode")["metadata"].(map[string]any)["ownerReferences"] = []any{map[string]any{"kind": "ReplicaSet", "name": "rs", "uid": "u", "controller": true}}
	out, errOut, code := run(t, s, "", "drain", "n1")
	if out != "node/n1 cordoned\nevicting pod default/onnode\npod/onnode evicted\nnode/n1 drained\n" || code != 0 {
		t.Errorf("drain: %q %q", out, errOut)
	}
}

func TestConfigCommands(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "config")
	cfg := `apiVersion: v1
kind: Config
clusters:
- name: c1
  cluster:
    server: https://127.0.0.1:6443
    certificate-authority-data: Y2E=
users:
- name: u1
  user:
    token: secret
contexts:
- name: one
  context: {cluster: c1, user: u1}
- name: two
  context: {cluster: c1, user: u1, namespace: prod}
current-context: one
`
	os.WriteFile(path, []byte(cfg), 0o600)
	t.Setenv("HOME", dir)
	k := "--kubeconfig=" + path
	out, _, _ := run(t, nil, "", "config", "get-contexts", k)
	if want := "CURRENT   NAME   CLUSTER   AUTHINFO   NAMESPACE\n*         one    c1        u1         \n          two    c1        u1         prod\n"; out != want {
		t.Errorf("get-contexts: %q want %q", out, want)
	}
	if out, _, _ = run(t, nil, "", "config", "use-context", "two", k); out != "Switched to context \"two\".\n" {
		t.Errorf("use-context: %q", out)
	}
	if out, _, _ = run(t, nil, "", "config", "set-context", "--current", "-n", "dev", k); out != "Context \"two\" modified.\n" {
		t.Errorf("set-context: %q", out)
	}
	if out, _, _ = run(t, nil, "", "config", "current-context", k); out != "two\n" {
		t.Errorf("current-context: %q", out)
	}
	out, _, _ = run(t, nil, "", "config", "view", "--minify", k)
	for _, want := range []string{"certificate-authority-data: DATA+OMITTED", "token: REDACTED", "namespace: dev", "current-context: two"} {
		if !strings.Contains(out, want) {
			t.Errorf("view lacks %q:\n%s", want, out)
		}
	}
}

func TestEditVersionAndCompletion(t *testing.T) {
	s := newServer(t)
	addDeployment(s, "web", nil)
	script := filepath.Join(t.TempDir(), "ed.sh")
	os.WriteFile(script, []byte("#!/bin/sh\nsed -i 's/replicas: 3/replicas: 4/' \"$1\"\n"), 0o755)
	t.Setenv("KUBE_EDITOR", script)
	out, errOut, code := run(t, s, "", "edit", "deploy/web")
	if out != "deployment.apps/web edited\n" || code != 0 {
		t.Fatalf("edit: %q %q", out, errOut)
	}
	if b := s.Bodies[len(s.Bodies)-1]; b != `{"spec":{"replicas":4}}` {
		t.Errorf("edit patch %s", b)
	}
	out, _, _ = run(t, s, "", "version")
	if out != "Client Version: v1.32.0-keel\nServer Version: v1.32.0-keel\n" {
		t.Errorf("version: %q", out)
	}
	_, errOut, code = run(t, s, "", "top", "pods")
	if errOut != "error: Metrics API not available\n" || code != 1 {
		t.Errorf("top without metrics: %q %d", errOut, code)
	}
	out, _, _ = run(t, nil, "", "completion", "bash")
	if !strings.Contains(out, "__start_ctl") {
		t.Errorf("bash completion lacks its entry point")
	}
}

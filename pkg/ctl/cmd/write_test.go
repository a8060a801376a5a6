package cmd_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const deployYAML = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app: web
spec:
  replicas: 3
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
        image: nginx:1
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  a: "1"
`

func writeFile(t *testing.T, dir, name, data string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func lastRequest(reqs []string, prefix string) string {
	for i := len(reqs) - 1; i >= 0; i-- {
		if strings.HasPrefix(reqs[i], prefix) {
			return reqs[i]
		}
	}
	return ""
}

func TestCreateFromFileAndStdin(t *testing.T) {
	s := newServer(t)
	dir := t.TempDir()
	p := writeFile(t, dir, "app.yaml", deployYAML)
	out, errOut, code := run(t, s, "", "create", "-f", p)
	if out != "deployment.apps/web created\nconfigmap/settings created\n" || code != 0 {
		t.Fatalf("create: %q %q %d", out, errOut, code)
	}
	if s.Get("apps", "deployments", "default", "web") == nil {
		t.Fatal("deployment was not stored")
	}
	run(t, s, "", "create", "configmap", "saved", "--from-literal=a=b", "--save-config")
	if out, _, _ := run(t, s, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: saved\ndata:\n  a: b\n", "apply", "-f", "-"); out != "configmap/saved unchanged\n" {
		t.Errorf("apply after create --save-config: %q", out)
	}
	_, errOut, code = run(t, s, deployYAML, "create", "-f", "-")
	want := "Error from server (AlreadyExists): error when creating \"STDIN\": deployments.apps \"web\" already exists\n" +
		"Error from server (AlreadyExists): error when creating \"STDIN\": configmaps \"settings\" already exists\n"
	if errOut != want || code != 1 {
		t.Errorf("second create: %q (code %d), want %q", errOut, code, want)
	}
}

func TestCreateInvalidPrintsCauses(t *testing.T) {
	s := newServer(t)
	bad := "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: bad\nspec:\n  template:\n    spec:\n      containers: []\n"
	_, errOut, code := run(t, s, bad, "create", "-f", "-")
	want := "The Deployment \"bad\" is invalid: \n* spec.template.spec.containers: Required value\n* spec.selector: Required value\n"
	if errOut != want || code != 1 {
		t.Errorf("got %q (code %d), want %q", errOut, code, want)
	}
	one := "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: bad\nspec:\n  selector: {}\n"
	_, errOut, _ = run(t, s, one, "create", "-f", "-")
	if want := "The Deployment \"bad\" is invalid: spec.template.spec.containers: Required value\n"; errOut != want {
		t.Errorf("got %q, want %q", errOut, want)
	}
}

func TestCreateGenerators(t *testing.T) {
	s := newServer(t)
	dir := t.TempDir()
	cfg := writeFile(t, dir, "app.conf", "x=1\n")
	cases := []struct {
		name  string
		args  []string
		out   string
		check func(t *testing.T)
	}{
		{name: "namespace", args: []string{"create", "namespace", "demo"}, out: "namespace/demo created\n"},
		{name: "deployment with image, replicas and port", args: []string{"create", "deployment", "web", "--image=registry.io/team/nginx:1.25", "--replicas=2", "--port=80"},
			out: "deployment.apps/web created\n", check: func(t *testing.T) {
				d := s.Get("apps", "deployments", "default", "web")
				b, _ := json.Marshal(d["spec"])
				if !strings.Contains(string(b), `"containers":[{"image":"registry.io/team/nginx:1.25","name":"nginx","ports":[{"containerPort":80}]`) || !strings.Contains(string(b), `"replicas":2`) {
					t.Errorf("unexpected spec %s", b)
				}
			}},
		{name: "clusterip service", args: []string{"create", "service", "clusterip", "web", "--tcp=80:8080"}, out: "service/web created\n",
			check: func(t *testing.T) {
				b, _ := json.Marshal(s.Get("", "services", "default", "web")["spec"])
				if !strings.Contains(string(b), `{"name":"80-8080","port":80,"protocol":"TCP","targetPort":8080}`) {
					t.Errorf("unexpected spec %s", b)
				}
			}},
		{name: "configmap from literal and file", args: []string{"create", "configmap", "cfg", "--from-literal=a=b", "--from-file=" + cfg}, out: "configmap/cfg created\n",
			check: func(t *testing.T) {
				b, _ := json.Marshal(s.Get("", "configmaps", "default", "cfg")["data"])
				if string(b) != `{"a":"b","app.conf":"x=1\n"}` {
					t.Errorf("unexpected data %s", b)
				}
			}},
		{name: "generic secret base64 encodes", args: []string{"create", "secret", "generic", "s", "--from-literal=k=v"}, out: "secret/s created\n",
			check: func(t *testing.T) {
				b, _ := json.Marshal(s.Get("", "secrets", "default", "s")["data"])
				if string(b) != `{"k":"dg=="}` {
					t.Errorf("unexpected data %s", b)
				}
			}},
		{name: "job with a command", args: []string{"create", "job", "once", "--image=busybox", "--", "echo", "hi"}, out: "job.batch/once created\n"},
		{name: "cronjob with a schedule", args: []string{"create", "cronjob", "tick", "--image=busybox", "--schedule=*/1 * * * *"}, out: "cronjob.batch/tick created\n"},
		{name: "client dry run prints without creating", args: []string{"create", "configmap", "dry", "--from-literal=a=b", "--dry-run=client", "-o", "yaml"},
			out: "apiVersion: v1\ndata:\n  a: b\nkind: ConfigMap\nmetadata:\n  creationTimestamp: null\n  name: dry\n  namespace: default\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, errOut, code := run(t, s, "", tc.args...)
			if out != tc.out || code != 0 {
				t.Fatalf("got %q %q %d, want %q", out, errOut, code, tc.out)
			}
			if tc.check != nil {
				tc.check(t)
			}
		})
	}
}

func TestApplyThreeWay(t *testing.T) {
	s := newServer(t)
	dir := t.TempDir()
	p := writeFile(t, dir, "app.yaml", deployYAML)
	out, errOut, code := run(t, s, "", "apply", "-f", p)
	if out != "deployment.apps/web created\nconfigmap/settings created\n" || code != 0 {
		t.Fatalf("first apply: %q %q", out, errOut)
	}
	la := s.Get("apps", "deployments", "default", "web")["metadata"].(map[string]any)["annotations"].(map[string]any)["kubectl.kubernetes.io/last-applied-configuration"].(string)
	if !strings.HasPrefix(la, `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"labels":{"app":"web"},"name":"web","namespace":"default"}`) {
		t.Errorf("unexpected last-applied %s", la)
	}
	out, _, _ = run(t, s, "", "apply", "-f", p)
	if out != "deployment.apps/web unchanged\nconfigmap/settings unchanged\n" {
		t.Errorf("identical apply: %q", out)
	}
	// A live change is reset, and a dropped label is removed.
	d := s.Get("apps", "deployments", "default", "web")
	d["spec"].(map[string]any)["replicas"] = 5
	changed := strings.Replace(deployYAML, "  labels:\n    app: web\nspec", "spec", 1)
	writeFile(t, dir, "app.yaml", changed)
	out, errOut, _ = run(t, s, "", "apply", "-f", p)
	if out != "deployment.apps/web configured\nconfigmap/settings unchanged\n" {
		t.Fatalf("changed apply: %q %q", out, errOut)
	}
	patch := ""
	for _, b := range s.Bodies {
		if strings.HasPrefix(b, `{"metadata":{"annotations"`) {
			patch = b
		}
	}
	if !strings.Contains(patch, `"labels":null`) || !strings.Contains(patch, `"spec":{"replicas":3}`) {
		t.Errorf("unexpected patch %s", patch)
	}
	if r := lastRequest(s.Requests, "PATCH"); r != "PATCH /apis/apps/v1/namespaces/default/deployments/web?fieldManager=ctl-client-side-apply&fieldValidation=Strict" {
		t.Errorf("unexpected request %s", r)
	}
	d = s.Get("apps", "deployments", "default", "web")
	if d["spec"].(map[string]any)["replicas"] != float64(3) || d["metadata"].(map[string]any)["labels"] != nil {
		t.Errorf("apply did not converge: %v", d)
	}
}

func TestApplyServerSideAndPrune(t *testing.T) {
	s := newServer(t)
	dir := t.TempDir()
	p := writeFile(t, dir, "cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  labels:\n    set: x\n")
	out, errOut, code := run(t, s, "", "apply", "--server-side", "-f", p)
	if out != "configmap/a serverside-applied\n" || code != 0 {
		t.Fatalf("server-side apply: %q %q", out, errOut)
	}
	if r := lastRequest(s.Requests, "PATCH"); r != "PATCH /api/v1/namespaces/default/configmaps/a?fieldManager=ctl&fieldValidation=Strict&force=false" {
		t.Errorf("unexpected request %s", r)
	}
	run(t, s, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: old\n  labels:\n    set: x\n", "apply", "-f", "-")
	writeFile(t, dir, "cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  labels:\n    set: x\n")
	out, errOut, _ = run(t, s, "", "apply", "-f", dir, "--prune", "-l", "set=x")
	if out != "configmap/a created\nconfigmap/old pruned\n" && out != "configmap/a configured\nconfigmap/old pruned\n" {
		t.Errorf("prune: %q %q", out, errOut)
	}
	if s.Get("", "configmaps", "default", "old") != nil {
		t.Error("old was not pruned")
	}
}

func TestDelete(t *testing.T) {
	s := newServer(t)
	addPod(s, "default", "a", map[string]any{"app": "x"})
	addPod(s, "default", "b", map[string]any{"app": "x"})
	addPod(s, "default", "c", nil)
	out, errOut, code := run(t, s, "", "delete", "pod", "c", "nosuch")
	if out != "pod \"c\" deleted\n" || errOut != "Error from server (NotFound): pods \"nosuch\" not found\n" || code != 1 {
		t.Errorf("delete names: %q %q %d", out, errOut, code)
	}
	out, _, code = run(t, s, "", "delete", "pods", "-l", "app=x", "--grace-period=0", "--force")
	if out != "pod \"a\" deleted\npod \"b\" deleted\n" || code != 0 {
		t.Errorf("delete -l: %q", out)
	}
	if b := s.Bodies[len(s.Bodies)-1]; b != `{"gracePeriodSeconds":0,"propagationPolicy":"Background"}` {
		t.Errorf("unexpected delete body %s", b)
	}
	out, _, _ = run(t, s, "", "delete", "pods", "--all")
	if out != "No resources found\n" {
		t.Errorf("empty delete: %q", out)
	}
	p := writeFile(t, t.TempDir(), "x.yaml", deployYAML)
	run(t, s, "", "create", "-f", p)
	out, _, _ = run(t, s, "", "delete", "-f", p)
	if out != "deployment.apps \"web\" deleted\nconfigmap \"settings\" deleted\n" {
		t.Errorf("delete -f: %q", out)
	}
}

func TestApplyRecursiveDirectoryAndList(t *testing.T) {
	s := newServer(t)
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "sub"), 0o755)
	writeFile(t, dir, "a.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n")
	writeFile(t, filepath.Join(dir, "sub"), "b.json", `{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"b"}},{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"}}]}`)
	writeFile(t, dir, "notes.txt", "ignored")
	out, errOut, _ := run(t, s, "", "apply", "-f", dir)
	if out != "configmap/a created\n" {
		t.Errorf("without -R: %q %q", out, errOut)
	}
	out, errOut, _ = run(t, s, "", "apply", "-R", "-f", dir)
	if out != "configmap/a unchanged\nconfigmap/b created\nconfigmap/c created\n" {
		t.Errorf("with -R: %q %q", out, errOut)
	}
	_, errOut, code := run(t, s, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  namespace: other\n", "apply", "-f", "-", "-n", "default")
	if want := "error: the namespace from the provided object \"other\" does not match the namespace \"default\". You must pass '--namespace=other' to perform this operation.\n"; errOut != want || code != 1 {
		t.Errorf("namespace mismatch: %q", errOut)
	}
}

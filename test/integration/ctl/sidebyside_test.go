package ctl

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"keel.dev/keel/pkg/ctl/app"
	"keel.dev/keel/test/integration/framework"
)

type result struct {
	out, err string
	code     int
}

func runKubectl(t *testing.T, s *framework.TestServer, home, stdin string, args ...string) result {
	t.Helper()
	bin, err := exec.LookPath("kubectl")
	if err != nil {
		t.Skip("kubectl is not on PATH")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(os.Environ(), "HOME="+home, "KUBECONFIG="+s.Kubeconfig)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	code := 0
	if err := cmd.Run(); err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else {
			t.Fatal(err)
		}
	}
	return result{out.String(), errOut.String(), code}
}

func runCtl(t *testing.T, s *framework.TestServer, stdin string, args ...string) result {
	t.Helper()
	t.Setenv("KUBECONFIG", s.Kubeconfig)
	var out, errOut bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	code := app.Run(ctx, args, strings.NewReader(stdin), &out, &errOut)
	return result{out.String(), errOut.String(), code}
}

var ageRE = regexp.MustCompile(`\b\d+(s|m|h|d|y)(\d+(s|m|h))?\b`)

// normalize blanks ages and re-aligns columns so widths of AGE do not matter.
func normalize(s string) string {
	var lines []string
	for _, l := range strings.Split(s, "\n") {
		l = ageRE.ReplaceAllString(l, "AGE")
		lines = append(lines, strings.Join(strings.Fields(l), " "))
	}
	return strings.Join(lines, "\n")
}

const manifest = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app: web
spec:
  replicas: 2
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
  labels:
    app: web
data:
  a: "1"
`

func TestSideBySide(t *testing.T) {
	s := startServer(t)
	home := t.TempDir()
	for _, ns := range []string{"k", "c"} {
		if r := runKubectl(t, s, home, "", "create", "namespace", ns); r.code != 0 {
			t.Fatalf("create ns: %+v", r)
		}
	}
	steps := []struct {
		name string
		args []string
		in   string
		// same: the command acts on the shared namespace "k" for both tools.
		same bool
	}{
		{name: "create from stdin", args: []string{"create", "-f", "-"}, in: manifest},
		{name: "create again fails", args: []string{"create", "-f", "-"}, in: manifest},
		{name: "apply an existing object", args: []string{"apply", "-f", "-"}, in: manifest},
		{name: "apply again is unchanged", args: []string{"apply", "-f", "-"}, in: manifest},
		{name: "apply a change", args: []string{"apply", "-f", "-"}, in: strings.Replace(manifest, "replicas: 2", "replicas: 3", 1)},
		{name: "get a list", args: []string{"get", "deploy,cm"}},
		{name: "get with labels", args: []string{"get", "cm", "--show-labels", "-l", "app=web"}},
		{name: "get one as name", args: []string{"get", "deployment/web", "-o", "name"}},
		{name: "get jsonpath", args: []string{"get", "deploy", "-o", "jsonpath={.items[*].spec.replicas}"}},
		{name: "get custom columns", args: []string{"get", "cm", "-o", "custom-columns=NAME:.metadata.name,A:.data.a"}},
		{name: "get missing", args: []string{"get", "pod", "nosuch"}},
		{name: "get wide", args: []string{"get", "deploy", "-o", "wide"}},
		{name: "get all", args: []string{"get", "all"}},
		{name: "get sorted", args: []string{"get", "cm", "--sort-by=.metadata.name", "-o", "name"}},
		{name: "get pods in every namespace", args: []string{"get", "pods", "-A"}},
		{name: "get names from a list as yaml keys", args: []string{"get", "deploy", "-o", "jsonpath={range .items[*]}{.kind}/{.metadata.name}{\"\\n\"}{end}"}},
		{name: "get with a field selector", args: []string{"get", "cm", "--field-selector", "metadata.name=settings", "-o", "name"}},
		{name: "get an unknown type", args: []string{"get", "widgets"}},
		{name: "get namespaces", args: []string{"get", "ns", "k", "c"}, same: true},
		{name: "delete", args: []string{"delete", "-f", "-"}, in: manifest},
		{name: "get an empty list", args: []string{"get", "deploy"}},
		{name: "delete missing", args: []string{"delete", "cm", "nosuch"}},
		{name: "create generic", args: []string{"create", "configmap", "g", "--from-literal=a=b"}},
		{name: "create deployment generator", args: []string{"create", "deployment", "gen", "--image=busybox"}},
		{name: "label", args: []string{"label", "deploy", "gen", "tier=fe"}},
		{name: "label without overwrite", args: []string{"label", "deploy/gen", "tier=be"}},
		{name: "label with overwrite and removal", args: []string{"label", "deploy/gen", "tier=be", "app-", "--overwrite"}},
		{name: "annotate", args: []string{"annotate", "cm", "g", "note=x"}},
		{name: "scale", args: []string{"scale", "deploy/gen", "--replicas=3"}},
		{name: "patch merge", args: []string{"patch", "cm", "g", "--type", "merge", "-p", `{"data":{"b":"c"}}`}},
		{name: "patch strategic unchanged", args: []string{"patch", "cm", "g", "-p", `{"data":{"b":"c"}}`}},
		{name: "set image", args: []string{"set", "image", "deploy/gen", "busybox=busybox:2"}},
		{name: "set image of a missing container", args: []string{"set", "image", "deploy/gen", "nope=busybox:2"}},
		{name: "rollout pause", args: []string{"rollout", "pause", "deploy/gen"}},
		{name: "rollout pause again", args: []string{"rollout", "pause", "deploy/gen"}},
		{name: "rollout resume", args: []string{"rollout", "resume", "deploy/gen"}},
		{name: "rollout restart", args: []string{"rollout", "restart", "deploy/gen"}},
		{name: "get after changes", args: []string{"get", "deploy", "-o", "custom-columns=NAME:.metadata.name,REPLICAS:.spec.replicas,IMAGE:.spec.template.spec.containers[*].image,LABELS:.metadata.labels"}},
		{name: "api-resources", args: []string{"api-resources"}, same: true},
		{name: "api-resources namespaced wide", args: []string{"api-resources", "--namespaced=false", "-o", "wide"}, same: true},
		{name: "api-versions", args: []string{"api-versions"}, same: true},
		{name: "auth can-i", args: []string{"auth", "can-i", "create", "pods"}},
		{name: "apply into a missing namespace", args: []string{"apply", "-f", "-", "-n", "nosuch"}, in: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n", same: true},
		{name: "create dry run as yaml", args: []string{"create", "deployment", "dry", "--image=busybox", "--dry-run=client", "-o", "yaml"}, same: true},
		{name: "create configmap dry run as yaml", args: []string{"create", "configmap", "dry", "--from-literal=a=b", "--dry-run=client", "-o", "yaml"}, same: true},
		{name: "create service dry run as yaml", args: []string{"create", "service", "clusterip", "dry", "--tcp=80:8080", "--dry-run=client", "-o", "yaml"}, same: true},
		{name: "create job dry run as yaml", args: []string{"create", "job", "dry", "--image=busybox", "--dry-run=client", "-o", "yaml", "--", "echo", "hi"}, same: true},
		{name: "create cronjob dry run as yaml", args: []string{"create", "cronjob", "dry", "--image=busybox", "--schedule=* * * * *", "--dry-run=client", "-o", "yaml"}, same: true},
		{name: "create secret dry run as yaml", args: []string{"create", "secret", "generic", "dry", "--from-literal=a=b", "--dry-run=client", "-o", "yaml"}, same: true},
		{name: "create a pod", args: []string{"create", "-f", "-"}, in: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p1\nspec:\n  containers:\n  - name: c\n    image: busybox\n"},
		{name: "exec into a pod without a node", args: []string{"exec", "p1", "--", "echo", "hi"}},
		{name: "logs of a pod without a node", args: []string{"logs", "p1"}},
		{name: "explain a kind", args: []string{"explain", "pods"}, same: true},
		{name: "explain a field", args: []string{"explain", "deployments.spec.replicas"}, same: true},
		{name: "explain a missing field", args: []string{"explain", "deployments.spec.nope"}, same: true},
		{name: "describe a namespace", args: []string{"describe", "ns", "k"}, same: true},
		{name: "wait for a condition that never comes", args: []string{"wait", "--for=condition=Ready", "deploy/gen", "--timeout=1s"}},
		{name: "delete by label", args: []string{"delete", "cm", "-l", "app=web"}},
		{name: "delete all deployments", args: []string{"delete", "deploy", "--all"}},
		{name: "wait for delete of a missing object", args: []string{"wait", "--for=delete", "deploy/gen", "--timeout=2s"}},
	}
	for _, st := range steps {
		kArgs := append([]string{"-n", "k"}, st.args...)
		cArgs := append([]string{"-n", "c"}, st.args...)
		if st.same {
			cArgs = kArgs
		}
		if st.args[0] == "create" || st.args[0] == "apply" {
			kArgs = append([]string{"--validate=false"}, kArgs...)
		}
		k := runKubectl(t, s, home, st.in, kArgs...)
		c := runCtl(t, s, st.in, cArgs...)
		if st.same {
			// Compare exact text (no column or age normalization).
			if k.out != c.out || k.code != c.code {
				t.Errorf("%s: outputs differ\nkubectl (%d):\n%q\n%s\nctl (%d):\n%q\n%s", st.name, k.code, k.out, k.err, c.code, c.out, c.err)
			}
			continue
		}
		kOut, cOut := normalize(k.out), normalize(c.out)
		kErr := normalize(strings.ReplaceAll(k.err, `"k"`, `"c"`))
		kErr = strings.ReplaceAll(kErr, "in k namespace", "in c namespace")
		kErr = strings.ReplaceAll(kErr, "kubectl ", "ctl ")
		cErr := normalize(c.err)
		if kOut != cOut || kErr != cErr || k.code != c.code {
			t.Errorf("%s: outputs differ\nkubectl (%d):\n%s%s\nctl (%d):\n%s%s", st.name, k.code, k.out, k.err, c.code, c.out, c.err)
		}
	}
}

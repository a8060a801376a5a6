package cmd_test

import (
	"strings"
	"testing"
)

func TestGet(t *testing.T) {
	s := newServer(t)
	addPod(s, "default", "web-1", map[string]any{"app": "web", "tier": "fe"})
	addPod(s, "default", "db", map[string]any{"app": "db"})
	addPod(s, "kube-system", "coredns-abc", nil)
	cases := []struct {
		name   string
		args   []string
		out    string
		errOut string
		code   int
	}{
		{name: "a list prints the server's table with kubectl's spacing", args: []string{"get", "pods"},
			out: "NAME    READY   STATUS    RESTARTS   AGE\ndb      0/1     Running   0          5s\nweb-1   0/1     Running   0          5s\n"},
		{name: "short names resolve through discovery", args: []string{"get", "po", "db"},
			out: "NAME   READY   STATUS    RESTARTS   AGE\ndb     0/1     Running   0          5s\n"},
		{name: "all namespaces adds a NAMESPACE column", args: []string{"get", "pods", "-A"},
			out: "NAMESPACE     NAME          READY   STATUS    RESTARTS   AGE\ndefault       db            0/1     Running   0          5s\ndefault       web-1         0/1     Running   0          5s\nkube-system   coredns-abc   0/1     Running   0          5s\n"},
		{name: "wide output shows priority one columns", args: []string{"get", "pods", "-o", "wide", "-l", "app=db"},
			out: "NAME   READY   STATUS    RESTARTS   AGE   IP         NODE\ndb     0/1     Running   0          5s    10.0.0.1   <none>\n"},
		{name: "show labels appends a LABELS column", args: []string{"get", "pods", "--show-labels"},
			out: "NAME    READY   STATUS    RESTARTS   AGE   LABELS\ndb      0/1     Running   0          5s    app=db\nweb-1   0/1     Running   0          5s    app=web,tier=fe\n"},
		{name: "an empty list reports on stderr", args: []string{"get", "pods", "-n", "empty"},
			errOut: "No resources found in empty namespace.\n"},
		{name: "a missing object is a NotFound error with exit code 1", args: []string{"get", "pod", "nosuch"},
			errOut: "Error from server (NotFound): pods \"nosuch\" not found\n", code: 1},
		{name: "an unknown type names the type", args: []string{"get", "widgets"},
			errOut: "error: the server doesn't have a resource type \"widgets\"\n", code: 1},
		{name: "name output qualifies kinds", args: []string{"get", "pods", "-o", "name"},
			out: "pod/db\npod/web-1\n"},
		{name: "jsonpath ranges over items", args: []string{"get", "pods", "-o", `jsonpath={range .items[*]}{.metadata.name}:{.spec.containers[0].image}{"\n"}{end}`},
			out: "db:nginx:db\nweb-1:nginx:web-1\n"},
		{name: "jsonpath filters select items", args: []string{"get", "pods", "-o", `jsonpath={.items[?(@.metadata.name=="db")].status.podIP}`},
			out: "10.0.0.1"},
		{name: "custom columns print headers as given", args: []string{"get", "pods", "-o", "custom-columns=NAME:.metadata.name,IMAGE:.spec.containers[*].image,X:.missing"},
			out: "NAME    IMAGE         X\ndb      nginx:db      <none>\nweb-1   nginx:web-1   <none>\n"},
		{name: "sort by reverses the default order", args: []string{"get", "pods", "-A", "--sort-by", "{.spec.containers[0].image}", "-o", "name"},
			out: "pod/coredns-abc\npod/db\npod/web-1\n"},
		{name: "a single object prints as yaml", args: []string{"get", "pod/db", "-o", "jsonpath={.kind} {.metadata.labels.app}"},
			out: "Pod db"},
		{name: "cluster scoped resources ignore the namespace", args: []string{"get", "ns"},
			out: "NAME          STATUS   AGE\ndefault       Active   90s\nkube-system   Active   90s\n"},
		{name: "several types print separate tables with kinds", args: []string{"get", "ns,pods", "-l", "app=db"},
			out: "NAME     READY   STATUS    RESTARTS   AGE\npod/db   0/1     Running   0          5s\n"},
		{name: "type/name arguments mix", args: []string{"get", "pod/db", "ns/default"},
			out: "NAME     READY   STATUS    RESTARTS   AGE\npod/db   0/1     Running   0          5s\n\nNAME                STATUS   AGE\nnamespace/default   Active   90s\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, errOut, code := run(t, s, "", tc.args...)
			if out != tc.out || errOut != tc.errOut || code != tc.code {
				t.Errorf("ctl %s\nstdout:\n%s\nwant:\n%s\nstderr: %q want %q; code %d want %d", strings.Join(tc.args, " "), out, tc.out, errOut, tc.errOut, code, tc.code)
			}
		})
	}
}

func TestGetYAMLList(t *testing.T) {
	s := newServer(t)
	addPod(s, "default", "db", nil)
	out, _, code := run(t, s, "", "get", "pods", "-o", "yaml")
	if code != 0 || !strings.HasPrefix(out, "apiVersion: v1\nitems:\n- apiVersion: v1\n  kind: Pod\n") || !strings.HasSuffix(out, "kind: List\nmetadata:\n  resourceVersion: \"\"\n") {
		t.Errorf("unexpected yaml list:\n%s", out)
	}
	out, _, _ = run(t, s, "", "get", "pod", "db", "-o", "json")
	if !strings.HasPrefix(out, "{\n    \"apiVersion\": \"v1\",\n    \"kind\": \"Pod\",\n") {
		t.Errorf("unexpected json object:\n%s", out)
	}
}

func TestConnectionRefused(t *testing.T) {
	t.Setenv("KUBECONFIG", t.TempDir()+"/none")
	_, errOut, code := run(t, nil, "", "get", "pods", "--server", "https://127.0.0.1:1")
	want := "The connection to the server 127.0.0.1:1 was refused - did you specify the right host or port?\n"
	if errOut != want || code != 1 {
		t.Errorf("got %q (code %d), want %q", errOut, code, want)
	}
}

package cmd_test

import (
	"fmt"
	"strings"
	"testing"

	"keel.dev/keel/pkg/ctl/internal/fakeapi"
)

func TestRolloutHistoryAndUndo(t *testing.T) {
	s := newServer(t)
	addDeployment(s, "web", nil)
	d := s.Get("apps", "deployments", "default", "web")
	uid := d["metadata"].(map[string]any)["uid"]
	for i, img := range []string{"nginx:0", "nginx:1"} {
		s.Add(map[string]any{"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": map[string]any{
			"name": "web-" + img[len(img)-1:], "namespace": "default", "labels": map[string]any{"app": "web"},
			"annotations":     map[string]any{"deployment.kubernetes.io/revision": []string{"1", "2"}[i]},
			"ownerReferences": []any{map[string]any{"kind": "Deployment", "name": "web", "uid": uid, "controller": true}}},
			"spec": map[string]any{"template": map[string]any{"metadata": map[string]any{"labels": map[string]any{"app": "web", "pod-template-hash": "h"}},
				"spec": map[string]any{"containers": []any{map[string]any{"name": "web", "image": img}}}}}})
	}
	out, errOut, _ := run(t, s, "", "rollout", "history", "deploy/web")
	if want := "deployment.apps/web \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n\n"; out != want {
		t.Errorf("history: %q %q, want %q", out, errOut, want)
	}
	out, errOut, _ = run(t, s, "", "rollout", "undo", "deploy/web")
	if out != "deployment.apps/web rolled back\n" {
		t.Fatalf("undo: %q %q", out, errOut)
	}
	if r := lastRequest(s.Requests, "PATCH"); r != "PATCH /apis/apps/v1/namespaces/default/deployments/web" {
		t.Errorf("undo request %s", r)
	}
	body := s.Bodies[len(s.Bodies)-1]
	if !strings.HasPrefix(body, `[{"op":"replace","path":"/spec/template","value":`) || !strings.Contains(body, `"image":"nginx:0"`) || strings.Contains(body, "pod-template-hash") {
		t.Errorf("undo body %s", body)
	}
	out, _, _ = run(t, s, "", "rollout", "undo", "deploy/web", "--to-revision=1")
	if out != "deployment.apps/web skipped rollback (current template already matches revision 1)\n" {
		t.Errorf("second undo: %q", out)
	}
}

func TestDescribeKinds(t *testing.T) {
	s := newServer(t)
	addDeployment(s, "web", map[string]any{"replicas": 3, "updatedReplicas": 3, "availableReplicas": 2})
	run(t, s, "", "create", "service", "nodeport", "web", "--tcp=80:8080")
	s.Add(map[string]any{"apiVersion": "v1", "kind": "Node", "metadata": map[string]any{"name": "n1", "labels": map[string]any{"node-role.kubernetes.io/control-plane": ""}},
		"status": map[string]any{"allocatable": map[string]any{"cpu": "2"}, "addresses": []any{map[string]any{"type": "InternalIP", "address": "10.0.0.2"}}}})
	checks := map[string][]string{
		// The fake API does not default the strategy, so there is no
		// RollingUpdateStrategy line to widen the first column.
		"deploy/web": {"Selector:           app=web\n", "Replicas:           3 desired | 3 updated | 3 total | 2 available | 0 unavailable\n", "MinReadySeconds:    0\n", "    Image:         nginx:1\n", "  Containers:\n   web:\n"},
		"svc/web":    {"Selector:                 app=web\n", "Type:                     NodePort\n", "Port:                     80-8080  80/TCP\n", "TargetPort:               8080/TCP\n"},
		"node/n1":    {"Roles:              control-plane\n", "  InternalIP:  10.0.0.2\n", "Non-terminated Pods:  (0 in total)\n"},
	}
	for ref, wants := range checks {
		out, errOut, code := run(t, s, "", "describe", ref)
		if code != 0 {
			t.Fatalf("describe %s: %s", ref, errOut)
		}
		for _, w := range wants {
			if !strings.Contains(out, w) {
				t.Errorf("describe %s lacks %q:\n%s", ref, w, out)
			}
		}
	}
}

// addHistory adds a Deployment "web" with ReplicaSet revisions 1 (nginx:0)
// and 2 (nginx:1, with a change cause), and a DaemonSet "ds" (busybox:2)
// with ControllerRevisions 1 (a whole template, busybox:1) and 2 (a partial
// patch changing only the image).
func addHistory(s *fakeapi.Server) {
	addDeployment(s, "web", nil)
	uid := s.Get("apps", "deployments", "default", "web")["metadata"].(map[string]any)["uid"]
	owner := func(kind, name string, uid any) []any {
		return []any{map[string]any{"apiVersion": "apps/v1", "kind": kind, "name": name, "uid": uid, "controller": true}}
	}
	for i, img := range []string{"nginx:0", "nginx:1"} {
		ann := map[string]any{"deployment.kubernetes.io/revision": fmt.Sprint(i + 1)}
		if i == 1 {
			ann["kubernetes.io/change-cause"] = "set image"
		}
		s.Add(map[string]any{"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": map[string]any{
			"name": fmt.Sprintf("web-%d", i), "namespace": "default", "labels": map[string]any{"app": "web"},
			"annotations": ann, "ownerReferences": owner("Deployment", "web", uid), "managedFields": []any{map[string]any{"manager": "m"}}},
			"spec": map[string]any{"template": map[string]any{"metadata": map[string]any{"labels": map[string]any{"app": "web", "pod-template-hash": "h"}},
				"spec": map[string]any{"containers": []any{map[string]any{"name": "web", "image": img}}}}}})
	}
	s.Add(map[string]any{"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": map[string]any{"name": "ds", "namespace": "default"},
		"spec": map[string]any{"selector": map[string]any{"matchLabels": map[string]any{"app": "ds"}},
			"template": map[string]any{"metadata": map[string]any{"labels": map[string]any{"app": "ds"}},
				"spec": map[string]any{"containers": []any{map[string]any{"name": "c", "image": "busybox:2", "args": []any{"sleep"}}}}}}})
	dsUID := s.Get("apps", "daemonsets", "default", "ds")["metadata"].(map[string]any)["uid"]
	for rev, data := range map[int]map[string]any{
		1: {"spec": map[string]any{"template": map[string]any{"$patch": "replace", "metadata": map[string]any{"labels": map[string]any{"app": "ds"}},
			"spec": map[string]any{"containers": []any{map[string]any{"name": "c", "image": "busybox:1"}}}}}},
		2: {"spec": map[string]any{"template": map[string]any{"spec": map[string]any{"containers": []any{map[string]any{"name": "c", "image": "busybox:9"}}}}}},
	} {
		s.Add(map[string]any{"apiVersion": "apps/v1", "kind": "ControllerRevision", "metadata": map[string]any{
			"name": fmt.Sprintf("ds-%d", rev), "namespace": "default", "labels": map[string]any{"app": "ds"}, "ownerReferences": owner("DaemonSet", "ds", dsUID)},
			"revision": rev, "data": data})
	}
}

func TestRolloutHistoryRevision(t *testing.T) {
	s := newServer(t)
	addHistory(s)
	podTemplate := func(labels, annotations, image, args string) string {
		return "Pod Template:\n  Labels:\t" + labels + annotations + "  Containers:\n   " + image + args +
			"    Environment:\t<none>\n    Mounts:\t<none>\n  Volumes:\t<none>\n  Node-Selectors:\t<none>\n  Tolerations:\t<none>\n\n"
	}
	cases := []struct {
		name      string
		args      []string
		out       string
		errOut    string
		code      int
		contains  []string
		lacks     []string
		jsonOrder []string // keys that must appear in this order
	}{
		{name: "a deployment revision prints its replica set's template with the change cause",
			args: []string{"deploy/web", "--revision=2"},
			out: "deployment.apps/web with revision #2\n" + podTemplate("app=web\n\tpod-template-hash=h\n", "  Annotations:\tkubernetes.io/change-cause: set image\n",
				"web:\n    Image:\tnginx:1\n    Port:\t<none>\n    Host Port:\t<none>\n", "")},
		{name: "a whole-template controller revision replaces the template",
			args: []string{"ds/ds", "--revision", "1"},
			out: "daemonset.apps/ds with revision #1\n" + podTemplate("app=ds\n", "",
				"c:\n    Image:\tbusybox:1\n    Port:\t<none>\n    Host Port:\t<none>\n", "")},
		{name: "a partial controller revision merges into the current template",
			args: []string{"ds/ds", "--revision=2"},
			out: "daemonset.apps/ds with revision #2\n" + podTemplate("app=ds\n", "",
				"c:\n    Image:\tbusybox:9\n    Port:\t<none>\n    Host Port:\t<none>\n", "    Args:\n      sleep\n")},
		{name: "revision zero lists the history",
			args: []string{"deploy/web", "--revision=0"},
			out:  "deployment.apps/web \nREVISION  CHANGE-CAUSE\n1         <none>\n2         set image\n\n"},
		{name: "a missing revision is an error", args: []string{"deploy/web", "--revision=3"},
			errOut: "error: unable to find the specified revision\n", code: 1},
		{name: "a missing revision is an error with -o too", args: []string{"ds/ds", "--revision=3", "-o", "yaml"},
			errOut: "error: unable to find the specified revision\n", code: 1},
		{name: "a negative revision is refused", args: []string{"deploy/web", "--revision=-2"},
			errOut: "error: revision must be a positive integer: -2\n", code: 1},
		{name: "table formats are refused", args: []string{"deploy/web", "-o", "wide"}, code: 1,
			errOut: "error: unable to match a printer suitable for the output format \"wide\", allowed formats are: " +
				"go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,yaml\n"},
		{name: "-o name names the replica set of a deployment revision", args: []string{"deploy/web", "--revision=1", "-o", "name"},
			out: "replicaset.apps/web-0\n"},
		{name: "-o name without a revision names every revision's object", args: []string{"ds/ds", "-o", "name"},
			out: "daemonset.apps/ds\ndaemonset.apps/ds\n"},
		{name: "-o yaml prints the replica set without managed fields", args: []string{"deploy/web", "--revision=2", "-o", "yaml"},
			contains: []string{"apiVersion: apps/v1\nkind: ReplicaSet\n", "  name: web-1\n", "      creationTimestamp: null\n", "      - image: nginx:1\n"},
			lacks:    []string{"managedFields", "---"}},
		{name: "-o yaml without a revision separates the objects", args: []string{"deploy/web", "-o", "yaml"},
			contains: []string{"  name: web-0\n", "---\napiVersion: apps/v1\nkind: ReplicaSet\n", "  name: web-1\n"}},
		{name: "--show-managed-fields keeps them", args: []string{"deploy/web", "--revision=2", "-o", "yaml", "--show-managed-fields"},
			contains: []string{"  managedFields:\n  - manager: m\n"}},
		{name: "-o json prints the daemon set as the revision makes it, in field order", args: []string{"ds/ds", "--revision=2", "-o", "json"},
			contains:  []string{"{\n    \"kind\": \"DaemonSet\",\n    \"apiVersion\": \"apps/v1\",\n", "\"image\": \"busybox:9\""},
			jsonOrder: []string{`"metadata"`, `"spec"`, `"selector"`, `"template"`, `"creationTimestamp": null`, `"labels"`, `"containers"`, `"name": "c"`, `"image"`, `"args"`}},
		{name: "jsonpath reads the revision's object", args: []string{"deploy/web", "--revision=1", "-o", "jsonpath={.spec.template.spec.containers[0].image}"},
			out: "nginx:0"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, errOut, code := run(t, s, "", append([]string{"rollout", "history"}, tc.args...)...)
			if errOut != tc.errOut || code != tc.code {
				t.Fatalf("stderr %q code %d, want %q %d (stdout %q)", errOut, code, tc.errOut, tc.code, out)
			}
			if tc.contains == nil && out != tc.out {
				t.Errorf("stdout:\n%q\nwant:\n%q", out, tc.out)
			}
			for _, c := range tc.contains {
				if !strings.Contains(out, c) {
					t.Errorf("stdout lacks %q:\n%s", c, out)
				}
			}
			for _, l := range tc.lacks {
				if strings.Contains(out, l) {
					t.Errorf("stdout has %q:\n%s", l, out)
				}
			}
			at := 0
			for _, k := range tc.jsonOrder {
				i := strings.Index(out[at:], k)
				if i < 0 {
					t.Fatalf("%s missing or out of order after byte %d:\n%s", k, at, out)
				}
				at += i + len(k)
			}
		})
	}
}

func TestRolloutHistoryWithoutRevisions(t *testing.T) {
	s := newServer(t)
	addDeployment(s, "web", nil)
	for _, args := range [][]string{{"deploy/web"}, {"deploy/web", "--revision=4"}} {
		out, errOut, code := run(t, s, "", append([]string{"rollout", "history"}, args...)...)
		header := "deployment.apps/web \n"
		if len(args) > 1 {
			header = "deployment.apps/web with revision #4\n"
		}
		if want := header + "No rollout history found.\n"; out != want || errOut != "" || code != 0 {
			t.Errorf("%v: %q %q %d, want %q", args, out, errOut, code, want)
		}
	}
	if out, _, code := run(t, s, "", "rollout", "history", "deploy/web", "-o", "yaml"); out != "" || code != 0 {
		t.Errorf("-o yaml without history printed %q (code %d)", out, code)
	}
}

func TestRolloutHistoryRevisionWithoutData(t *testing.T) {
	s := newServer(t)
	addHistory(s)
	uid := s.Get("apps", "daemonsets", "default", "ds")["metadata"].(map[string]any)["uid"]
	s.Add(map[string]any{"apiVersion": "apps/v1", "kind": "ControllerRevision", "metadata": map[string]any{
		"name": "ds-3", "namespace": "default", "labels": map[string]any{"app": "ds"},
		"ownerReferences": []any{map[string]any{"apiVersion": "apps/v1", "kind": "DaemonSet", "name": "ds", "uid": uid, "controller": true}}},
		"revision": 3})
	if out, errOut, code := run(t, s, "", "rollout", "history", "ds/ds"); code != 0 || !strings.HasSuffix(out, "3         <none>\n\n") {
		t.Errorf("the list should not need revision data: %q %q %d", out, errOut, code)
	}
	if _, errOut, code := run(t, s, "", "rollout", "history", "ds/ds", "--revision=3"); code != 1 || errOut != "error: controller revision \"ds-3\" has no data\n" {
		t.Errorf("showing the revision: %q %d", errOut, code)
	}
	if out, _, code := run(t, s, "", "rollout", "history", "ds/ds", "--revision=1"); code != 0 || !strings.Contains(out, "Image:\tbusybox:1\n") {
		t.Errorf("other revisions still show: %q %d", out, code)
	}
}

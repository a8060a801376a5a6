package cmd_test

import (
	"strings"
	"testing"
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
		"deploy/web": {"Selector:               app=web\n", "Replicas:               3 desired | 3 updated | 3 total | 2 available | 0 unavailable\n", "StrategyType:           RollingUpdate\n", "      Image:        nginx:1\n"},
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

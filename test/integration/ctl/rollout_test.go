package ctl

import (
	"encoding/json"
	"strings"
	"testing"

	"keel.dev/keel/test/integration/framework"
)

// createWorkloads creates in ns a DaemonSet "ds" and a StatefulSet "sts"
// (image busybox:2) with two ControllerRevisions each (busybox:1 and
// busybox:2), as their controllers would have written them.
func createWorkloads(t *testing.T, s *framework.TestServer, ns string) {
	t.Helper()
	tmpl := func(app string) map[string]any {
		return map[string]any{"metadata": map[string]any{"labels": map[string]any{"app": app}},
			"spec": map[string]any{"containers": []any{map[string]any{"name": "c", "image": "busybox:2"}}}}
	}
	sel := func(app string) map[string]any { return map[string]any{"matchLabels": map[string]any{"app": app}} }
	s.Create(t, "/apis/apps/v1/namespaces/"+ns+"/daemonsets", map[string]any{"apiVersion": "apps/v1", "kind": "DaemonSet",
		"metadata": map[string]any{"name": "ds"}, "spec": map[string]any{"selector": sel("ds"), "template": tmpl("ds")}})
	s.Create(t, "/apis/apps/v1/namespaces/"+ns+"/statefulsets", map[string]any{"apiVersion": "apps/v1", "kind": "StatefulSet",
		"metadata": map[string]any{"name": "sts"}, "spec": map[string]any{"replicas": 2, "serviceName": "sts", "selector": sel("sts"), "template": tmpl("sts")}})
	for _, w := range []struct{ kind, resource, name string }{{"DaemonSet", "daemonsets", "ds"}, {"StatefulSet", "statefulsets", "sts"}} {
		obj := s.Get(t, "/apis/apps/v1/namespaces/"+ns+"/"+w.resource+"/"+w.name).Object(t)
		md := obj["metadata"].(map[string]any)
		for rev, image := range map[int]string{1: "busybox:1", 2: "busybox:2"} {
			s.Create(t, "/apis/apps/v1/namespaces/"+ns+"/controllerrevisions", map[string]any{"apiVersion": "apps/v1", "kind": "ControllerRevision",
				"metadata": map[string]any{"name": w.name + "-" + string(rune('0'+rev)), "labels": map[string]any{"app": w.name},
					"annotations": map[string]any{"kubernetes.io/change-cause": "image " + image},
					"ownerReferences": []any{map[string]any{"apiVersion": "apps/v1", "kind": w.kind, "name": w.name, "uid": md["uid"],
						"controller": true, "blockOwnerDeletion": true}}},
				"revision": rev, "data": revisionPatch(t, obj, image)})
		}
	}
}

// revisionPatch is the strategic merge patch a controller stores for the
// object's template with image: the whole template, replaced.
func revisionPatch(t *testing.T, obj map[string]any, image string) map[string]any {
	t.Helper()
	var tmpl map[string]any
	b, _ := json.Marshal(obj["spec"].(map[string]any)["template"])
	if err := json.Unmarshal(b, &tmpl); err != nil {
		t.Fatal(err)
	}
	if md, ok := tmpl["metadata"].(map[string]any); ok {
		if _, ok := md["creationTimestamp"]; !ok {
			md["creationTimestamp"] = nil
		}
	}
	c := tmpl["spec"].(map[string]any)["containers"].([]any)[0].(map[string]any)
	c["image"] = image
	tmpl["$patch"] = "replace"
	return map[string]any{"spec": map[string]any{"template": tmpl}}
}

func TestRolloutOfDaemonSetsAndStatefulSetsSideBySide(t *testing.T) {
	s := startServer(t)
	home := t.TempDir()
	for _, ns := range []string{"k", "c"} {
		if r := runKubectl(t, s, home, "", "create", "namespace", ns); r.code != 0 {
			t.Fatalf("create ns: %+v", r)
		}
		createWorkloads(t, s, ns)
	}
	dsStatus := func(available int) func(ns string) {
		return func(ns string) {
			path := "/apis/apps/v1/namespaces/" + ns + "/daemonsets/ds"
			gen := s.Get(t, path).Object(t)["metadata"].(map[string]any)["generation"]
			setStatus(t, s, path, map[string]any{"observedGeneration": gen, "desiredNumberScheduled": 1, "currentNumberScheduled": 1,
				"updatedNumberScheduled": 1, "numberAvailable": available, "numberReady": available, "numberMisscheduled": 0})
		}
	}
	stsStatus := func(ready int) func(ns string) {
		return func(ns string) {
			path := "/apis/apps/v1/namespaces/" + ns + "/statefulsets/sts"
			gen := s.Get(t, path).Object(t)["metadata"].(map[string]any)["generation"]
			setStatus(t, s, path, map[string]any{"observedGeneration": gen, "replicas": 2, "readyReplicas": ready, "updatedReplicas": 2,
				"currentReplicas": 2, "currentRevision": "sts-1", "updateRevision": "sts-2", "availableReplicas": ready})
		}
	}
	steps := []struct {
		name   string
		before func(ns string)
		args   []string
	}{
		{name: "daemon set status before its status is written", args: []string{"rollout", "status", "ds/ds", "--watch=false"}},
		{name: "daemon set status with no pod available", before: dsStatus(0), args: []string{"rollout", "status", "ds/ds", "--watch=false"}},
		{name: "daemon set status when done", before: dsStatus(1), args: []string{"rollout", "status", "daemonset/ds"}},
		{name: "daemon set history", args: []string{"rollout", "history", "ds/ds"}},
		{name: "daemon set undo", args: []string{"rollout", "undo", "ds/ds"}},
		{name: "daemon set undo to the current revision", args: []string{"rollout", "undo", "ds/ds", "--to-revision=1"}},
		{name: "daemon set undo to the previous revision, already current", args: []string{"rollout", "undo", "ds/ds"}},
		{name: "daemon set undo to a missing revision", args: []string{"rollout", "undo", "ds/ds", "--to-revision=7"}},
		{name: "daemon set pause", args: []string{"rollout", "pause", "ds/ds"}},
		{name: "daemon set resume", args: []string{"rollout", "resume", "ds/ds"}},
		{name: "daemon set restart", args: []string{"rollout", "restart", "ds/ds"}},
		{name: "daemon set image after undo", args: []string{"get", "ds", "ds", "-o", "jsonpath={.spec.template.spec.containers[0].image}"}},
		{name: "stateful set status waiting for pods", before: stsStatus(1), args: []string{"rollout", "status", "sts/sts", "--watch=false"}},
		{name: "stateful set status when done", before: stsStatus(2), args: []string{"rollout", "status", "statefulset/sts"}},
		{name: "stateful set history", args: []string{"rollout", "history", "sts/sts"}},
		{name: "stateful set undo", args: []string{"rollout", "undo", "sts/sts", "--to-revision=1"}},
		{name: "stateful set pause", args: []string{"rollout", "pause", "sts/sts"}},
		{name: "stateful set image after undo", args: []string{"get", "sts", "sts", "-o", "jsonpath={.spec.template.spec.containers[0].image}"}},
	}
	for _, st := range steps {
		if st.before != nil {
			st.before("k")
			st.before("c")
		}
		k := runKubectl(t, s, home, "", append([]string{"-n", "k"}, st.args...)...)
		c := runCtl(t, s, "", append([]string{"-n", "c"}, st.args...)...)
		kErr := strings.ReplaceAll(k.err, `"k"`, `"c"`)
		if k.out != c.out || kErr != c.err || k.code != c.code {
			t.Errorf("%s: outputs differ\nkubectl (%d):\n%q\n%q\nctl (%d):\n%q\n%q", st.name, k.code, k.out, k.err, c.code, c.out, c.err)
		}
	}
}

package ctl

import (
	"strings"
	"testing"

	"keel.dev/keel/test/integration/framework"
)

// createOwnedPod creates a pod labelled app=<app> plus extra, controlled
// by owner (of kind) unless owner is nil, in phase.
func createOwnedPod(t *testing.T, s *framework.TestServer, ns, name, app string, extra map[string]any, kind string, owner map[string]any, phase string) {
	t.Helper()
	labels := map[string]any{"app": app}
	for k, v := range extra {
		labels[k] = v
	}
	md := map[string]any{"name": name, "labels": labels}
	if owner != nil {
		md["ownerReferences"] = []any{ownerRef(kind, framework.String(owner, "metadata.name"), owner)}
	}
	s.Create(t, "/api/v1/namespaces/"+ns+"/pods", map[string]any{"apiVersion": "v1", "kind": "Pod", "metadata": md,
		"spec": map[string]any{"containers": []any{map[string]any{"name": "c", "image": "busybox"}}}})
	setStatus(t, s, "/api/v1/namespaces/"+ns+"/pods/"+name, map[string]any{"phase": phase})
}

// createEvent records an event about obj (of kind) with fixed old times.
func createEvent(t *testing.T, s *framework.TestServer, ns, name, kind string, obj map[string]any, typ, reason, msg string, count int, first, last string) {
	t.Helper()
	s.Create(t, "/api/v1/namespaces/"+ns+"/events", map[string]any{"apiVersion": "v1", "kind": "Event",
		"metadata": map[string]any{"name": name},
		"involvedObject": map[string]any{"apiVersion": "apps/v1", "kind": kind, "namespace": ns,
			"name": framework.String(obj, "metadata.name"), "uid": framework.String(obj, "metadata.uid")},
		"type": typ, "reason": reason, "message": msg, "count": count, "firstTimestamp": first, "lastTimestamp": last,
		"source": map[string]any{"component": kind + "-controller"}})
}

// createDescribed adds to the objects of createHistory in ns the status,
// pods, replica sets and events the workload describers print.
func createDescribed(t *testing.T, s *framework.TestServer, ns string) {
	t.Helper()
	createHistory(t, s, ns)
	apps := "/apis/apps/v1/namespaces/" + ns + "/"
	web := s.Get(t, apps+"deployments/web").Object(t)
	setStatus(t, s, apps+"deployments/web", map[string]any{"replicas": 3, "updatedReplicas": 2, "availableReplicas": 1, "unavailableReplicas": 2,
		"conditions": []any{
			map[string]any{"type": "Available", "status": "False", "reason": "MinimumReplicasUnavailable", "message": "Deployment does not have minimum availability.",
				"lastUpdateTime": "2020-01-01T00:00:00Z", "lastTransitionTime": "2020-01-01T00:00:00Z"},
			map[string]any{"type": "Progressing", "status": "True", "reason": "ReplicaSetUpdated", "message": "progressing",
				"lastUpdateTime": "2020-01-01T00:00:00Z", "lastTransitionTime": "2020-01-01T00:00:00Z"},
		}})
	old := historyTemplate("web", "nginx:0")
	old["metadata"].(map[string]any)["labels"].(map[string]any)["pod-template-hash"] = "h0"
	rs := s.Create(t, apps+"replicasets", map[string]any{"apiVersion": "apps/v1", "kind": "ReplicaSet",
		"metadata": map[string]any{"name": "web-h0", "labels": map[string]any{"app": "web", "pod-template-hash": "h0"},
			"annotations":     map[string]any{"deployment.kubernetes.io/revision": "0"},
			"ownerReferences": []any{ownerRef("Deployment", "web", web)}},
		"spec": map[string]any{"replicas": 2, "selector": map[string]any{"matchLabels": map[string]any{"app": "web", "pod-template-hash": "h0"}}, "template": old}})
	setStatus(t, s, apps+"replicasets/web-h0", map[string]any{"replicas": 1, "readyReplicas": 1,
		"conditions": []any{map[string]any{"type": "ReplicaFailure", "status": "True", "reason": "FailedCreate", "message": "quota", "lastTransitionTime": "2020-01-01T00:00:00Z"}}})
	h0 := map[string]any{"pod-template-hash": "h0"}
	createOwnedPod(t, s, ns, "web-h0-a", "web", h0, "ReplicaSet", rs, "Running")
	createOwnedPod(t, s, ns, "web-h0-b", "web", h0, "ReplicaSet", rs, "Pending")
	createOwnedPod(t, s, ns, "web-h0-c", "web", h0, "ReplicaSet", web, "Running")
	createEvent(t, s, ns, "web.1", "Deployment", web, "Normal", "ScalingReplicaSet", "Scaled up replica set web-h2 to 1", 1, "2020-01-01T00:00:00Z", "2020-01-01T00:00:00Z")
	createEvent(t, s, ns, "web.2", "Deployment", web, "Warning", "Failed", "  something\nwent wrong ", 3, "2019-01-01T00:00:00Z", "2021-01-01T00:00:00Z")

	small := func(app string) map[string]any {
		return map[string]any{"metadata": map[string]any{"labels": map[string]any{"app": app, "tier": "x"}},
			"spec": map[string]any{"containers": []any{map[string]any{"name": "c", "image": "busybox"}}}}
	}
	for _, name := range []string{"recreate", "fresh"} {
		defer func(name string) {
			dep := s.Get(t, apps+"deployments/"+name).Object(t)
			tmpl := small("r")
			if name == "recreate" {
				tmpl["spec"].(map[string]any)["containers"].([]any)[0].(map[string]any)["image"] = "busybox:0"
			} else {
				tmpl = small(name)
			}
			tmpl["metadata"].(map[string]any)["labels"].(map[string]any)["pod-template-hash"] = "x1"
			s.Create(t, apps+"replicasets", map[string]any{"apiVersion": "apps/v1", "kind": "ReplicaSet",
				"metadata": map[string]any{"name": name + "-x1", "labels": tmpl["metadata"].(map[string]any)["labels"],
					"ownerReferences": []any{ownerRef("Deployment", name, dep)}},
				"spec": map[string]any{"replicas": 1, "selector": map[string]any{"matchLabels": map[string]any{"pod-template-hash": "x1"}}, "template": tmpl}})
		}(name)
	}
	s.Create(t, apps+"deployments", map[string]any{"apiVersion": "apps/v1", "kind": "Deployment",
		"metadata": map[string]any{"name": "fresh"}, "spec": map[string]any{"selector": map[string]any{"matchLabels": map[string]any{"app": "fresh"}}, "template": small("fresh")}})
	s.Create(t, apps+"deployments", map[string]any{"apiVersion": "apps/v1", "kind": "Deployment",
		"metadata": map[string]any{"name": "recreate", "labels": map[string]any{"app": "r", "tier": "x"}, "annotations": map[string]any{"note": "n"}},
		"spec": map[string]any{"replicas": 0, "minReadySeconds": 5, "paused": true, "strategy": map[string]any{"type": "Recreate"},
			"selector": map[string]any{"matchLabels": map[string]any{"app": "r"}, "matchExpressions": []any{map[string]any{"key": "tier", "operator": "In", "values": []any{"x", "a"}}}},
			"template": small("r")}})

	ds := s.Get(t, apps+"daemonsets/ds").Object(t)
	setStatus(t, s, apps+"daemonsets/ds", map[string]any{"desiredNumberScheduled": 4, "currentNumberScheduled": 3, "numberReady": 2,
		"updatedNumberScheduled": 2, "numberAvailable": 1, "numberMisscheduled": 1})
	for i, phase := range []string{"Running", "Running", "Pending", "Succeeded", "Failed"} {
		createOwnedPod(t, s, ns, "ds-"+string(rune('a'+i)), "ds", nil, "DaemonSet", ds, phase)
	}
	createOwnedPod(t, s, ns, "ds-stray", "ds", nil, "", nil, "Running")
	createEvent(t, s, ns, "ds.1", "DaemonSet", ds, "Normal", "SuccessfulCreate", "Created pod: ds-a", 1, "2020-01-01T00:00:00Z", "2020-01-01T00:00:00Z")

	sts := s.Get(t, apps+"statefulsets/sts").Object(t)
	setStatus(t, s, apps+"statefulsets/sts", map[string]any{"replicas": 2, "readyReplicas": 1, "currentReplicas": 2, "updatedReplicas": 1, "availableReplicas": 1})
	createOwnedPod(t, s, ns, "sts-0", "sts", nil, "StatefulSet", sts, "Running")
	createOwnedPod(t, s, ns, "sts-1", "sts", nil, "StatefulSet", sts, "Pending")
	createEvent(t, s, ns, "sts.1", "StatefulSet", sts, "Normal", "SuccessfulCreate", "create Pod sts-0 in StatefulSet sts successful", 2, "2020-01-01T00:00:00Z", "2020-02-01T00:00:00Z")
	s.Create(t, apps+"statefulsets", map[string]any{"apiVersion": "apps/v1", "kind": "StatefulSet",
		"metadata": map[string]any{"name": "db", "labels": map[string]any{"app": "db"}},
		"spec": map[string]any{"replicas": 3, "serviceName": "db", "selector": map[string]any{"matchLabels": map[string]any{"app": "db"}},
			"updateStrategy": map[string]any{"type": "RollingUpdate", "rollingUpdate": map[string]any{"partition": 2}},
			"template": map[string]any{"metadata": map[string]any{"labels": map[string]any{"app": "db"}},
				"spec": map[string]any{"containers": []any{map[string]any{"name": "c", "image": "busybox",
					"volumeMounts": []any{map[string]any{"name": "data", "mountPath": "/data"}}}}}},
			"volumeClaimTemplates": []any{
				map[string]any{"metadata": map[string]any{"name": "data", "labels": map[string]any{"a": "b", "c": "d"}, "annotations": map[string]any{"x": "y", "z": "w"}},
					"spec": map[string]any{"accessModes": []any{"ReadWriteOnce", "ReadOnlyMany"}, "storageClassName": "fast",
						"resources": map[string]any{"requests": map[string]any{"storage": "1Gi"}}}},
				map[string]any{"metadata": map[string]any{"name": "logs"},
					"spec": map[string]any{"accessModes": []any{"ReadWriteOnce"}, "resources": map[string]any{"requests": map[string]any{"storage": "500Mi"}}}},
				map[string]any{"metadata": map[string]any{"name": "scratch"}, "spec": map[string]any{"accessModes": []any{"ReadWriteOncePod"}, "storageClassName": "",
					"resources": map[string]any{"limits": map[string]any{"storage": "1Gi"}}}},
			}}})
	s.Create(t, apps+"statefulsets", map[string]any{"apiVersion": "apps/v1", "kind": "StatefulSet",
		"metadata": map[string]any{"name": "ondelete", "ownerReferences": []any{map[string]any{"apiVersion": "example.com/v1", "kind": "Widget", "name": "w", "uid": "0000-1111", "controller": true}}},
		"spec": map[string]any{"serviceName": "x", "selector": map[string]any{"matchLabels": map[string]any{"app": "od"}},
			"updateStrategy": map[string]any{"type": "OnDelete"}, "podManagementPolicy": "Parallel",
			"template": map[string]any{"metadata": map[string]any{"labels": map[string]any{"app": "od"}},
				"spec": map[string]any{"containers": []any{map[string]any{"name": "c", "image": "busybox"}}}}}})
	solo := s.Create(t, apps+"replicasets", map[string]any{"apiVersion": "apps/v1", "kind": "ReplicaSet",
		"metadata": map[string]any{"name": "solo"},
		"spec": map[string]any{"replicas": 1, "selector": map[string]any{"matchExpressions": []any{
			map[string]any{"key": "tier", "operator": "Exists"}, map[string]any{"key": "app", "operator": "In", "values": []any{"solo", "alone"}}}},
			"template": small("solo")}})
	createOwnedPod(t, s, ns, "solo-a", "solo", map[string]any{"tier": "x"}, "ReplicaSet", solo, "Running")
	createEvent(t, s, ns, "solo.1", "ReplicaSet", solo, "Warning", "FailedCreate", "Error creating: quota", 1, "2020-01-01T00:00:00Z", "2020-01-01T00:00:00Z")
	s.Create(t, apps+"daemonsets", map[string]any{"apiVersion": "apps/v1", "kind": "DaemonSet",
		"metadata": map[string]any{"name": "plain", "labels": map[string]any{"app": "plain"}, "ownerReferences": []any{map[string]any{"apiVersion": "example.com/v1", "kind": "Widget", "name": "w", "uid": "0000-1111", "controller": true}}},
		"spec": map[string]any{"selector": map[string]any{"matchLabels": map[string]any{"app": "plain"}},
			"updateStrategy": map[string]any{"type": "OnDelete"},
			"template": map[string]any{"metadata": map[string]any{"labels": map[string]any{"app": "plain"}},
				"spec": map[string]any{"containers": []any{map[string]any{"name": "c", "image": "busybox"}}}}}})
}

// TestDescribeWorkloadsSideBySide runs `describe` for deployments, replica
// sets, daemon sets and stateful sets through kubectl and ctl and wants the
// same bytes.
func TestDescribeWorkloadsSideBySide(t *testing.T) {
	s := startServer(t)
	home := t.TempDir()
	if r := runKubectl(t, s, home, "", "create", "namespace", "d"); r.code != 0 {
		t.Fatalf("create ns: %+v", r)
	}
	createDescribed(t, s, "d")
	// want holds lines kubectl must print, so a fixture that stops
	// exercising a section fails instead of comparing two empty outputs.
	steps := []struct {
		name string
		args []string
		want []string
	}{
		{"deployment with old and new replica sets", []string{"deployment", "web"}, []string{
			"  Available      False   MinimumReplicasUnavailable\n",
			"web-h0 (1/2 replicas created)", "web-h1 (0/0 replicas created)",
			"NewReplicaSet:   web-h2 (0/0 replicas created)\n", "(x3 over "}},
		{"deployment with only old replica sets", []string{"deploy/recreate"}, []string{"NewReplicaSet:     <none>\n", "Selector:           app=r,tier in (a,x)\n"}},
		{"deployment with only a new replica set", []string{"deploy/fresh"}, []string{"OldReplicaSets:    <none>\n"}},
		{"deployment without replica sets", []string{"deploy/empty"}, []string{"Events:            <none>\n"}},
		{"deployment without events", []string{"deploy", "recreate", "--show-events=false"}, []string{"StrategyType:       Recreate\n"}},
		{"every deployment", []string{"deployments"}, []string{"\n\n\nName:               recreate\n"}},
		{"replica set", []string{"rs", "web-h0"}, []string{"Controlled By:  Deployment/web\n", "Replicas:       1 current / 2 desired\n",
			"Pods Status:    1 Running / 1 Waiting / 0 Succeeded / 0 Failed\n", "  ReplicaFailure   True    FailedCreate\n"}},
		{"replica sets by label", []string{"replicaset", "-l", "pod-template-hash=h2"}, []string{"Name:           web-h2\n"}},
		{"replica set without an owner", []string{"rs/solo"}, []string{"Selector:     app in (alone,solo),tier\n", "Pods Status:  1 Running /", "FailedCreate"}},
		{"several kinds", []string{"rs/solo", "ds/plain", "sts/ondelete", "deploy/fresh"}, []string{"Name:           plain\n"}},
		{"daemon set", []string{"ds/ds"}, []string{"Node-Selector:  disk=ssd,zone=a\n", "Number of Nodes Misscheduled: 1\n",
			"Pods Status:  2 Running / 1 Waiting / 1 Succeeded / 1 Failed\n", "Created pod: ds-a"}},
		{"daemon set without pods", []string{"daemonset", "plain"}, []string{"Node-Selector:  <none>\n"}},
		{"stateful set", []string{"sts/sts"}, []string{"Replicas:           1 desired | 2 total\n", "  Partition:        0\n",
			"Pods Status:        1 Running / 1 Waiting / 0 Succeeded / 0 Failed\n", "(x2 over "}},
		{"stateful set with claims", []string{"statefulset", "db"}, []string{"  Partition:        2\n", "  StorageClass:  fast\n",
			"  Annotations:   x=y\n                 z=w\n", "  Capacity:      <default>\n", "  Access Modes:  [ReadWriteOnce ReadOnlyMany]\n"}},
		{"stateful set on delete", []string{"sts/ondelete"}, []string{"Update Strategy:    OnDelete\n"}},
	}
	for _, st := range steps {
		args := append([]string{"-n", "d", "describe"}, st.args...)
		k := runKubectl(t, s, home, "", args...)
		c := runCtl(t, s, "", args...)
		for _, w := range st.want {
			if !strings.Contains(k.out, w) {
				t.Errorf("%s: kubectl printed no %q:\n%s", st.name, w, k.out)
			}
		}
		if k.out != c.out || k.err != c.err || k.code != c.code {
			t.Errorf("%s: outputs differ\nkubectl (%d):\n%s\n%q\nctl (%d):\n%s\n%q\n%s", st.name, k.code, k.out, k.err, c.code, c.out, c.err, firstDiff(k.out, c.out))
		}
	}
}

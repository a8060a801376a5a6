package ctl

import (
	"fmt"
	"strings"
	"testing"

	"keel.dev/keel/test/integration/framework"
)

// historyTemplate is a pod template using every field the pod template
// describer prints, labelled app=<app>.
func historyTemplate(app, image string) map[string]any {
	return map[string]any{
		"metadata": map[string]any{"labels": map[string]any{"app": app, "tier": "fe"},
			"annotations": map[string]any{"note": "x <&>", "multi": "a\nb\n",
				"long": "0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789"}},
		"spec": map[string]any{
			"serviceAccountName": "sa", "priorityClassName": "high",
			"nodeSelector": map[string]any{"disk": "ssd", "zone": "a"},
			"tolerations": []any{
				map[string]any{"key": "k1", "operator": "Equal", "value": "v1", "effect": "NoSchedule"},
				map[string]any{"operator": "Exists"},
				map[string]any{"key": "k2", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 30},
			},
			"topologySpreadConstraints": []any{
				map[string]any{"maxSkew": 1, "topologyKey": "zone", "whenUnsatisfiable": "DoNotSchedule", "labelSelector": map[string]any{"matchLabels": map[string]any{"app": app}}},
				map[string]any{"maxSkew": 2, "topologyKey": "host", "whenUnsatisfiable": "ScheduleAnyway"},
			},
			"initContainers": []any{map[string]any{"name": "init", "image": "busybox:1", "command": []any{"sh", "-c", "echo a\necho b"}}},
			"containers": []any{map[string]any{
				"name": "web", "image": image,
				"args":            []any{"--port=80"},
				"ports":           []any{map[string]any{"containerPort": 80}, map[string]any{"containerPort": 53, "protocol": "UDP", "hostPort": 5353}},
				"resources":       map[string]any{"limits": map[string]any{"cpu": "500m", "memory": "128Mi"}, "requests": map[string]any{"cpu": "250m", "memory": "64Mi"}},
				"securityContext": map[string]any{"seccompProfile": map[string]any{"type": "Localhost", "localhostProfile": "p.json"}},
				"livenessProbe":   map[string]any{"httpGet": map[string]any{"path": "/healthz", "port": 80}},
				"readinessProbe":  map[string]any{"tcpSocket": map[string]any{"port": "http"}, "initialDelaySeconds": 5},
				"startupProbe":    map[string]any{"exec": map[string]any{"command": []any{"cat", "/tmp/ok"}}},
				"envFrom": []any{map[string]any{"configMapRef": map[string]any{"name": "cm"}},
					map[string]any{"prefix": "S_", "secretRef": map[string]any{"name": "sec", "optional": true}}},
				"env": []any{
					map[string]any{"name": "PLAIN", "value": "v"},
					map[string]any{"name": "ML", "value": "l1\nl2"},
					map[string]any{"name": "POD", "valueFrom": map[string]any{"fieldRef": map[string]any{"fieldPath": "metadata.name"}}},
					map[string]any{"name": "CPU", "valueFrom": map[string]any{"resourceFieldRef": map[string]any{"resource": "limits.cpu", "divisor": "1m"}}},
					map[string]any{"name": "CPUREQ", "valueFrom": map[string]any{"resourceFieldRef": map[string]any{"resource": "requests.cpu"}}},
					map[string]any{"name": "MEM", "valueFrom": map[string]any{"resourceFieldRef": map[string]any{"resource": "requests.memory", "divisor": "1Mi"}}},
					map[string]any{"name": "EPH", "valueFrom": map[string]any{"resourceFieldRef": map[string]any{"resource": "limits.ephemeral-storage"}}},
					map[string]any{"name": "SEC", "valueFrom": map[string]any{"secretKeyRef": map[string]any{"name": "sec", "key": "k"}}},
					map[string]any{"name": "CMK", "valueFrom": map[string]any{"configMapKeyRef": map[string]any{"name": "cm", "key": "k", "optional": true}}},
				},
				"volumeMounts": []any{map[string]any{"name": "data", "mountPath": "/data"},
					map[string]any{"name": "cfg", "mountPath": "/cfg", "readOnly": true, "subPath": "x"}},
			}, map[string]any{"name": "side", "image": "busybox:1", "ports": []any{map[string]any{"containerPort": 8080, "hostPort": 8080}},
				"resources": map[string]any{"limits": map[string]any{"memory": "1Gi"}},
				"env":       []any{map[string]any{"name": "LIM", "valueFrom": map[string]any{"resourceFieldRef": map[string]any{"resource": "limits.cpu"}}}}}},
			"volumes": []any{
				map[string]any{"name": "data", "emptyDir": map[string]any{}},
				map[string]any{"name": "cfg", "configMap": map[string]any{"name": "cm"}},
				map[string]any{"name": "sec", "secret": map[string]any{"secretName": "sec", "optional": true}},
				map[string]any{"name": "host", "hostPath": map[string]any{"path": "/var", "type": "Directory"}},
				map[string]any{"name": "host2", "hostPath": map[string]any{"path": "/tmp"}},
				map[string]any{"name": "claim", "persistentVolumeClaim": map[string]any{"claimName": "c1", "readOnly": true}},
				map[string]any{"name": "proj", "projected": map[string]any{"sources": []any{map[string]any{"secret": map[string]any{"name": "sec"}},
					map[string]any{"configMap": map[string]any{"name": "cm"}}, map[string]any{"downwardAPI": map[string]any{}},
					map[string]any{"serviceAccountToken": map[string]any{"path": "t"}}}}},
				map[string]any{"name": "down", "downwardAPI": map[string]any{"items": []any{
					map[string]any{"path": "labels", "fieldRef": map[string]any{"fieldPath": "metadata.labels"}},
					map[string]any{"path": "cpu", "resourceFieldRef": map[string]any{"containerName": "web", "resource": "limits.cpu"}}}}},
				map[string]any{"name": "mem", "emptyDir": map[string]any{"medium": "Memory", "sizeLimit": "1Gi"}},
				map[string]any{"name": "csi", "csi": map[string]any{"driver": "d.example.com", "readOnly": true, "fsType": "ext4", "volumeAttributes": map[string]any{"a": "b", "c": "d"}}},
				map[string]any{"name": "csi2", "csi": map[string]any{"driver": "e.example.com"}},
				map[string]any{"name": "nfs", "nfs": map[string]any{"server": "srv", "path": "/x"}},
				map[string]any{"name": "git", "gitRepo": map[string]any{"repository": "https://example.com/r.git", "revision": "main"}},
			},
		},
	}
}

// createHistory creates in ns a Deployment "web" with two ReplicaSet
// revisions, a Deployment "empty" with none, and a DaemonSet "ds" and a
// StatefulSet "sts" with three ControllerRevisions each: two whole-template
// patches, as Keel's controllers write them, and one partial patch.
func createHistory(t *testing.T, s *framework.TestServer, ns string) {
	t.Helper()
	base := "/apis/apps/v1/namespaces/" + ns + "/"
	sel := func(app string) map[string]any { return map[string]any{"matchLabels": map[string]any{"app": app}} }
	d := s.Create(t, base+"deployments", map[string]any{"apiVersion": "apps/v1", "kind": "Deployment",
		"metadata": map[string]any{"name": "web"}, "spec": map[string]any{"selector": sel("web"), "template": historyTemplate("web", "nginx:2")}})
	for rev := 1; rev <= 2; rev++ {
		hash := fmt.Sprintf("h%d", rev)
		tmpl := historyTemplate("web", fmt.Sprintf("nginx:%d", rev))
		tmpl["metadata"].(map[string]any)["labels"].(map[string]any)["pod-template-hash"] = hash
		ann := map[string]any{"deployment.kubernetes.io/revision": fmt.Sprint(rev)}
		if rev == 2 {
			ann["kubernetes.io/change-cause"] = "ctl set image deployment/web web=nginx:2"
		}
		s.Create(t, base+"replicasets", map[string]any{"apiVersion": "apps/v1", "kind": "ReplicaSet",
			"metadata": map[string]any{"name": "web-" + hash, "labels": map[string]any{"app": "web", "pod-template-hash": hash}, "annotations": ann,
				"ownerReferences": []any{ownerRef("Deployment", "web", d)}},
			"spec": map[string]any{"replicas": 0, "selector": map[string]any{"matchLabels": map[string]any{"app": "web", "pod-template-hash": hash}}, "template": tmpl}})
	}
	s.Create(t, base+"deployments", map[string]any{"apiVersion": "apps/v1", "kind": "Deployment",
		"metadata": map[string]any{"name": "empty"}, "spec": map[string]any{"selector": sel("empty"),
			"template": map[string]any{"metadata": map[string]any{"labels": map[string]any{"app": "empty"}},
				"spec": map[string]any{"containers": []any{map[string]any{"name": "c", "image": "busybox"}}}}}})
	for _, w := range []struct{ kind, resource, name string }{{"DaemonSet", "daemonsets", "ds"}, {"StatefulSet", "statefulsets", "sts"}} {
		spec := map[string]any{"selector": sel(w.name), "template": historyTemplate(w.name, "nginx:3")}
		if w.kind == "StatefulSet" {
			spec["serviceName"] = w.name
		}
		obj := s.Create(t, base+w.resource, map[string]any{"apiVersion": "apps/v1", "kind": w.kind, "metadata": map[string]any{"name": w.name}, "spec": spec})
		for rev := 1; rev <= 3; rev++ {
			data := revisionPatch(t, obj, fmt.Sprintf("nginx:%d", rev))
			if rev == 3 {
				data = map[string]any{"spec": map[string]any{"template": map[string]any{"metadata": map[string]any{"labels": map[string]any{"rev": "3"}},
					"spec": map[string]any{"containers": []any{map[string]any{"name": "web", "image": "nginx:3"}}}}}}
			}
			md := map[string]any{"name": fmt.Sprintf("%s-%d", w.name, rev), "labels": map[string]any{"app": w.name},
				"ownerReferences": []any{ownerRef(w.kind, w.name, obj)}}
			if rev == 1 {
				md["annotations"] = map[string]any{"kubernetes.io/change-cause": "first"}
			}
			s.Create(t, base+"controllerrevisions", map[string]any{"apiVersion": "apps/v1", "kind": "ControllerRevision",
				"metadata": md, "revision": rev, "data": data})
		}
	}
}

func ownerRef(kind, name string, owner map[string]any) map[string]any {
	return map[string]any{"apiVersion": "apps/v1", "kind": kind, "name": name, "uid": owner["metadata"].(map[string]any)["uid"],
		"controller": true, "blockOwnerDeletion": true}
}

// TestRolloutHistoryRevisionSideBySide runs `rollout history` with and
// without --revision through kubectl and ctl against the same objects and
// wants the same bytes on stdout and stderr and the same exit code.
func TestRolloutHistoryRevisionSideBySide(t *testing.T) {
	s := startServer(t)
	home := t.TempDir()
	if r := runKubectl(t, s, home, "", "create", "namespace", "h"); r.code != 0 {
		t.Fatalf("create ns: %+v", r)
	}
	createHistory(t, s, "h")
	steps := []struct {
		name string
		args []string
	}{
		{"deployment history", []string{"deploy/web"}},
		{"deployment revision 1", []string{"deploy/web", "--revision=1"}},
		{"deployment revision 2 carries the change cause", []string{"deployment/web", "--revision", "2"}},
		{"revision 0 is the list", []string{"deploy/web", "--revision=0"}},
		{"a missing revision", []string{"deploy/web", "--revision=3"}},
		{"a negative revision", []string{"deploy/web", "--revision=-1"}},
		{"deployment revision as yaml is its replica set", []string{"deploy/web", "--revision=1", "-o", "yaml"}},
		{"deployment revision as json", []string{"deploy/web", "--revision=2", "-o", "json"}},
		{"every deployment revision as yaml", []string{"deploy/web", "-o", "yaml"}},
		{"deployment revision by name", []string{"deploy/web", "--revision=1", "-o", "name"}},
		{"deployment revision through jsonpath", []string{"deploy/web", "--revision=2", "-o", "jsonpath={.spec.template.spec.containers[0].image}"}},
		{"an unsupported output format", []string{"deploy/web", "--revision=1", "-o", "wide"}},
		{"no history", []string{"deploy/empty"}},
		{"no history with a revision", []string{"deploy/empty", "--revision=1"}},
		{"no history as yaml", []string{"deploy/empty", "-o", "yaml"}},
		{"daemon set history", []string{"ds/ds"}},
		{"daemon set revision 1", []string{"ds/ds", "--revision=1"}},
		{"daemon set revision from a partial patch", []string{"ds/ds", "--revision=3"}},
		{"daemon set revision as yaml", []string{"ds/ds", "--revision=2", "-o", "yaml"}},
		{"every daemon set revision as json", []string{"ds/ds", "-o", "json"}},
		{"daemon set revisions by name", []string{"ds/ds", "-o", "name"}},
		{"a missing daemon set revision", []string{"ds/ds", "--revision=5"}},
		{"stateful set history", []string{"sts/sts"}},
		{"stateful set revision 2", []string{"statefulset/sts", "--revision=2"}},
		{"stateful set revision as json", []string{"sts/sts", "--revision=1", "-o", "json"}},
		{"stateful set partial revision as yaml", []string{"sts/sts", "--revision=3", "-o", "yaml"}},
		{"several workloads at one revision", []string{"deploy/web", "ds/ds", "sts/sts", "--revision=1"}},
		{"several workloads by name", []string{"deploy/web", "ds/ds", "--revision=2", "-o", "name"}},
	}
	for _, st := range steps {
		args := append([]string{"-n", "h", "rollout", "history"}, st.args...)
		k := runKubectl(t, s, home, "", args...)
		c := runCtl(t, s, "", args...)
		if k.out != c.out || k.err != c.err || k.code != c.code {
			t.Errorf("%s: outputs differ\nkubectl (%d):\n%s\n%q\nctl (%d):\n%s\n%q\n%s", st.name, k.code, k.out, k.err, c.code, c.out, c.err, firstDiff(k.out, c.out))
		}
	}
}

// firstDiff describes where two outputs first differ.
func firstDiff(a, b string) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	lo := max(0, i-80)
	return fmt.Sprintf("first difference at byte %d:\nkubectl: %q\nctl:     %q", i, a[lo:min(len(a), i+80)], b[lo:min(len(b), i+80)])
}

// TestDescribePodTemplateSideBySide compares the "Pod Template:" section of
// `describe deployment` (the lines up to the next top-level key) between
// kubectl and ctl, with a template that uses more fields than
// TestDescribeWorkloadsSideBySide's.
func TestDescribePodTemplateSideBySide(t *testing.T) {
	s := startServer(t)
	home := t.TempDir()
	if r := runKubectl(t, s, home, "", "create", "namespace", "h"); r.code != 0 {
		t.Fatalf("create ns: %+v", r)
	}
	createHistory(t, s, "h")
	args := []string{"-n", "h", "describe", "deployment", "web"}
	k, c := runKubectl(t, s, home, "", args...), runCtl(t, s, "", args...)
	if k.code != 0 || c.code != 0 {
		t.Fatalf("describe failed: kubectl %+v ctl %+v", k, c)
	}
	kt, ct := podTemplateSection(k.out), podTemplateSection(c.out)
	if kt == "" || !strings.Contains(kt, "Priority Class Name:") {
		t.Fatalf("kubectl printed no full pod template:\n%s", k.out)
	}
	if kt != ct {
		t.Errorf("pod templates differ\n%s\nkubectl:\n%s\nctl:\n%s", firstDiff(kt, ct), kt, ct)
	}
}

// podTemplateSection returns the "Pod Template:" block of describe output.
func podTemplateSection(out string) string {
	_, rest, ok := strings.Cut(out, "Pod Template:\n")
	if !ok {
		return ""
	}
	var b strings.Builder
	for _, line := range strings.SplitAfter(rest, "\n") {
		if line == "" || (line[0] != ' ' && line[0] != '\t') {
			break
		}
		b.WriteString(line)
	}
	return b.String()
}

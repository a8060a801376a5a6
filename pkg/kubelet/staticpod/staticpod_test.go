package staticpod

import (
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	corev1 "keel.dev/api/core/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
)

const webYAML = `apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: kube-system
  labels: {app: web}
spec:
  terminationGracePeriodSeconds: 7
  containers:
  - name: app
    image: keel.local/busybox:1.35
    command: [sleep, "3600"]
`

func TestDecode(t *testing.T) {
	p, err := Decode([]byte(webYAML), "node-1")
	if err != nil {
		t.Fatal(err)
	}
	t.Run("the pod is named after the node and bound to it", func(t *testing.T) {
		if p.Name != "web-node-1" || p.Namespace != "kube-system" || p.Spec.NodeName != "node-1" {
			t.Errorf("pod %s/%s on %q", p.Namespace, p.Name, p.Spec.NodeName)
		}
	})
	t.Run("the annotations say where it came from", func(t *testing.T) {
		if p.Annotations[AnnotationConfigSource] != "file" || p.Annotations[AnnotationConfigHash] != string(p.UID) || len(p.UID) != 32 {
			t.Errorf("annotations %v uid %q", p.Annotations, p.UID)
		}
		if !IsStatic(p) || IsMirror(p) {
			t.Error("IsStatic/IsMirror disagree")
		}
		api := p.DeepCopy()
		api.UID = "assigned-by-the-apiserver"
		if IsStatic(api) {
			t.Error("an API pod claiming a file source counts as static")
		}
	})
	t.Run("defaults are applied and NoExecute taints tolerated", func(t *testing.T) {
		if p.Spec.RestartPolicy != corev1.RestartPolicyAlways || p.Spec.DNSPolicy != corev1.DNSClusterFirst {
			t.Errorf("defaults missing: %+v", p.Spec)
		}
		found := false
		for _, tol := range p.Spec.Tolerations {
			found = found || tol.Operator == corev1.TolerationOpExists && tol.Effect == corev1.TaintEffectNoExecute && tol.Key == ""
		}
		if !found {
			t.Errorf("tolerations = %+v", p.Spec.Tolerations)
		}
	})
	t.Run("the hash depends on content and node only", func(t *testing.T) {
		again, _ := Decode([]byte(webYAML), "node-1")
		other, _ := Decode([]byte(webYAML), "node-2")
		changed, _ := Decode([]byte(strings.Replace(webYAML, `"3600"`, `"60"`, 1)), "node-1")
		if again.UID != p.UID || other.UID == p.UID || changed.UID == p.UID {
			t.Errorf("uids: same %s/%s, other node %s, changed %s", p.UID, again.UID, other.UID, changed.UID)
		}
	})
	t.Run("JSON manifests work too", func(t *testing.T) {
		j, err := Decode([]byte(`{"apiVersion":"v1","kind":"Pod","metadata":{"name":"j"},"spec":{"containers":[{"name":"c","image":"i"}]}}`), "n")
		if err != nil || j.Name != "j-n" || j.Namespace != "default" {
			t.Errorf("pod %v: %v", j, err)
		}
	})
	bad := []struct{ name, data string }{
		{"not YAML", "{{{"},
		{"another kind", "apiVersion: v1\nkind: Service\nmetadata: {name: s}\n"},
		{"no name", "apiVersion: v1\nkind: Pod\nspec:\n  containers: [{name: c, image: i}]\n"},
		{"no containers", "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n"},
	}
	for _, b := range bad {
		t.Run("a manifest with "+b.name+" is rejected", func(t *testing.T) {
			if _, err := Decode([]byte(b.data), "n"); err == nil {
				t.Error("no error")
			}
		})
	}
}

func TestReadDir(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("a-web.yaml", webYAML)
	write("b-dup.yaml", webYAML)
	write(".hidden.yaml", strings.Replace(webYAML, "name: web", "name: hidden", 1))
	write("c-bad.json", "{")
	write("d-db.yml", strings.Replace(webYAML, "name: web", "name: db", 1))
	pods, errs := ReadDir(dir, "n1")
	var names []string
	for _, p := range pods {
		names = append(names, p.Name)
	}
	if strings.Join(names, ",") != "web-n1,db-n1" {
		t.Errorf("pods = %v", names)
	}
	if len(errs) != 2 {
		t.Errorf("errors = %v, want the duplicate and the bad file", errs)
	}
	if pods, errs := ReadDir(filepath.Join(dir, "missing"), "n1"); len(pods)+len(errs) != 0 {
		t.Errorf("missing dir: %v %v", pods, errs)
	}
}

type recorder struct {
	mu   sync.Mutex
	pods []*corev1.Pod
}

func (r *recorder) UpdatePod(p *corev1.Pod) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.pods = append(r.pods, p)
}

func TestSetPodsStartsAndStops(t *testing.T) {
	rec := &recorder{}
	m := New(Config{NodeName: "n1", Workers: rec, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	web, _ := Decode([]byte(webYAML), "n1")
	web2, _ := Decode([]byte(strings.Replace(webYAML, `"3600"`, `"60"`, 1)), "n1")

	m.SetPods([]*corev1.Pod{web})
	m.SetPods([]*corev1.Pod{web})
	if len(rec.pods) != 1 || rec.pods[0].UID != web.UID || rec.pods[0].DeletionTimestamp != nil {
		t.Fatalf("after adding: %v", rec.pods)
	}
	m.SetPods([]*corev1.Pod{web2})
	if len(rec.pods) != 3 {
		t.Fatalf("a changed manifest should stop the old pod and start the new one: %d updates", len(rec.pods))
	}
	stop := rec.pods[1]
	if stop.UID != web.UID || stop.DeletionTimestamp == nil || *stop.DeletionGracePeriodSeconds != 7 {
		t.Errorf("stop = %+v", stop.ObjectMeta)
	}
	if rec.pods[2].UID != web2.UID {
		t.Errorf("start = %s", rec.pods[2].UID)
	}
	if p, ok := m.Get("kube-system", "web-n1"); !ok || p.UID != web2.UID {
		t.Errorf("Get = %v %v", p, ok)
	}

	t.Run("the overlay serves static pods in place of their mirrors", func(t *testing.T) {
		mirror := web2.DeepCopy()
		mirror.UID = "api-uid"
		mirror.Annotations[AnnotationConfigMirror] = string(web2.UID)
		other := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "api-pod", UID: "u2"}}
		o := m.Overlay(fakeLister{mirror, other})
		p, ok := o.GetPod("kube-system", "web-n1")
		if !ok || p.UID != web2.UID {
			t.Errorf("GetPod = %v", p)
		}
		if p, ok := o.GetPod("default", "api-pod"); !ok || p.UID != "u2" {
			t.Errorf("GetPod of an API pod = %v", p)
		}
		list := o.ListPods()
		if len(list) != 2 || list[0].UID != "u2" || list[1].UID != web2.UID {
			t.Errorf("ListPods = %v", list)
		}
	})
	m.SetPods(nil)
	if len(rec.pods) != 4 || rec.pods[3].DeletionTimestamp == nil || len(m.Pods()) != 0 {
		t.Errorf("removing the manifest should stop the pod: %d updates", len(rec.pods))
	}
}

type fakeLister []*corev1.Pod

func (f fakeLister) ListPods() []*corev1.Pod { return f }
func (f fakeLister) GetPod(ns, name string) (*corev1.Pod, bool) {
	for _, p := range f {
		if p.Namespace == ns && p.Name == name {
			return p, true
		}
	}
	return nil, false
}

package daemonset

import (
	"context"
	"sort"
	"testing"
	"time"

	appsv1 "keel.dev/api/apps/v1"
	corev1 "keel.dev/api/core/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/labels"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/util/intstr"
	"keel.dev/client/clock"
	"keel.dev/client/fake"
	"keel.dev/client/informers"
)

type harness struct {
	t     *testing.T
	cs    *fake.Clientset
	c     *Controller
	clock *clock.Fake
	ctx   context.Context
}

func newHarness(t *testing.T, objs ...runtime.Object) *harness {
	t.Helper()
	cs := fake.NewClientset(objs...)
	fc := clock.NewFake(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	f := informers.NewFactory(cs.Clientset, 0)
	c := New(cs.Clientset, f, Options{Clock: fc})
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(func() { cancel(); f.Shutdown() })
	f.Start(ctx)
	if !f.WaitForCacheSync(ctx) {
		t.Fatal("caches did not sync")
	}
	return &harness{t: t, cs: cs, c: c, clock: fc, ctx: ctx}
}

func (h *harness) waitCache() {
	h.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		pods, _ := h.cs.CoreV1().Pods("ns").List(h.ctx, metav1.ListOptions{})
		cached, _ := h.c.pods.List(labels.Everything())
		rv := map[string]string{}
		for _, p := range cached {
			rv[p.Name] = p.ResourceVersion
		}
		ok := len(cached) == len(pods.Items)
		for _, p := range pods.Items {
			ok = ok && rv[p.Name] == p.ResourceVersion
		}
		ds, _ := h.cs.AppsV1().DaemonSets("ns").Get(h.ctx, "agent", metav1.GetOptions{})
		cds, err := h.c.sets.Get("ns", "agent")
		ok = ok && err == nil && cds.ResourceVersion == ds.ResourceVersion
		revs, _ := h.cs.AppsV1().ControllerRevisions("ns").List(h.ctx, metav1.ListOptions{})
		crevs, _ := h.c.revisions.List(labels.Everything())
		if ok && len(revs.Items) == len(crevs) {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	h.t.Fatal("informer cache never caught up")
}

func (h *harness) settle() {
	h.t.Helper()
	for range 20 {
		h.waitCache()
		before := len(h.cs.Actions())
		if err := h.c.sync(h.ctx, "ns/agent"); err != nil {
			h.t.Fatalf("sync: %v", err)
		}
		writes := 0
		for _, a := range h.cs.Actions()[before:] {
			if a.Verb != "get" && a.Verb != "list" && a.Verb != "watch" {
				writes++
			}
		}
		if writes == 0 {
			return
		}
		h.kubelet()
	}
	h.waitCache()
}

// kubelet binds every pod to its pinned node and marks it ready.
func (h *harness) kubelet() {
	h.t.Helper()
	h.waitCache()
	pods, _ := h.cs.CoreV1().Pods("ns").List(h.ctx, metav1.ListOptions{})
	for _, p := range pods.Items {
		if p.Spec.NodeName != "" {
			continue
		}
		p.Spec.NodeName = podNode(&p)
		updated, err := h.cs.CoreV1().Pods("ns").Update(h.ctx, &p, metav1.UpdateOptions{})
		if err != nil {
			h.t.Fatal(err)
		}
		updated.Status.Phase = corev1.PodRunning
		updated.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue, LastTransitionTime: metav1.NewTime(h.clock.Now())}}
		if _, err := h.cs.CoreV1().Pods("ns").UpdateStatus(h.ctx, updated, metav1.UpdateOptions{}); err != nil {
			h.t.Fatal(err)
		}
	}
}

func (h *harness) podsByNode() map[string][]corev1.Pod {
	pods, _ := h.cs.CoreV1().Pods("ns").List(h.ctx, metav1.ListOptions{})
	out := map[string][]corev1.Pod{}
	for _, p := range pods.Items {
		out[podNode(&p)] = append(out[podNode(&p)], p)
	}
	return out
}

func node(name string, taints ...corev1.Taint) *corev1.Node {
	return &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{"kubernetes.io/os": "linux"}}, Spec: corev1.NodeSpec{Taints: taints}}
}

func daemonSet(mutate ...func(*appsv1.DaemonSet)) *appsv1.DaemonSet {
	ds := &appsv1.DaemonSet{
		ObjectMeta: metav1.ObjectMeta{Name: "agent", Namespace: "ns", UID: "ds-uid", Generation: 1},
		Spec: appsv1.DaemonSetSpec{
			Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "agent"}},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "agent"}},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "a", Image: "agent:1"}}}},
			UpdateStrategy: appsv1.DaemonSetUpdateStrategy{Type: appsv1.RollingUpdateDaemonSetStrategyType},
		},
	}
	for _, m := range mutate {
		m(ds)
	}
	return ds
}

func TestOnePodPerEligibleNode(t *testing.T) {
	gpu := corev1.Taint{Key: "gpu", Value: "yes", Effect: corev1.TaintEffectNoSchedule}
	notReady := corev1.Taint{Key: taintNotReady, Effect: corev1.TaintEffectNoExecute}
	h := newHarness(t, daemonSet(), node("n1"), node("n2"), node("n3", gpu), node("n4", notReady), node("n5"))
	h.settle()
	byNode := h.podsByNode()
	for _, n := range []string{"n1", "n2", "n4", "n5"} {
		if len(byNode[n]) != 1 {
			t.Errorf("node %s has %d pods, want 1", n, len(byNode[n]))
		}
	}
	if len(byNode["n3"]) != 0 {
		t.Error("a pod landed on a node whose NoSchedule taint it does not tolerate")
	}
	p := byNode["n1"][0]
	terms := p.Spec.Affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms
	if len(terms) != 1 || terms[0].MatchFields[0].Values[0] != "n1" {
		t.Errorf("affinity = %+v, want matchFields metadata.name=n1", terms)
	}
	var keys []string
	for _, tol := range p.Spec.Tolerations {
		keys = append(keys, tol.Key+":"+string(tol.Effect))
	}
	sort.Strings(keys)
	if len(keys) != 6 {
		t.Errorf("tolerations = %v, want the six automatic ones", keys)
	}
	ds, _ := h.cs.AppsV1().DaemonSets("ns").Get(h.ctx, "agent", metav1.GetOptions{})
	s := ds.Status
	if s.DesiredNumberScheduled != 4 || s.CurrentNumberScheduled != 4 || s.NumberReady != 4 || s.NumberAvailable != 4 ||
		s.UpdatedNumberScheduled != 4 || s.NumberMisscheduled != 0 || s.ObservedGeneration != 1 {
		t.Errorf("status = %+v", s)
	}
	revs, _ := h.cs.AppsV1().ControllerRevisions("ns").List(h.ctx, metav1.ListOptions{})
	if len(revs.Items) != 1 || revs.Items[0].Revision != 1 || revs.Items[0].Name != "agent-"+p.Labels[appsv1.DefaultDaemonSetUniqueLabelKey] {
		t.Errorf("revisions = %+v", revs.Items)
	}
}

func TestNodeSelectorAndNoExecuteEviction(t *testing.T) {
	h := newHarness(t, daemonSet(func(ds *appsv1.DaemonSet) {
		ds.Spec.Template.Spec.NodeSelector = map[string]string{"role": "edge"}
	}), node("n1"), node("n2"))
	n1, _ := h.cs.CoreV1().Nodes().Get(h.ctx, "n1", metav1.GetOptions{})
	n1.Labels["role"] = "edge"
	if _, err := h.cs.CoreV1().Nodes().Update(h.ctx, n1, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond)
	h.settle()
	if byNode := h.podsByNode(); len(byNode["n1"]) != 1 || len(byNode["n2"]) != 0 {
		t.Fatalf("pods by node = %v, want only n1", byNode)
	}
	n1, _ = h.cs.CoreV1().Nodes().Get(h.ctx, "n1", metav1.GetOptions{})
	n1.Spec.Taints = []corev1.Taint{{Key: "evict", Effect: corev1.TaintEffectNoExecute}}
	if _, err := h.cs.CoreV1().Nodes().Update(h.ctx, n1, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond)
	h.settle()
	if byNode := h.podsByNode(); len(byNode["n1"]) != 0 {
		t.Error("pod stayed on a node with an untolerated NoExecute taint")
	}
}

func TestRollingUpdateRespectsMaxUnavailable(t *testing.T) {
	h := newHarness(t, daemonSet(), node("n1"), node("n2"), node("n3"))
	h.settle()
	ds, _ := h.cs.AppsV1().DaemonSets("ns").Get(h.ctx, "agent", metav1.GetOptions{})
	ds.Spec.Template.Spec.Containers[0].Image = "agent:2"
	ds.Generation = 2
	if _, err := h.cs.AppsV1().DaemonSets("ns").Update(h.ctx, ds, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	h.waitCache()
	if err := h.c.sync(h.ctx, "ns/agent"); err != nil {
		t.Fatal(err)
	}
	if total := len(h.podsByNode()["n1"]) + len(h.podsByNode()["n2"]) + len(h.podsByNode()["n3"]); total != 2 {
		t.Fatalf("first step left %d pods, want one deleted (maxUnavailable 1)", total)
	}
	h.kubelet()
	h.settle()
	for n, pods := range h.podsByNode() {
		if len(pods) != 1 || pods[0].Spec.Containers[0].Image != "agent:2" {
			t.Errorf("node %s: %d pods, image %s", n, len(pods), pods[0].Spec.Containers[0].Image)
		}
	}
	revs, _ := h.cs.AppsV1().ControllerRevisions("ns").List(h.ctx, metav1.ListOptions{})
	maxRev := int64(0)
	for _, r := range revs.Items {
		maxRev = max(maxRev, r.Revision)
	}
	if len(revs.Items) != 2 || maxRev != 2 {
		t.Errorf("%d revisions, newest %d; want 2 and 2", len(revs.Items), maxRev)
	}
}

func TestRollingUpdateWithSurge(t *testing.T) {
	h := newHarness(t, daemonSet(func(ds *appsv1.DaemonSet) {
		zero, one := intstr.FromInt(0), intstr.FromInt(1)
		ds.Spec.UpdateStrategy.RollingUpdate = &appsv1.RollingUpdateDaemonSet{MaxUnavailable: &zero, MaxSurge: &one}
	}), node("n1"), node("n2"))
	h.settle()
	ds, _ := h.cs.AppsV1().DaemonSets("ns").Get(h.ctx, "agent", metav1.GetOptions{})
	ds.Spec.Template.Spec.Containers[0].Image = "agent:2"
	if _, err := h.cs.AppsV1().DaemonSets("ns").Update(h.ctx, ds, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	h.waitCache()
	if err := h.c.sync(h.ctx, "ns/agent"); err != nil {
		t.Fatal(err)
	}
	if total := len(h.podsByNode()["n1"]) + len(h.podsByNode()["n2"]); total != 3 {
		t.Fatalf("surge step has %d pods, want 3 (one extra)", total)
	}
	h.kubelet()
	h.settle()
	for n, pods := range h.podsByNode() {
		if len(pods) != 1 || pods[0].Spec.Containers[0].Image != "agent:2" {
			t.Errorf("node %s: %d pods after the surge rollout", n, len(pods))
		}
	}
}

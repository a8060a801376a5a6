package statefulset

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
	"keel.dev/client/clock"
	"keel.dev/client/fake"
	"keel.dev/client/informers"
)

type harness struct {
	t   *testing.T
	cs  *fake.Clientset
	c   *Controller
	ctx context.Context
}

func newHarness(t *testing.T, objs ...runtime.Object) *harness {
	t.Helper()
	cs := fake.NewClientset(objs...)
	f := informers.NewFactory(cs.Clientset, 0)
	c := New(cs.Clientset, f, Options{Clock: clock.NewFake(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))})
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(func() { cancel(); f.Shutdown() })
	f.Start(ctx)
	if !f.WaitForCacheSync(ctx) {
		t.Fatal("caches did not sync")
	}
	return &harness{t: t, cs: cs, c: c, ctx: ctx}
}

func statefulSet(mutate ...func(*appsv1.StatefulSet)) *appsv1.StatefulSet {
	s := &appsv1.StatefulSet{
		ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "ns", UID: "set-uid", Generation: 1},
		Spec: appsv1.StatefulSetSpec{
			Replicas:    ptr(int32(2)),
			ServiceName: "nginx",
			Selector:    &metav1.LabelSelector{MatchLabels: map[string]string{"app": "web"}},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "web"}},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "nginx", Image: "nginx:1"}}}},
			VolumeClaimTemplates: []corev1.PersistentVolumeClaim{{ObjectMeta: metav1.ObjectMeta{Name: "www"}}},
			UpdateStrategy:       appsv1.StatefulSetUpdateStrategy{Type: appsv1.RollingUpdateStatefulSetStrategyType},
		},
	}
	for _, m := range mutate {
		m(s)
	}
	return s
}

func ptr[T any](v T) *T { return &v }

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
		set, _ := h.cs.AppsV1().StatefulSets("ns").Get(h.ctx, "web", metav1.GetOptions{})
		cs, err := h.c.sets.Get("ns", "web")
		ok = ok && err == nil && cs.ResourceVersion == set.ResourceVersion
		revs, _ := h.cs.AppsV1().ControllerRevisions("ns").List(h.ctx, metav1.ListOptions{})
		crevs, _ := h.c.revisions.List(labels.Everything())
		pvcs, _ := h.cs.CoreV1().PersistentVolumeClaims("ns").List(h.ctx, metav1.ListOptions{})
		cpvcs, _ := h.c.claims.List(labels.Everything())
		if ok && len(revs.Items) == len(crevs) && len(pvcs.Items) == len(cpvcs) {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	h.t.Fatal("informer cache never caught up")
}

// step syncs once and returns the pod names created by it.
func (h *harness) step() []string {
	h.t.Helper()
	h.waitCache()
	before := len(h.cs.Actions())
	if err := h.c.sync(h.ctx, "ns/web"); err != nil {
		h.t.Fatalf("sync: %v", err)
	}
	var created []string
	for _, a := range h.cs.Actions()[before:] {
		if a.Matches("create", "pods") {
			created = append(created, a.Object.(*corev1.Pod).Name)
		}
	}
	return created
}

// ready plays kubelet for one pod.
func (h *harness) ready(name string) {
	h.t.Helper()
	p, err := h.cs.CoreV1().Pods("ns").Get(h.ctx, name, metav1.GetOptions{})
	if err != nil {
		h.t.Fatal(err)
	}
	p.Status.Phase = corev1.PodRunning
	p.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue}}
	if _, err := h.cs.CoreV1().Pods("ns").UpdateStatus(h.ctx, p, metav1.UpdateOptions{}); err != nil {
		h.t.Fatal(err)
	}
}

func (h *harness) podNames() []string {
	pods, _ := h.cs.CoreV1().Pods("ns").List(h.ctx, metav1.ListOptions{})
	var out []string
	for _, p := range pods.Items {
		out = append(out, p.Name)
	}
	sort.Strings(out)
	return out
}

func TestOrderedCreationWithClaims(t *testing.T) {
	h := newHarness(t, statefulSet())
	if got := h.step(); len(got) != 1 || got[0] != "web-0" {
		t.Fatalf("first sync created %v, want [web-0]", got)
	}
	if got := h.step(); len(got) != 0 {
		t.Fatalf("created %v before web-0 was ready", got)
	}
	pvc, err := h.cs.CoreV1().PersistentVolumeClaims("ns").Get(h.ctx, "www-web-0", metav1.GetOptions{})
	if err != nil {
		t.Fatalf("claim of web-0: %v", err)
	}
	if pvc.Labels["app"] != "web" {
		t.Errorf("claim labels = %v", pvc.Labels)
	}
	p, _ := h.cs.CoreV1().Pods("ns").Get(h.ctx, "web-0", metav1.GetOptions{})
	if p.Spec.Hostname != "web-0" || p.Spec.Subdomain != "nginx" || p.Labels[appsv1.StatefulSetPodNameLabel] != "web-0" ||
		p.Labels[appsv1.PodIndexLabel] != "0" || p.Spec.Volumes[0].PersistentVolumeClaim.ClaimName != "www-web-0" {
		t.Errorf("pod identity: hostname %q subdomain %q labels %v volumes %+v", p.Spec.Hostname, p.Spec.Subdomain, p.Labels, p.Spec.Volumes)
	}
	h.ready("web-0")
	if got := h.step(); len(got) != 1 || got[0] != "web-1" {
		t.Fatalf("after web-0 became ready created %v, want [web-1]", got)
	}
	h.ready("web-1")
	h.step()
	h.waitCache()
	set, _ := h.cs.AppsV1().StatefulSets("ns").Get(h.ctx, "web", metav1.GetOptions{})
	if s := set.Status; s.Replicas != 2 || s.ReadyReplicas != 2 || s.CurrentReplicas != 2 || s.UpdatedReplicas != 2 ||
		s.CurrentRevision == "" || s.CurrentRevision != s.UpdateRevision || s.ObservedGeneration != 1 {
		t.Errorf("status = %+v", s)
	}
}

func TestScaleDownDeletesFromTheTop(t *testing.T) {
	h := newHarness(t, statefulSet(func(s *appsv1.StatefulSet) { s.Spec.Replicas = ptr(int32(3)) }))
	for _, n := range []string{"web-0", "web-1", "web-2"} {
		h.step()
		h.ready(n)
	}
	set, _ := h.cs.AppsV1().StatefulSets("ns").Get(h.ctx, "web", metav1.GetOptions{})
	set.Spec.Replicas = ptr(int32(1))
	if _, err := h.cs.AppsV1().StatefulSets("ns").Update(h.ctx, set, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	h.step()
	if got := h.podNames(); len(got) != 2 || got[1] != "web-1" {
		t.Fatalf("after one step pods are %v, want web-2 deleted first", got)
	}
	h.step()
	if got := h.podNames(); len(got) != 1 || got[0] != "web-0" {
		t.Errorf("pods = %v, want [web-0]", got)
	}
}

func TestParallelCreatesAllAtOnceWithStartOrdinal(t *testing.T) {
	h := newHarness(t, statefulSet(func(s *appsv1.StatefulSet) {
		s.Spec.PodManagementPolicy = appsv1.ParallelPodManagement
		s.Spec.Replicas = ptr(int32(3))
		s.Spec.Ordinals = &appsv1.StatefulSetOrdinals{Start: 5}
	}))
	got := h.step()
	sort.Strings(got)
	if len(got) != 3 || got[0] != "web-5" || got[2] != "web-7" {
		t.Errorf("created %v, want web-5..web-7 at once", got)
	}
}

func TestRollingUpdateWithPartition(t *testing.T) {
	h := newHarness(t, statefulSet(func(s *appsv1.StatefulSet) {
		s.Spec.Replicas = ptr(int32(3))
		s.Spec.UpdateStrategy.RollingUpdate = &appsv1.RollingUpdateStatefulSetStrategy{Partition: ptr(int32(1))}
	}))
	for _, n := range []string{"web-0", "web-1", "web-2"} {
		h.step()
		h.ready(n)
	}
	h.step()
	set, _ := h.cs.AppsV1().StatefulSets("ns").Get(h.ctx, "web", metav1.GetOptions{})
	set.Spec.Template.Spec.Containers[0].Image = "nginx:2"
	if _, err := h.cs.AppsV1().StatefulSets("ns").Update(h.ctx, set, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	for range 8 {
		if created := h.step(); len(created) == 1 {
			h.ready(created[0])
		}
	}
	images := map[string]string{}
	pods, _ := h.cs.CoreV1().Pods("ns").List(h.ctx, metav1.ListOptions{})
	for _, p := range pods.Items {
		images[p.Name] = p.Spec.Containers[0].Image
	}
	if images["web-0"] != "nginx:1" || images["web-1"] != "nginx:2" || images["web-2"] != "nginx:2" {
		t.Errorf("images = %v, want web-0 kept below the partition", images)
	}
	revs, _ := h.cs.AppsV1().ControllerRevisions("ns").List(h.ctx, metav1.ListOptions{})
	if len(revs.Items) != 2 {
		t.Errorf("%d controller revisions, want 2", len(revs.Items))
	}
}

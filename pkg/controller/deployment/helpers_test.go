package deployment

import (
	"context"
	"sort"
	"testing"
	"time"

	appsv1 "keel.dev/api/apps/v1"
	corev1 "keel.dev/api/core/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/types"
	"keel.dev/apimachinery/pkg/util/intstr"
	"keel.dev/client/clock"
	"keel.dev/client/fake"
	"keel.dev/client/informers"
	"keel.dev/client/record"
)

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

type harness struct {
	t     *testing.T
	cs    *fake.Clientset
	c     *Controller
	clock *clock.Fake
	rec   *record.FakeRecorder
	ctx   context.Context
}

func newHarness(t *testing.T, objs ...runtime.Object) *harness {
	t.Helper()
	ctx := t.Context()
	cs := fake.NewClientset(objs...)
	f := informers.NewFactory(cs.Clientset, 0)
	clk := clock.NewFake(t0)
	rec := record.NewFakeRecorder(1000)
	c := New(cs.Clientset, informers.Deployments(f), informers.ReplicaSets(f), informers.Pods(f), Options{Clock: clk, Recorder: rec})
	f.Start(ctx)
	if !f.WaitForCacheSync(ctx) {
		t.Fatal("caches did not sync")
	}
	return &harness{t: t, cs: cs, c: c, clock: clk, rec: rec, ctx: ctx}
}

func newDeployment(name string, n int32, image string) *appsv1.Deployment {
	ten, deadline := int32(10), int32(600)
	return &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "default", UID: types.UID(name + "-uid"), Generation: 1},
		Spec: appsv1.DeploymentSpec{
			Replicas: &n,
			Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": name}},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": name}},
				Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: image}}},
			},
			Strategy: appsv1.DeploymentStrategy{Type: appsv1.RollingUpdateDeploymentStrategyType, RollingUpdate: &appsv1.RollingUpdateDeployment{
				MaxSurge: ptr(intstr.FromString("25%")), MaxUnavailable: ptr(intstr.FromString("25%")),
			}},
			RevisionHistoryLimit:    &ten,
			ProgressDeadlineSeconds: &deadline,
		},
	}
}

func ptr[T any](v T) *T { return &v }

// waitCaught waits until the informers hold what the tracker holds.
func (h *harness) waitCaught() {
	h.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		ok := true
		rss, _ := h.cs.AppsV1().ReplicaSets("default").List(h.ctx, metav1.ListOptions{})
		cached, _ := h.c.rsInf.Lister().List(nil)
		if len(cached) != len(rss.Items) {
			ok = false
		}
		for _, rs := range rss.Items {
			got, err := h.c.rsInf.Lister().Get(rs.Namespace, rs.Name)
			if err != nil || got.ResourceVersion != rs.ResourceVersion {
				ok = false
			}
		}
		ds, _ := h.cs.AppsV1().Deployments("default").List(h.ctx, metav1.ListOptions{})
		for _, d := range ds.Items {
			got, err := h.c.dInf.Lister().Get(d.Namespace, d.Name)
			if err != nil || got.ResourceVersion != d.ResourceVersion {
				ok = false
			}
		}
		if ok {
			return
		}
		if time.Now().After(deadline) {
			h.t.Fatal("informers did not catch up")
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func (h *harness) sync(name string) {
	h.t.Helper()
	h.waitCaught()
	if err := h.c.sync(h.ctx, "default/"+name); err != nil {
		h.t.Fatalf("sync: %v", err)
	}
	h.waitCaught()
}

// rsList returns the stored RSes sorted by revision.
func (h *harness) rsList() []appsv1.ReplicaSet {
	h.t.Helper()
	l, err := h.cs.AppsV1().ReplicaSets("default").List(h.ctx, metav1.ListOptions{})
	if err != nil {
		h.t.Fatal(err)
	}
	sort.Slice(l.Items, func(i, j int) bool { return revision(&l.Items[i]) < revision(&l.Items[j]) })
	return l.Items
}

// settle plays the ReplicaSet controller: every RS gets spec.replicas pods;
// those that existed before stay available, and new ones become available
// only when availableNow is true.
func (h *harness) settle(availableNow bool) {
	h.t.Helper()
	for _, rs := range h.rsList() {
		want := replicas(rs.Spec.Replicas)
		avail := min(rs.Status.AvailableReplicas, want)
		if availableNow {
			avail = want
		}
		if rs.Status.Replicas == want && rs.Status.AvailableReplicas == avail && rs.Status.ObservedGeneration == rs.Generation {
			continue
		}
		rs.Status = appsv1.ReplicaSetStatus{Replicas: want, FullyLabeledReplicas: want, ReadyReplicas: avail, AvailableReplicas: avail, ObservedGeneration: rs.Generation}
		if _, err := h.cs.AppsV1().ReplicaSets("default").UpdateStatus(h.ctx, &rs, metav1.UpdateOptions{}); err != nil {
			h.t.Fatal(err)
		}
	}
	h.waitCaught()
}

func (h *harness) deployment(name string) *appsv1.Deployment {
	h.t.Helper()
	d, err := h.cs.AppsV1().Deployments("default").Get(h.ctx, name, metav1.GetOptions{})
	if err != nil {
		h.t.Fatal(err)
	}
	return d
}

func (h *harness) setImage(name, image string) {
	h.t.Helper()
	d := h.deployment(name)
	d.Spec.Template.Spec.Containers[0].Image = image
	d.Generation++
	if _, err := h.cs.AppsV1().Deployments("default").Update(h.ctx, d, metav1.UpdateOptions{}); err != nil {
		h.t.Fatal(err)
	}
}

// rollToCompletion syncs and settles until the deployment is complete,
// checking the availability bounds after every step.
func (h *harness) rollToCompletion(name string, check func(step int, rss []appsv1.ReplicaSet)) int {
	h.t.Helper()
	for step := 0; step < 50; step++ {
		h.sync(name)
		rss := h.rsList()
		if check != nil {
			check(step, rss)
		}
		d := h.deployment(name)
		if deploymentComplete(d, &d.Status) {
			return step
		}
		h.settle(true)
	}
	h.t.Fatal("rollout did not complete in 50 steps")
	return 0
}

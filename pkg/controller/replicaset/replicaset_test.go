package replicaset

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	appsv1 "keel.dev/api/apps/v1"
	corev1 "keel.dev/api/core/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"
	"keel.dev/client/fake"
	"keel.dev/client/informers"

	"keel.dev/keel/pkg/controller/internal/expectations"
)

func TestScaleUpCreatesPodsFromTemplate(t *testing.T) {
	rs := newRS("web", 3)
	h := newHarness(t, Options{}, rs)
	if err := h.c.sync(h.ctx, "default/web"); err != nil {
		t.Fatal(err)
	}
	// A second sync right away must not create more pods: either the
	// expectations are outstanding or the informer already sees the pods.
	if err := h.c.sync(h.ctx, "default/web"); err != nil {
		t.Fatal(err)
	}
	if got := h.count("create", "pods"); got != 3 {
		t.Fatalf("created %d pods, want 3", got)
	}
	var pod *corev1.Pod
	for _, a := range h.cs.Actions() {
		if a.Matches("create", "pods") {
			pod = a.Object.(*corev1.Pod)
		}
	}
	if pod.GenerateName != "web-" || pod.Labels["app"] != "web" || pod.Annotations["a"] != "b" || pod.Spec.Containers[0].Image != "nginx" {
		t.Errorf("pod not built from template: %+v", pod.ObjectMeta)
	}
	ref := metav1.GetControllerOf(pod)
	want := metav1.OwnerReference{APIVersion: "apps/v1", Kind: "ReplicaSet", Name: "web", UID: rs.UID}
	if ref == nil || ref.APIVersion != want.APIVersion || ref.Kind != want.Kind || ref.UID != want.UID || ref.BlockOwnerDeletion == nil || !*ref.BlockOwnerDeletion {
		t.Errorf("ownerReference = %+v", ref)
	}
	eventually(t, "pods in cache", func() bool { return h.cachedPods(t) == 3 })
	eventually(t, "expectations satisfied", func() bool { return h.c.expectations.Satisfied("default/web") })
	if err := h.c.sync(h.ctx, "default/web"); err != nil {
		t.Fatal(err)
	}
	if got := h.count("create", "pods"); got != 3 {
		t.Fatalf("after the pods were observed: created %d pods, want 3", got)
	}
	got, _ := h.cs.AppsV1().ReplicaSets("default").Get(h.ctx, "web", metav1.GetOptions{})
	if got.Status.Replicas != 3 || got.Status.FullyLabeledReplicas != 3 || got.Status.ObservedGeneration != 1 {
		t.Errorf("status = %+v", got.Status)
	}
}

func TestExpectationsBlockScalingUntilObservedOrExpired(t *testing.T) {
	h := newHarness(t, Options{})
	e := h.c.expectations
	e.Expect("k", 2, 0)
	if e.Satisfied("k") {
		t.Fatal("satisfied with two creations outstanding")
	}
	e.Observe("k", -1, 0)
	e.Observe("k", -1, 0)
	if !e.Satisfied("k") {
		t.Fatal("not satisfied after both creations were observed")
	}
	e.ExpectDeletionsOf("k", []string{"ns/a"})
	if e.Satisfied("k") {
		t.Fatal("satisfied with a deletion outstanding")
	}
	h.clock.Step(expectations.DefaultTimeout + time.Second)
	if !e.Satisfied("k") {
		t.Fatal("not satisfied after the timeout")
	}
}

func TestScaleDownDeletesInPreferenceOrder(t *testing.T) {
	rs := newRS("web", 2)
	l := map[string]string{"app": "web"}
	objs := []runtime.Object{rs,
		newPod("ready-old", rs, l, onNode("n1"), readyAt(t0.Add(-time.Hour))),
		newPod("ready-new", rs, l, onNode("n2"), readyAt(t0.Add(-time.Minute))),
		newPod("pending", rs, l, onNode("n3"), phase(corev1.PodPending)),
		newPod("unscheduled", rs, l, phase(corev1.PodPending)),
		newPod("running-notready", rs, l, onNode("n4"), phase(corev1.PodRunning)),
	}
	h := newHarness(t, Options{}, objs...)
	if err := h.c.sync(h.ctx, "default/web"); err != nil {
		t.Fatal(err)
	}
	var deleted []string
	for _, a := range h.cs.Actions() {
		if a.Matches("delete", "pods") {
			deleted = append(deleted, a.Name)
		}
	}
	want := map[string]bool{"unscheduled": true, "pending": true, "running-notready": true}
	if len(deleted) != 3 {
		t.Fatalf("deleted %v, want the three least valuable pods", deleted)
	}
	for _, d := range deleted {
		if !want[d] {
			t.Errorf("deleted %q, want only %v", d, want)
		}
	}
	if adds, dels := h.c.expectations.Pending("default/web"); adds != 0 || dels > 3 {
		t.Errorf("expectations = %d adds, %d deletes", adds, dels)
	}
}

func TestDeletionOrder(t *testing.T) {
	tests := []struct {
		name string
		pods []*corev1.Pod
		want []string
	}{
		{"an unscheduled pod goes before a scheduled one", []*corev1.Pod{
			newPod("scheduled", nil, nil, onNode("n"), phase(corev1.PodPending)),
			newPod("unscheduled", nil, nil, phase(corev1.PodPending)),
		}, []string{"unscheduled", "scheduled"}},
		{"pending goes before unknown before running", []*corev1.Pod{
			newPod("running", nil, nil, onNode("a"), phase(corev1.PodRunning)),
			newPod("unknown", nil, nil, onNode("b"), phase(corev1.PodUnknown)),
			newPod("pending", nil, nil, onNode("c"), phase(corev1.PodPending)),
		}, []string{"pending", "unknown", "running"}},
		{"a not-ready pod goes before a ready one", []*corev1.Pod{
			newPod("ready", nil, nil, onNode("a"), readyAt(t0)),
			newPod("notready", nil, nil, onNode("b"), phase(corev1.PodRunning)),
		}, []string{"notready", "ready"}},
		{"the more recently ready pod goes first", []*corev1.Pod{
			newPod("old", nil, nil, onNode("a"), readyAt(t0.Add(-time.Hour))),
			newPod("new", nil, nil, onNode("b"), readyAt(t0)),
		}, []string{"new", "old"}},
		{"the pod with more restarts goes first", []*corev1.Pod{
			newPod("few", nil, nil, onNode("a"), readyAt(t0), restartsN(1)),
			newPod("many", nil, nil, onNode("b"), readyAt(t0), restartsN(5)),
		}, []string{"many", "few"}},
		{"the newer pod goes first", []*corev1.Pod{
			newPod("older", nil, nil, onNode("a"), readyAt(t0), createdAt(t0.Add(-time.Hour))),
			newPod("newer", nil, nil, onNode("b"), readyAt(t0), createdAt(t0)),
		}, []string{"newer", "older"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			deletionOrder(tt.pods)
			var got []string
			for _, p := range tt.pods {
				got = append(got, p.Name)
			}
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("order (-want +got):\n%s", d)
			}
		})
	}
}

func TestAdoptsMatchingOrphansAndReleasesMismatches(t *testing.T) {
	rs := newRS("web", 2)
	objs := []runtime.Object{rs,
		newPod("orphan", nil, map[string]string{"app": "web"}),
		newPod("relabelled", rs, map[string]string{"app": "other"}),
		newPod("foreign", nil, map[string]string{"app": "other"}),
	}
	h := newHarness(t, Options{}, objs...)
	if err := h.c.sync(h.ctx, "default/web"); err != nil {
		t.Fatal(err)
	}
	orphan, _ := h.cs.CoreV1().Pods("default").Get(h.ctx, "orphan", metav1.GetOptions{})
	if ref := metav1.GetControllerOf(orphan); ref == nil || ref.UID != rs.UID || ref.Kind != "ReplicaSet" {
		t.Errorf("orphan not adopted: %+v", orphan.OwnerReferences)
	}
	released, _ := h.cs.CoreV1().Pods("default").Get(h.ctx, "relabelled", metav1.GetOptions{})
	if len(released.OwnerReferences) != 0 {
		t.Errorf("relabelled pod not released: %+v", released.OwnerReferences)
	}
	foreign, _ := h.cs.CoreV1().Pods("default").Get(h.ctx, "foreign", metav1.GetOptions{})
	if len(foreign.OwnerReferences) != 0 {
		t.Errorf("non-matching pod adopted")
	}
	// One adopted pod plus one new pod make two.
	if got := h.count("create", "pods"); got != 1 {
		t.Errorf("created %d pods, want 1", got)
	}
}

func TestCreateErrorsStopSlowStartAndSetReplicaFailure(t *testing.T) {
	rs := newRS("web", 10)
	h := newHarness(t, Options{}, rs)
	h.cs.PrependReactor("create", "pods", func(a fake.Action) (bool, runtime.Object, error) {
		return true, nil, apierrors.NewForbidden(schema.GroupResource{Resource: "pods"}, "", errors.New("quota exceeded"))
	})
	if err := h.c.sync(h.ctx, "default/web"); err == nil {
		t.Fatal("sync succeeded despite create errors")
	}
	if got := h.count("create", "pods"); got != 1 {
		t.Errorf("attempted %d creations, want 1 (slow start stops after the failed first batch)", got)
	}
	if !h.c.expectations.Satisfied("default/web") {
		t.Error("expectations still outstanding after failed creations")
	}
	got, _ := h.cs.AppsV1().ReplicaSets("default").Get(h.ctx, "web", metav1.GetOptions{})
	if len(got.Status.Conditions) != 1 || got.Status.Conditions[0].Type != appsv1.ReplicaSetReplicaFailure || got.Status.Conditions[0].Reason != "FailedCreate" {
		t.Errorf("conditions = %+v", got.Status.Conditions)
	}
	select {
	case ev := <-h.rec.Events:
		if !strings.HasPrefix(ev, "Warning FailedCreate") {
			t.Errorf("event = %q", ev)
		}
	default:
		t.Error("no FailedCreate event")
	}
}

func TestSlowStartBatchesDoubleUpToTheBurst(t *testing.T) {
	var mu sync.Mutex
	calls := 0
	n, err := slowStart(20, 1, func() error { mu.Lock(); calls++; mu.Unlock(); return nil })
	if err != nil || n != 20 || calls != 20 {
		t.Fatalf("slowStart = %d, %v after %d calls", n, err, calls)
	}
	rs := newRS("web", 25)
	h := newHarness(t, Options{BurstReplicas: 10}, rs)
	if err := h.c.sync(h.ctx, "default/web"); err != nil {
		t.Fatal(err)
	}
	if got := h.count("create", "pods"); got != 10 {
		t.Errorf("created %d pods in one sync, want the burst of 10", got)
	}
}

func TestStatusCountsAvailabilityAfterMinReadySeconds(t *testing.T) {
	rs := newRS("web", 2)
	rs.Spec.MinReadySeconds = 30
	l := map[string]string{"app": "web"}
	h := newHarness(t, Options{}, rs,
		newPod("a", rs, l, onNode("n"), readyAt(t0.Add(-time.Minute))),
		newPod("b", rs, l, onNode("n"), readyAt(t0.Add(-10*time.Second))),
	)
	if err := h.c.sync(h.ctx, "default/web"); err != nil {
		t.Fatal(err)
	}
	got, _ := h.cs.AppsV1().ReplicaSets("default").Get(h.ctx, "web", metav1.GetOptions{})
	if got.Status.ReadyReplicas != 2 || got.Status.AvailableReplicas != 1 {
		t.Errorf("status = %+v, want 2 ready and 1 available", got.Status)
	}
}

func TestReplicationControllerAdapterOwnsPodsAsReplicationController(t *testing.T) {
	two := int32(2)
	rc := &corev1.ReplicationController{
		ObjectMeta: metav1.ObjectMeta{Name: "legacy", Namespace: "default", UID: "rc-uid", Generation: 3},
		Spec: corev1.ReplicationControllerSpec{Replicas: &two, Selector: map[string]string{"app": "legacy"},
			Template: &corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "legacy"}},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "busybox"}}}}},
	}
	cs := fake.NewClientset(rc)
	f := informers.NewFactory(cs.Clientset, 0)
	c := NewForReplicationControllers(cs.Clientset, informers.ReplicationControllers(f), informers.Pods(f), Options{})
	h := &harness{cs: cs, c: c}
	ctx := t.Context()
	f.Start(ctx)
	f.WaitForCacheSync(ctx)
	if err := c.sync(ctx, "default/legacy"); err != nil {
		t.Fatal(err)
	}
	if got := h.count("create", "pods"); got != 2 {
		t.Fatalf("created %d pods, want 2", got)
	}
	for _, a := range cs.Actions() {
		if a.Matches("create", "pods") {
			ref := metav1.GetControllerOf(a.Object.(*corev1.Pod))
			if ref == nil || ref.Kind != "ReplicationController" || ref.APIVersion != "v1" || ref.UID != "rc-uid" {
				t.Errorf("ownerReference = %+v", ref)
			}
		}
	}
	got, _ := cs.CoreV1().ReplicationControllers("default").Get(ctx, "legacy", metav1.GetOptions{})
	if got.Status.ObservedGeneration != 3 {
		t.Errorf("observedGeneration = %d, want 3", got.Status.ObservedGeneration)
	}
}

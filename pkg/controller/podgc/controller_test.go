package podgc

import (
	"context"
	"fmt"
	"sort"
	"testing"
	"time"

	corev1 "keel.dev/api/core/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/client/clock"
	"keel.dev/client/fake"
	"keel.dev/client/informers"
)

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func pod(name, node string, phase corev1.PodPhase, age int) *corev1.Pod {
	return &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "ns", CreationTimestamp: metav1.NewTime(t0.Add(time.Duration(age) * time.Minute))},
		Spec: corev1.PodSpec{NodeName: node}, Status: corev1.PodStatus{Phase: phase}}
}

func run(t *testing.T, opts Options, objs ...runtime.Object) (*fake.Clientset, *Controller, *clock.Fake) {
	t.Helper()
	cs := fake.NewClientset(objs...)
	fc := clock.NewFake(t0)
	opts.Clock = fc
	f := informers.NewFactory(cs.Clientset, 0)
	c := New(cs.Clientset, f, opts)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(func() { cancel(); f.Shutdown() })
	f.Start(ctx)
	f.WaitForCacheSync(ctx)
	return cs, c, fc
}

func names(t *testing.T, cs *fake.Clientset) string {
	t.Helper()
	l, err := cs.CoreV1().Pods("ns").List(context.Background(), metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, p := range l.Items {
		out = append(out, p.Name)
	}
	sort.Strings(out)
	return fmt.Sprint(out)
}

func TestTerminatedPodsAboveTheThresholdGoOldestFirst(t *testing.T) {
	node := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "n1"}}
	cs, c, _ := run(t, Options{TerminatedPodThreshold: 2}, node,
		pod("a", "n1", corev1.PodSucceeded, 1), pod("b", "n1", corev1.PodFailed, 2), pod("c", "n1", corev1.PodSucceeded, 3),
		pod("d", "n1", corev1.PodSucceeded, 4), pod("live", "n1", corev1.PodRunning, 0))
	if err := c.gc(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := names(t, cs); got != "[c d live]" {
		t.Errorf("pods = %s, want the two oldest terminated pods gone", got)
	}
}

func TestOrphanedPodsGoAfterTheQuarantine(t *testing.T) {
	cs, c, fc := run(t, Options{}, pod("orphan", "gone", corev1.PodRunning, 0))
	ctx := context.Background()
	if err := c.gc(ctx); err != nil {
		t.Fatal(err)
	}
	fc.Step(39 * time.Second)
	if err := c.gc(ctx); err != nil {
		t.Fatal(err)
	}
	if got := names(t, cs); got != "[orphan]" {
		t.Fatalf("pod deleted inside the quarantine: %s", got)
	}
	fc.Step(2 * time.Second)
	if err := c.gc(ctx); err != nil {
		t.Fatal(err)
	}
	if got := names(t, cs); got != "[]" {
		t.Errorf("orphan survived the quarantine: %s", got)
	}
}

func TestUnscheduledTerminatingPodsGo(t *testing.T) {
	now := metav1.NewTime(t0)
	p := pod("stuck", "", corev1.PodPending, 0)
	p.DeletionTimestamp = &now
	p.Finalizers = []string{"example.com/x"}
	cs, c, _ := run(t, Options{}, p, pod("pending", "", corev1.PodPending, 0))
	cs.ClearActions()
	if err := c.gc(context.Background()); err != nil {
		t.Fatal(err)
	}
	var deleted []string
	for _, a := range cs.Actions() {
		if a.Matches("delete", "pods") {
			deleted = append(deleted, a.Name)
		}
	}
	if fmt.Sprint(deleted) != "[stuck]" {
		t.Errorf("deleted %v, want only the unscheduled terminating pod", deleted)
	}
}

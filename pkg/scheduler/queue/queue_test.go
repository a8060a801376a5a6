package queue

import (
	"context"
	"sync"
	"testing"
	"time"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/keel/pkg/scheduler/framework"
	st "keel.dev/keel/pkg/scheduler/internal/testing"
)

type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Step(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func less(a, b *framework.QueuedPodInfo) bool {
	pa, pb := framework.PodPriority(a.Pod), framework.PodPriority(b.Pod)
	return pa > pb || (pa == pb && a.Timestamp.Before(b.Timestamp))
}

func newQueue(clock *fakeClock) *PriorityQueue {
	return New(Options{
		Less:  less,
		Clock: clock,
		PreEnqueue: func(_ context.Context, pod *corev1.Pod) *framework.Status {
			if len(pod.Spec.SchedulingGates) > 0 {
				return framework.NewStatus(framework.UnschedulableAndUnresolvable, "gated").WithPlugin("SchedulingGates")
			}
			return nil
		},
		Events: map[string][]framework.ClusterEvent{
			"NodeResourcesFit": {{Resource: framework.AssignedPod, ActionType: framework.Delete}, {Resource: framework.Node, ActionType: framework.Add | framework.UpdateNodeAllocatable}},
		},
	})
}

func pop(t *testing.T, q *PriorityQueue) *framework.QueuedPodInfo {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	p, err := q.Pop(ctx)
	if err != nil {
		t.Fatalf("pop: %v", err)
	}
	return p
}

func TestPopOrdersByPriorityThenTime(t *testing.T) {
	clock := &fakeClock{now: time.Unix(1000, 0)}
	q := newQueue(clock)
	ctx := context.Background()
	q.Add(ctx, st.MakePod("lo").Priority(1).Obj())
	clock.Step(time.Second)
	q.Add(ctx, st.MakePod("hi").Priority(10).Obj())
	q.Add(ctx, st.MakePod("lo-later").Priority(1).Obj())
	q.Add(ctx, st.MakePod("mid").Priority(5).Obj())
	var got []string
	for i := 0; i < 4; i++ {
		got = append(got, pop(t, q).Pod.Name)
	}
	want := []string{"hi", "mid", "lo", "lo-later"}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("order %v, want %v", got, want)
		}
	}
}

func TestBackoffDoublesToTheCap(t *testing.T) {
	q := newQueue(&fakeClock{})
	want := []time.Duration{1, 2, 4, 8, 10, 10}
	for i, w := range want {
		p := &framework.QueuedPodInfo{Attempts: i + 1}
		if got := q.backoffDuration(p); got != w*time.Second {
			t.Fatalf("attempt %d: got %v want %v", i+1, got, w*time.Second)
		}
	}
}

func TestErroredPodWaitsOutItsBackoff(t *testing.T) {
	clock := &fakeClock{now: time.Unix(1000, 0)}
	q := newQueue(clock)
	pod := st.MakePod("p").Obj()
	q.Add(context.Background(), pod)
	p := pop(t, q)
	if err := q.AddUnschedulableIfNotPresent(p, q.SchedulingCycle()); err != nil {
		t.Fatal(err)
	}
	if w := q.Where(pod); w != "backoff" {
		t.Fatalf("a pod that failed with an error goes to backoff, got %q", w)
	}
	clock.Step(999 * time.Millisecond)
	q.FlushBackoffQCompleted()
	if w := q.Where(pod); w != "backoff" {
		t.Fatalf("still backing off before 1s, got %q", w)
	}
	clock.Step(2 * time.Millisecond)
	q.FlushBackoffQCompleted()
	if w := q.Where(pod); w != "active" {
		t.Fatalf("active after 1s, got %q", w)
	}
	p = pop(t, q)
	if p.Attempts != 2 {
		t.Fatalf("attempts %d", p.Attempts)
	}
	_ = q.AddUnschedulableIfNotPresent(p, q.SchedulingCycle())
	clock.Step(1500 * time.Millisecond)
	q.FlushBackoffQCompleted()
	if w := q.Where(pod); w != "backoff" {
		t.Fatalf("second backoff lasts 2s, got %q after 1.5s", w)
	}
}

func TestClusterEventsMoveUnschedulablePods(t *testing.T) {
	clock := &fakeClock{now: time.Unix(1000, 0)}
	q := newQueue(clock)
	pod := st.MakePod("p").Obj()
	q.Add(context.Background(), pod)
	p := pop(t, q)
	p.UnschedulablePlugins = map[string]struct{}{"NodeResourcesFit": {}}
	if err := q.AddUnschedulableIfNotPresent(p, q.SchedulingCycle()); err != nil {
		t.Fatal(err)
	}
	if w := q.Where(pod); w != "unschedulable" {
		t.Fatalf("got %q", w)
	}
	q.MoveAllToActiveOrBackoffQueue(framework.ClusterEvent{Resource: framework.Node, ActionType: framework.UpdateNodeLabel}, nil)
	if w := q.Where(pod); w != "unschedulable" {
		t.Fatalf("a label update is not registered by NodeResourcesFit, got %q", w)
	}
	q.MoveAllToActiveOrBackoffQueue(framework.EventAssignedPodDelete, nil)
	if w := q.Where(pod); w != "backoff" {
		t.Fatalf("a pod deletion moves the pod, still backing off: got %q", w)
	}
	clock.Step(2 * time.Second)
	q.FlushBackoffQCompleted()
	if w := q.Where(pod); w != "active" {
		t.Fatalf("got %q", w)
	}
}

func TestEventDuringCycleSendsPodToBackoff(t *testing.T) {
	clock := &fakeClock{now: time.Unix(1000, 0)}
	q := newQueue(clock)
	pod := st.MakePod("p").Obj()
	q.Add(context.Background(), pod)
	p := pop(t, q)
	cycle := q.SchedulingCycle()
	q.MoveAllToActiveOrBackoffQueue(framework.EventNodeAdd, nil)
	p.UnschedulablePlugins = map[string]struct{}{"NodeResourcesFit": {}}
	_ = q.AddUnschedulableIfNotPresent(p, cycle)
	if w := q.Where(pod); w != "backoff" {
		t.Fatalf("an event during the cycle must not strand the pod, got %q", w)
	}
}

func TestUnschedulablePodsAreFlushedAfterFiveMinutes(t *testing.T) {
	clock := &fakeClock{now: time.Unix(1000, 0)}
	q := newQueue(clock)
	pod := st.MakePod("p").Obj()
	q.Add(context.Background(), pod)
	p := pop(t, q)
	p.UnschedulablePlugins = map[string]struct{}{"NodeResourcesFit": {}}
	_ = q.AddUnschedulableIfNotPresent(p, q.SchedulingCycle())
	clock.Step(4 * time.Minute)
	q.FlushUnschedulablePodsLeftover()
	if w := q.Where(pod); w != "unschedulable" {
		t.Fatalf("got %q", w)
	}
	clock.Step(time.Minute + time.Second)
	q.FlushUnschedulablePodsLeftover()
	if w := q.Where(pod); w != "active" {
		t.Fatalf("got %q", w)
	}
}

func TestSchedulingGates(t *testing.T) {
	q := newQueue(&fakeClock{now: time.Unix(1000, 0)})
	gated := st.MakePod("p").SchedulingGate("wait").Obj()
	q.Add(context.Background(), gated)
	if w := q.Where(gated); w != "gated" {
		t.Fatalf("got %q", w)
	}
	if a, _, _, g := q.Sizes(); a != 0 || g != 1 {
		t.Fatalf("sizes active %d gated %d", a, g)
	}
	open := st.MakePod("p").Obj()
	q.Update(context.Background(), gated, open)
	if w := q.Where(open); w != "active" {
		t.Fatalf("removing the gate activates the pod, got %q", w)
	}
}

func TestPopBlocksUntilAddOrCancel(t *testing.T) {
	q := newQueue(&fakeClock{now: time.Unix(1000, 0)})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := q.Pop(ctx)
		done <- err
	}()
	select {
	case <-done:
		t.Fatal("Pop returned on an empty queue")
	case <-time.After(20 * time.Millisecond):
	}
	cancel()
	select {
	case err := <-done:
		if err == nil {
			t.Fatal("want an error after cancel")
		}
	case <-time.After(time.Second):
		t.Fatal("Pop did not return after cancel")
	}
	go func() {
		p, err := q.Pop(context.Background())
		if err == nil {
			done <- nil
			_ = p
		}
	}()
	q.Add(context.Background(), st.MakePod("p").Obj())
	select {
	case <-done:
	case <-time.After(time.Second):
		t.Fatal("Pop did not wake on Add")
	}
}

func TestNominator(t *testing.T) {
	n := NewNominator()
	p := framework.NewPodInfo(st.MakePod("p").Obj())
	n.AddNominatedPod(p, "n1")
	if got := n.NominatedPodsForNode("n1"); len(got) != 1 {
		t.Fatalf("got %d", len(got))
	}
	n.AddNominatedPod(p, "n2")
	if len(n.NominatedPodsForNode("n1")) != 0 || len(n.NominatedPodsForNode("n2")) != 1 {
		t.Fatal("renomination should move the pod")
	}
	n.DeleteNominatedPodIfExists(p.Pod)
	if n.NominatedNodeName(p.Pod) != "" {
		t.Fatal("deleted")
	}
}

func TestChangesWhileInFlight(t *testing.T) {
	cases := []struct {
		name   string
		change func(q *PriorityQueue, pod *corev1.Pod)
		where  string
	}{
		{"a pod deleted during its cycle is not requeued", func(q *PriorityQueue, pod *corev1.Pod) { q.Delete(pod) }, ""},
		{"a pod updated during its cycle is retried with the new version", func(q *PriorityQueue, pod *corev1.Pod) {
			p := pod.DeepCopy()
			p.Labels = map[string]string{"new": "yes"}
			q.Update(context.Background(), pod, p)
		}, "backoff"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			q := newQueue(&fakeClock{now: time.Unix(1000, 0)})
			pod := st.MakePod("p").Obj()
			q.Add(context.Background(), pod)
			p := pop(t, q)
			tc.change(q, pod)
			p.UnschedulablePlugins = map[string]struct{}{"NodeResourcesFit": {}}
			if err := q.AddUnschedulableIfNotPresent(p, q.SchedulingCycle()); err != nil {
				t.Fatal(err)
			}
			if w := q.Where(pod); w != tc.where {
				t.Fatalf("pod in %q, want %q", w, tc.where)
			}
			if tc.where != "" && p.Pod.Labels["new"] != "yes" {
				t.Fatal("the requeued pod should carry the update")
			}
		})
	}
}

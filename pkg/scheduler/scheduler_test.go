package scheduler

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/keel/pkg/scheduler/framework"
	st "keel.dev/keel/pkg/scheduler/internal/testing"
)

// fakeCluster records what the scheduler asks of the API server.
type fakeCluster struct {
	mu        sync.Mutex
	bindings  map[string]string
	failBind  map[string]bool
	evicted   []string
	conds     map[string]*corev1.PodCondition
	nominated map[string]string
	events    []string
}

func newFakeCluster() *fakeCluster {
	return &fakeCluster{bindings: map[string]string{}, failBind: map[string]bool{}, conds: map[string]*corev1.PodCondition{}, nominated: map[string]string{}}
}

func (f *fakeCluster) Bind(_ context.Context, pod *corev1.Pod, node string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.failBind[pod.Name] {
		return errors.New("conflict")
	}
	f.bindings[pod.Name] = node
	return nil
}

func (f *fakeCluster) Evict(_ context.Context, victim, _ *corev1.Pod) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.evicted = append(f.evicted, victim.Name)
	return nil
}

func (f *fakeCluster) UpdatePodStatus(_ context.Context, pod *corev1.Pod, cond *corev1.PodCondition, nominated *string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.conds[pod.Name] = cond
	if nominated != nil {
		f.nominated[pod.Name] = *nominated
	}
	return nil
}

func (f *fakeCluster) Eventf(pod *corev1.Pod, eventType, reason, format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.events = append(f.events, fmt.Sprintf("%s %s %s: %s", pod.Name, eventType, reason, fmt.Sprintf(format, args...)))
}

func (f *fakeCluster) binding(name string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.bindings[name]
}

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

var clock = &fakeClock{now: time.Unix(1000, 0)}

func newScheduler(t *testing.T, f *fakeCluster) *Scheduler {
	t.Helper()
	s, err := New(context.Background(), Options{Binder: f, Evictor: f, Status: f, Recorder: f, Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// scheduleOne pops and schedules one pod and waits for its binding.
func scheduleOne(t *testing.T, s *Scheduler) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if s.ScheduleOne(ctx) == nil {
		t.Fatal("no pod to schedule")
	}
	s.WaitForBindings()
}

func TestScheduleBindsAndReportsFailures(t *testing.T) {
	f := newFakeCluster()
	s := newScheduler(t, f)
	ctx := context.Background()
	s.OnNodeAdd(ctx, st.MakeNode("n1").Capacity("2", "4Gi").Obj())
	s.OnNodeAdd(ctx, st.MakeNode("gpu").Capacity("8", "8Gi").Taint("dedicated", "gpu", corev1.TaintEffectNoSchedule).Obj())

	s.OnPodAdd(ctx, st.MakePod("small").Req("1", "1Gi").Obj())
	scheduleOne(t, s)
	if got := f.binding("small"); got != "n1" {
		t.Fatalf("small bound to %q", got)
	}
	if f.events[0] != "small Normal Scheduled: Successfully assigned default/small to n1" {
		t.Fatalf("event %q", f.events[0])
	}

	big := st.MakePod("big").Req("2", "").Obj()
	s.OnPodAdd(ctx, big)
	scheduleOne(t, s)
	want := "0/2 nodes are available: 1 Insufficient cpu, 1 node(s) had untolerated taint {dedicated: gpu}. preemption: 0/2 nodes are available: 1 No preemption victims found for incoming pod, 1 Preemption is not helpful for scheduling."
	c := f.conds["big"]
	if c == nil || c.Type != corev1.PodScheduled || c.Status != corev1.ConditionFalse || c.Reason != "Unschedulable" || c.Message != want {
		t.Fatalf("condition %+v\nwant message %q", c, want)
	}
	if last := f.events[len(f.events)-1]; last != "big Warning FailedScheduling: "+want {
		t.Fatalf("event %q", last)
	}
	if w := s.Queue.Where(big); w != "unschedulable" {
		t.Fatalf("big is in %q", w)
	}

	// The bound pod is confirmed by the informer, then deleted: big becomes schedulable.
	small := st.MakePod("small").Req("1", "1Gi").Node("n1").Obj()
	s.OnPodUpdate(ctx, st.MakePod("small").Req("1", "1Gi").Obj(), small)
	if s.Cache.IsAssumedPod(small) {
		t.Fatal("small should be confirmed")
	}
	s.OnPodDelete(ctx, small)
	if w := s.Queue.Where(big); w != "backoff" {
		t.Fatalf("after the delete big is in %q", w)
	}
}

func TestNodeAddRequeuesAndBindFailureForgets(t *testing.T) {
	f := newFakeCluster()
	s := newScheduler(t, f)
	ctx := context.Background()
	pod := st.MakePod("p").Req("1", "").Obj()
	s.OnPodAdd(ctx, pod)
	s.OnNodeAdd(ctx, st.MakeNode("tiny").Capacity("500m", "1Gi").Obj())
	scheduleOne(t, s)
	if s.Queue.Where(pod) != "unschedulable" {
		t.Fatalf("pod in %q", s.Queue.Where(pod))
	}
	f.failBind["p"] = true
	s.OnNodeAdd(ctx, st.MakeNode("big").Capacity("4", "8Gi").Obj())
	if w := s.Queue.Where(pod); w != "backoff" && w != "active" {
		t.Fatalf("a node add should requeue the pod, it is in %q", w)
	}
	clock.Step(time.Minute)
	s.Queue.FlushBackoffQCompleted()
	scheduleOne(t, s)
	if s.Cache.PodCount() != 0 {
		t.Fatal("a failed binding must forget the assumed pod")
	}
	if c := f.conds["p"]; c == nil || c.Reason != "SchedulerError" {
		t.Fatalf("condition %+v", c)
	}
	if w := s.Queue.Where(pod); w != "backoff" {
		t.Fatalf("a pod whose binding failed backs off, it is in %q", w)
	}
}

func TestPreemptionNominatesAndEvicts(t *testing.T) {
	f := newFakeCluster()
	s := newScheduler(t, f)
	ctx := context.Background()
	s.OnNodeAdd(ctx, st.MakeNode("n1").Capacity("2", "4Gi").Obj())
	victim := st.MakePod("victim").Priority(1).Req("2", "").Node("n1").Obj()
	s.OnPodAdd(ctx, victim)
	vip := st.MakePod("vip").Priority(100).Req("2", "").Obj()
	s.OnPodAdd(ctx, vip)
	scheduleOne(t, s)
	if len(f.evicted) != 1 || f.evicted[0] != "victim" || f.nominated["vip"] != "n1" {
		t.Fatalf("evicted %v nominated %q", f.evicted, f.nominated["vip"])
	}
	if got := s.Queue.NominatedNodeName(vip); got != "n1" {
		t.Fatalf("queue nomination %q", got)
	}
	s.OnPodDelete(ctx, victim)
	clock.Step(time.Minute)
	s.Queue.FlushBackoffQCompleted()
	scheduleOne(t, s)
	if got := f.binding("vip"); got != "n1" {
		t.Fatalf("vip bound to %q", got)
	}
}

func TestRunSchedulesABacklog(t *testing.T) {
	f := newFakeCluster()
	s := newScheduler(t, f)
	ctx, cancel := context.WithCancel(context.Background())
	for i := 0; i < 20; i++ {
		s.OnNodeAdd(ctx, st.MakeNode(fmt.Sprintf("n%02d", i)).Capacity("4", "8Gi").Label("zone", fmt.Sprint(i%4)).Obj())
	}
	for i := 0; i < 200; i++ {
		s.OnPodAdd(ctx, st.MakePod(fmt.Sprintf("p%03d", i)).Label("app", "web").Req("100m", "100Mi").
			SpreadConstraint(1, "zone", corev1.DoNotSchedule, nil, "app", "web").Obj())
	}
	done := make(chan struct{})
	go func() {
		s.Run(ctx)
		close(done)
	}()
	deadline := time.Now().Add(10 * time.Second)
	for {
		f.mu.Lock()
		n := len(f.bindings)
		f.mu.Unlock()
		if n == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("only %d of 200 pods bound", n)
		}
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	<-done
	perZone := map[string]int{}
	f.mu.Lock()
	for _, node := range f.bindings {
		var i int
		fmt.Sscanf(node, "n%d", &i)
		perZone[fmt.Sprint(i%4)]++
	}
	f.mu.Unlock()
	for z, n := range perZone {
		if n != 50 {
			t.Fatalf("zone %s got %d pods, want 50 each (spread): %v", z, n, perZone)
		}
	}
	_ = framework.MaxNodeScore
}

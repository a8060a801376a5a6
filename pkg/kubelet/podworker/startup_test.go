package podworker

import (
	"context"
	"strings"
	"testing"
	"time"

	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/keel/pkg/kubelet/clock"
)

func TestResyncOfAnUnchangedPodOnlyLists(t *testing.T) {
	e := newEnv(t)
	w := NewWorker(e.cfg, newPod(corev1.RestartPolicyAlways, nil, ctr("app-a"), ctr("app-b")))
	e.sync(w)
	steps := []struct {
		name  string
		act   func()
		calls []string
	}{
		{
			name:  "a resync with nothing changed asks for no status and observes once",
			act:   func() {},
			calls: []string{"ListPodSandbox", "ListContainers"},
		},
		{
			name:  "a container that exited is read again and restarted, then observed again",
			act:   func() { e.rt.Exit(e.rt.Running("app-b"), 1, "Error") },
			calls: []string{"ListPodSandbox", "ListContainers", "ContainerStatus", "ImageStatus keel.local/busybox:1.35", "CreateContainer app-b", "StartContainer app-b", "ListPodSandbox", "ListContainers", "ContainerStatus"},
		},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			s.act()
			e.rt.ResetCalls()
			st := e.sync(w)
			if got := e.rt.Calls(); strings.Join(got, ",") != strings.Join(s.calls, ",") {
				t.Errorf("calls = %q, want %q", got, s.calls)
			}
			if st.Phase != corev1.PodRunning || len(st.ContainerStatuses) != 2 {
				t.Errorf("status = %+v", st)
			}
		})
	}
	if s := findStatus(w.Status().ContainerStatuses, "app-b"); s.RestartCount != 1 || s.LastTerminationState.Terminated == nil || s.LastTerminationState.Terminated.ExitCode != 1 {
		t.Errorf("app-b after its restart = %+v", s)
	}
}

func TestVolumesAreRefreshedEveryResyncPeriod(t *testing.T) {
	e := newEnv(t)
	vols := &countingVolumes{}
	e.cfg.Volumes = vols
	e.cfg.VolumeResyncPeriod = 5 * time.Second
	w := NewWorker(e.cfg, newPod(corev1.RestartPolicyAlways, nil, ctr("app")))
	steps := []struct {
		name    string
		advance time.Duration
		setUps  int
	}{
		{"the first sync sets the volumes up", 0, 1},
		{"a sync a second later leaves them alone", time.Second, 1},
		{"a sync once the period has passed refreshes them", 4 * time.Second, 2},
		{"the next sync within the period leaves them alone", time.Second, 2},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			e.clk.Advance(s.advance)
			e.sync(w)
			if vols.setUps != s.setUps {
				t.Errorf("SetUp calls = %d, want %d", vols.setUps, s.setUps)
			}
		})
	}
}

func TestStartGate(t *testing.T) {
	clk := clock.NewFake(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	g := newStartGate(2, 10*time.Second, clk)
	ctx := context.Background()
	r1, r2 := g.acquire(ctx), g.acquire(ctx)
	got := make(chan int, 2)
	go func() { defer g.acquire(ctx)(); got <- 3 }()
	t.Run("a third start waits while two hold slots", func(t *testing.T) {
		select {
		case <-got:
			t.Fatal("the third start did not wait")
		case <-time.After(50 * time.Millisecond):
		}
	})
	t.Run("a freed slot lets the waiting start go", func(t *testing.T) {
		r1()
		if n := <-got; n != 3 {
			t.Fatalf("got %d", n)
		}
	})
	t.Run("a start that waited the longest wait goes ahead without a slot", func(t *testing.T) {
		r3 := g.acquire(ctx) // the slot the third start freed
		go func() { g.acquire(ctx)(); got <- 4 }()
		for len(got) == 0 {
			clk.Advance(time.Second)
			time.Sleep(time.Millisecond)
		}
		if n := <-got; n != 4 {
			t.Fatalf("got %d", n)
		}
		if len(g.slots) != 2 {
			t.Errorf("slots held = %d, want 2 (the late start took none)", len(g.slots))
		}
		r2()
		r3()
	})
	t.Run("a cancelled wait returns", func(t *testing.T) {
		full := newStartGate(1, time.Hour, clk)
		full.acquire(ctx)
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		full.acquire(cctx)()
		if len(full.slots) != 1 {
			t.Errorf("slots held = %d, want 1", len(full.slots))
		}
	})
	t.Run("a nil gate never waits", func(t *testing.T) {
		var none *startGate
		none.acquire(ctx)()
	})
}

// countingVolumes counts SetUp calls and mounts nothing.
type countingVolumes struct{ setUps int }

func (v *countingVolumes) SetUp(context.Context, *corev1.Pod) error { v.setUps++; return nil }
func (v *countingVolumes) Mounts(*corev1.Pod, *corev1.Container) ([]*runtimeapi.Mount, error) {
	return nil, nil
}
func (v *countingVolumes) TearDown(*corev1.Pod) error { return nil }

func TestImagePullFreesTheStartSlot(t *testing.T) {
	e := newEnv(t)
	e.cfg.MaxParallelStarts = 1
	e.rt.SetDelay("PullImage", 2*time.Second)
	pulling := newPod(corev1.RestartPolicyAlways, nil, corev1.Container{Name: "app", Image: "keel.local/absent:1", ImagePullPolicy: corev1.PullIfNotPresent})
	pulling.Name, pulling.UID = "pulling", "uid-pulling"
	ready := newPod(corev1.RestartPolicyAlways, nil, ctr("app"))
	ready.Name, ready.UID = "ready", "uid-ready"
	wp, wr := NewWorker(e.cfg, pulling), NewWorker(e.cfg, ready)
	done := make(chan struct{})
	go func() { defer close(done); e.sync(wp) }()
	for len(e.calls("RunPodSandbox")) == 0 {
		time.Sleep(time.Millisecond)
	}
	e.sync(wr)
	<-done
	got := strings.Join(e.calls("RunPodSandbox", "PullImage", "StartContainer"), ",")
	want := "RunPodSandbox pulling,RunPodSandbox ready,StartContainer app,PullImage keel.local/absent:1,StartContainer app"
	if got != want {
		t.Errorf("calls = %s, want %s (the pod with its image present did not start during the other's pull)", got, want)
	}
	if len(e.cfg.gate.slots) != 0 {
		t.Errorf("%d start slots still held", len(e.cfg.gate.slots))
	}
}

func TestResyncingWorkersShareOneListingOfTheNode(t *testing.T) {
	e := newEnv(t)
	a := NewWorker(e.cfg, newPod(corev1.RestartPolicyAlways, nil, ctr("app-a")))
	podB := newPod(corev1.RestartPolicyAlways, nil, ctr("app-b"))
	podB.UID, podB.Name = "uid-b", "web-b"
	b := NewWorker(e.cfg, podB)
	e.sync(a)
	e.sync(b)
	lists := func() int { return len(e.calls("ListPodSandbox", "ListContainers")) }

	e.clk.Advance(time.Second + time.Millisecond)
	e.rt.ResetCalls()
	e.sync(a)
	e.sync(b)
	if n := lists(); n != 2 {
		t.Errorf("two resyncs listed the runtime %d times, want one listing (2 calls): %q", n, e.rt.Calls())
	}
	if s := findStatus(b.Status().ContainerStatuses, "app-b"); s.State.Running == nil {
		t.Errorf("b from the shared listing: %+v", s)
	}

	// b's container exits: the next listing (the period has passed) shows it and b restarts it.
	e.rt.Exit(e.rt.Running("app-b"), 1, "Error")
	e.clk.Advance(time.Second + time.Millisecond)
	e.rt.ResetCalls()
	e.sync(b)
	if got := e.calls("StartContainer"); len(got) != 1 {
		t.Errorf("StartContainer calls = %q, want app-b restarted", got)
	}
	// a pass that acted is followed by a pass that lists for itself: the
	// shared listing began before that pass ended.
	e.rt.ResetCalls()
	e.sync(b)
	if got := e.rt.Calls(); len(got) < 2 || got[0] != "ListPodSandbox" {
		t.Errorf("calls after an acting pass = %q", got)
	}
	if s := findStatus(b.Status().ContainerStatuses, "app-b"); s.RestartCount != 1 {
		t.Errorf("app-b after its restart = %+v", s)
	}
}

package eviction

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/apimachinery/pkg/api/resource"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/types"
	"keel.dev/keel/pkg/kubelet/clock"
)

const mi = int64(1 << 20)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

type fakeSignals struct {
	mu  sync.Mutex
	obs Observations
}

func (f *fakeSignals) set(s Signal, avail, capacity int64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.obs == nil {
		f.obs = Observations{}
	}
	f.obs[s] = Observation{Available: avail, Capacity: capacity}
}

func (f *fakeSignals) Observe(context.Context) (Observations, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := Observations{}
	for k, v := range f.obs {
		out[k] = v
	}
	return out, nil
}

type fakeStats map[types.UID]PodUsage

func (f fakeStats) PodStats(context.Context, []*corev1.Pod, bool) (map[types.UID]PodUsage, error) {
	return f, nil
}

type kill struct {
	pod     string
	grace   int64
	reason  string
	message string
	cond    corev1.PodCondition
}

type fakeKiller struct{ kills []kill }

func (f *fakeKiller) KillPod(_ context.Context, pod *corev1.Pod, grace int64, reason, message string, cond corev1.PodCondition) error {
	f.kills = append(f.kills, kill{pod.Name, grace, reason, message, cond})
	return nil
}

type fakeRecorder struct{ events []string }

func (f *fakeRecorder) PodEvent(pod *corev1.Pod, typ, reason, msg string) {
	f.events = append(f.events, fmt.Sprintf("%s %s %s", pod.Name, typ, reason))
}
func (f *fakeRecorder) NodeEvent(typ, reason, msg string) {
	f.events = append(f.events, fmt.Sprintf("node %s %s: %s", typ, reason, msg))
}

func pod(name string, priority int32, memRequest string) *corev1.Pod {
	p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "ns", UID: types.UID("uid-" + name)},
		Spec: corev1.PodSpec{Priority: &priority, Containers: []corev1.Container{{Name: "c"}}}}
	if memRequest != "" {
		p.Spec.Containers[0].Resources.Requests = corev1.ResourceList{corev1.ResourceMemory: resource.MustParse(memRequest)}
	}
	return p
}

func memUsage(bytes int64) PodUsage {
	return PodUsage{Containers: map[string]ContainerUsage{"c": {WorkingSet: bytes}}}
}

type harness struct {
	m       *Manager
	signals *fakeSignals
	killer  *fakeKiller
	rec     *fakeRecorder
	clock   *clock.Fake
}

func newHarness(t *testing.T, hard, soft, grace string, pods []*corev1.Pod, stats fakeStats) *harness {
	t.Helper()
	th, err := ParseThresholds(hard, soft, grace, "")
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{signals: &fakeSignals{}, killer: &fakeKiller{}, rec: &fakeRecorder{}, clock: clock.NewFake(time.Unix(1000, 0))}
	h.signals.set(SignalMemoryAvailable, 10000*mi, 16000*mi)
	h.signals.set(SignalNodeFsAvailable, 500*mi, 1000*mi)
	h.m = New(Config{Thresholds: th, MaxPodGracePeriodSeconds: 20, Signals: h.signals, PodStats: stats,
		ActivePods: func() []*corev1.Pod { return pods }, Killer: h.killer, Recorder: h.rec, Clock: h.clock, Logger: quiet})
	return h
}

func (h *harness) sync(t *testing.T) *corev1.Pod {
	t.Helper()
	p, err := h.m.Synchronize(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestMemoryRanking(t *testing.T) {
	cases := []struct {
		name  string
		pods  []*corev1.Pod
		stats fakeStats
		want  string
	}{
		{"a pod above its request goes before one below it, whatever the priority",
			[]*corev1.Pod{pod("below", 0, "500Mi"), pod("above", 1000, "100Mi")},
			fakeStats{"uid-below": memUsage(400 * mi), "uid-above": memUsage(200 * mi)}, "above"},
		{"among pods above their requests the lower priority goes first",
			[]*corev1.Pod{pod("high", 100, ""), pod("low", 10, "")},
			fakeStats{"uid-high": memUsage(900 * mi), "uid-low": memUsage(10 * mi)}, "low"},
		{"at equal priority the larger usage above request goes first",
			[]*corev1.Pod{pod("small", 0, "100Mi"), pod("big", 0, "100Mi")},
			fakeStats{"uid-small": memUsage(150 * mi), "uid-big": memUsage(400 * mi)}, "big"},
		{"a Guaranteed pod within its request goes after BestEffort and Burstable pods above theirs",
			[]*corev1.Pod{guaranteed("guaranteed", "1Gi"), pod("burstable", 0, "200Mi"), pod("besteffort", 0, "")},
			fakeStats{"uid-guaranteed": memUsage(900 * mi), "uid-burstable": memUsage(300 * mi), "uid-besteffort": memUsage(150 * mi)}, "besteffort"},
		{"a BestEffort pod exceeds its zero request, so it goes before a Burstable pod within its request",
			[]*corev1.Pod{pod("burstable", 0, "500Mi"), pod("besteffort", 0, "")},
			fakeStats{"uid-burstable": memUsage(400 * mi), "uid-besteffort": memUsage(1 * mi)}, "besteffort"},
		{"a pod without stats goes first",
			[]*corev1.Pod{pod("measured", 0, ""), pod("unmeasured", 0, "")},
			fakeStats{"uid-measured": memUsage(900 * mi)}, "unmeasured"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, "memory.available<100Mi", "", "", tc.pods, tc.stats)
			h.signals.set(SignalMemoryAvailable, 50*mi, 16000*mi)
			got := h.sync(t)
			if got == nil || got.Name != tc.want {
				t.Fatalf("evicted %v, want %s", got, tc.want)
			}
			if len(h.killer.kills) != 1 {
				t.Fatalf("kills = %v, want exactly one per pass", h.killer.kills)
			}
		})
	}
}

func guaranteed(name, mem string) *corev1.Pod {
	p := pod(name, 0, mem)
	l := corev1.ResourceList{corev1.ResourceMemory: resource.MustParse(mem), corev1.ResourceCPU: resource.MustParse("1")}
	p.Spec.Containers[0].Resources = corev1.ResourceRequirements{Requests: l, Limits: l}
	return p
}

func TestDiskRankingUsesEphemeralStorage(t *testing.T) {
	pods := []*corev1.Pod{pod("quiet", 0, ""), pod("logger", 0, "")}
	stats := fakeStats{
		"uid-quiet":  {Containers: map[string]ContainerUsage{"c": {RootFS: DiskUsage{Bytes: 10 * mi}}}},
		"uid-logger": {Containers: map[string]ContainerUsage{"c": {Logs: DiskUsage{Bytes: 300 * mi}}}, Volumes: DiskUsage{Bytes: 50 * mi}},
	}
	h := newHarness(t, "nodefs.available<10%", "", "", pods, stats)
	h.signals.set(SignalNodeFsAvailable, 50*mi, 1000*mi)
	got := h.sync(t)
	if got == nil || got.Name != "logger" {
		t.Fatalf("evicted %v, want logger", got)
	}
	k := h.killer.kills[0]
	want := "The node was low on resource: ephemeral-storage. Threshold quantity: 100Mi, available: 50Mi. Container c was using 300Mi, request is 0, has larger consumption of ephemeral-storage. "
	if k.message != want {
		t.Errorf("message = %q\nwant      %q", k.message, want)
	}
	if !h.m.Pressure(corev1.NodeDiskPressure) || h.m.Pressure(corev1.NodeMemoryPressure) {
		t.Errorf("conditions = %v, want DiskPressure only", h.m.Conditions())
	}
}

func TestEvictionStatusAndGrace(t *testing.T) {
	pods := []*corev1.Pod{pod("hog", 0, "")}
	stats := fakeStats{"uid-hog": memUsage(700 * mi)}
	t.Run("a hard threshold evicts at once with a 1 s grace period and the Kubernetes message", func(t *testing.T) {
		h := newHarness(t, "memory.available<100Mi", "", "", pods, stats)
		h.signals.set(SignalMemoryAvailable, 60*mi, 16000*mi)
		if h.sync(t) == nil {
			t.Fatal("no eviction")
		}
		k := h.killer.kills[0]
		want := "The node was low on resource: memory. Threshold quantity: 100Mi, available: 60Mi. Container c was using 700Mi, request is 0, has larger consumption of memory. "
		if k.grace != 1 || k.reason != "Evicted" || k.message != want {
			t.Errorf("kill = %+v\nwant message %q", k, want)
		}
		if k.cond.Type != corev1.DisruptionTarget || k.cond.Reason != "TerminationByKubelet" || k.cond.Status != corev1.ConditionTrue || k.cond.Message != want {
			t.Errorf("condition = %+v", k.cond)
		}
		wantEvents := []string{"node Warning EvictionThresholdMet: Attempting to reclaim memory", "hog Warning Evicted"}
		if strings.Join(h.rec.events, "|") != strings.Join(wantEvents, "|") {
			t.Errorf("events = %q", h.rec.events)
		}
	})
	t.Run("a soft threshold waits for its grace period, then evicts with the max pod grace period", func(t *testing.T) {
		h := newHarness(t, "", "memory.available<1Gi", "memory.available=1m", pods, stats)
		h.signals.set(SignalMemoryAvailable, 900*mi, 16000*mi)
		if h.sync(t) != nil {
			t.Fatal("evicted before the grace period")
		}
		if !h.m.Pressure(corev1.NodeMemoryPressure) {
			t.Error("a soft threshold within its grace period must still report MemoryPressure")
		}
		h.clock.Advance(59 * time.Second)
		if h.sync(t) != nil {
			t.Fatal("evicted 59 s into a 1 m grace period")
		}
		h.clock.Advance(time.Second)
		if h.sync(t) == nil {
			t.Fatal("no eviction after the grace period")
		}
		if g := h.killer.kills[0].grace; g != 20 {
			t.Errorf("grace = %d, want --eviction-max-pod-grace-period 20", g)
		}
	})
	t.Run("a soft threshold that clears within its grace period resets it", func(t *testing.T) {
		h := newHarness(t, "", "memory.available<1Gi", "memory.available=1m", pods, stats)
		h.signals.set(SignalMemoryAvailable, 900*mi, 16000*mi)
		h.sync(t)
		h.clock.Advance(40 * time.Second)
		h.signals.set(SignalMemoryAvailable, 2000*mi, 16000*mi)
		h.sync(t)
		h.clock.Advance(10 * time.Second)
		h.signals.set(SignalMemoryAvailable, 900*mi, 16000*mi)
		h.sync(t)
		h.clock.Advance(40 * time.Second)
		if h.sync(t) != nil {
			t.Fatal("grace period was not reset when the threshold cleared")
		}
	})
	t.Run("critical pods are never evicted", func(t *testing.T) {
		static := pod("static", 0, "")
		static.Annotations = map[string]string{"kubernetes.io/config.source": "file"}
		crit := pod("crit", 2000001000, "")
		h := newHarness(t, "memory.available<100Mi", "", "", []*corev1.Pod{static, crit}, fakeStats{})
		h.signals.set(SignalMemoryAvailable, 60*mi, 16000*mi)
		if got := h.sync(t); got != nil {
			t.Fatalf("evicted critical pod %s", got.Name)
		}
	})
}

func TestPressureConditionTransitions(t *testing.T) {
	h := newHarness(t, "memory.available<100Mi,nodefs.available<10%", "", "", nil, fakeStats{})
	h.m.cfg.PressureTransitionPeriod = 5 * time.Minute
	steps := []struct {
		name    string
		mem     int64
		advance time.Duration
		want    bool
	}{
		{"no pressure while memory is plentiful", 5000 * mi, 0, false},
		{"memory below the threshold sets MemoryPressure", 50 * mi, 0, true},
		{"memory back up keeps the condition within the transition period", 5000 * mi, 4 * time.Minute, true},
		{"the condition clears once the transition period passed", 5000 * mi, 61 * time.Second, false},
		{"a new dip sets it again", 10 * mi, 0, true},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			h.clock.Advance(s.advance)
			h.signals.set(SignalMemoryAvailable, s.mem, 16000*mi)
			h.sync(t)
			if got := h.m.Pressure(corev1.NodeMemoryPressure); got != s.want {
				t.Errorf("MemoryPressure = %v, want %v", got, s.want)
			}
			if h.m.Pressure(corev1.NodeDiskPressure) {
				t.Error("DiskPressure set without disk signal below threshold")
			}
		})
	}
}

func TestMinimumReclaimKeepsEvicting(t *testing.T) {
	th, err := ParseThresholds("memory.available<100Mi", "", "", "memory.available=200Mi")
	if err != nil {
		t.Fatal(err)
	}
	sig := &fakeSignals{}
	k := &fakeKiller{}
	pods := []*corev1.Pod{pod("a", 0, "")}
	m := New(Config{Thresholds: th, Signals: sig, PodStats: fakeStats{}, ActivePods: func() []*corev1.Pod { return pods },
		Killer: k, Clock: clock.NewFake(time.Unix(0, 0)), Logger: quiet})
	sig.set(SignalMemoryAvailable, 50*mi, 16000*mi)
	if p, _ := m.Synchronize(context.Background()); p == nil {
		t.Fatal("no eviction below the threshold")
	}
	sig.set(SignalMemoryAvailable, 250*mi, 16000*mi) // above 100Mi, below 100Mi+200Mi
	if p, _ := m.Synchronize(context.Background()); p == nil {
		t.Fatal("stopped evicting before the minimum reclaim was met")
	}
	sig.set(SignalMemoryAvailable, 400*mi, 16000*mi)
	if p, _ := m.Synchronize(context.Background()); p != nil {
		t.Fatal("kept evicting after the minimum reclaim was met")
	}
}

func TestAdmit(t *testing.T) {
	besteffort := pod("be", 0, "")
	burstable := pod("bu", 0, "100Mi")
	tolerating := pod("tol", 0, "")
	tolerating.Spec.Tolerations = []corev1.Toleration{{Key: "node.kubernetes.io/memory-pressure", Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoSchedule}}
	critical := pod("crit", 2000000000, "")
	cases := []struct {
		name    string
		mem, fs int64
		pod     *corev1.Pod
		ok      bool
		msg     string
	}{
		{"without pressure every pod is admitted", 5000 * mi, 500 * mi, besteffort, true, ""},
		{"memory pressure rejects a BestEffort pod", 50 * mi, 500 * mi, besteffort, false, "The node had condition: [MemoryPressure]. "},
		{"memory pressure admits a Burstable pod", 50 * mi, 500 * mi, burstable, true, ""},
		{"memory pressure admits a BestEffort pod tolerating the taint", 50 * mi, 500 * mi, tolerating, true, ""},
		{"disk pressure rejects a Burstable pod", 5000 * mi, 10 * mi, burstable, false, "The node had condition: [DiskPressure]. "},
		{"both pressures reject every pod", 50 * mi, 10 * mi, burstable, false, "The node had condition: [DiskPressure MemoryPressure]. "},
		{"critical pods are admitted under pressure", 50 * mi, 10 * mi, critical, true, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, "memory.available<100Mi,nodefs.available<10%", "", "", nil, fakeStats{})
			h.signals.set(SignalMemoryAvailable, tc.mem, 16000*mi)
			h.signals.set(SignalNodeFsAvailable, tc.fs, 1000*mi)
			h.sync(t)
			ok, reason, msg := h.m.Admit(tc.pod)
			if ok != tc.ok || msg != tc.msg || (!ok && reason != "Evicted") {
				t.Errorf("Admit = %v %q %q, want %v Evicted %q", ok, reason, msg, tc.ok, tc.msg)
			}
		})
	}
}

func TestRunEvictsUntilPressureIsGoneThenWaits(t *testing.T) {
	pods := []*corev1.Pod{pod("a", 0, ""), pod("b", 0, "")}
	var mu sync.Mutex
	h := newHarness(t, "memory.available<100Mi", "", "", nil, fakeStats{})
	killed := map[string]bool{}
	h.m.cfg.ActivePods = func() []*corev1.Pod {
		mu.Lock()
		defer mu.Unlock()
		var out []*corev1.Pod
		for _, k := range h.killer.kills {
			killed[k.pod] = true
		}
		for _, p := range pods {
			if !killed[p.Name] {
				out = append(out, p)
			}
		}
		return out
	}
	h.signals.set(SignalMemoryAvailable, 50*mi, 16000*mi)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); h.m.Run(ctx) }()
	// both pods go one pass after the other; with none left Run waits for the next interval.
	for h.clock.Waiters() == 0 {
		time.Sleep(time.Millisecond)
	}
	cancel()
	<-done
	mu.Lock()
	defer mu.Unlock()
	if len(h.killer.kills) != 2 || h.killer.kills[0].pod == h.killer.kills[1].pod {
		t.Fatalf("kills = %+v, want a then b, one per pass", h.killer.kills)
	}
}

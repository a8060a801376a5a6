package podworker

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/keel/pkg/kubelet/cri/fake"
)

func execProbe(cmd string, period, success, failure int32) *corev1.Probe {
	return &corev1.Probe{ProbeHandler: corev1.ProbeHandler{Exec: &corev1.ExecAction{Command: []string{cmd}}},
		PeriodSeconds: period, SuccessThreshold: success, FailureThreshold: failure, TimeoutSeconds: 1}
}

// scriptedExec answers probe commands from a table of exit codes and counts calls.
type scriptedExec struct {
	mu    sync.Mutex
	codes map[string]int32
	count map[string]int
}

func newScripted(e *env) *scriptedExec {
	s := &scriptedExec{codes: map[string]int32{}, count: map[string]int{}}
	e.rt.SetExec(func(c *fake.Container, cmd []string) (string, string, int32, error) {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.count[cmd[0]]++
		if code := s.codes[cmd[0]]; code != 0 {
			return "out of " + cmd[0] + ";", " err of " + cmd[0], code, nil
		}
		return "", "", 0, nil
	})
	return s
}

func (s *scriptedExec) set(cmd string, code int32) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.codes[cmd] = code
}

func (s *scriptedExec) calls(cmd string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.count[cmd]
}

// fullEvents records events as "Type Reason Message".
type fullEvents struct {
	mu     sync.Mutex
	events []string
}

func (r *fullEvents) Eventf(_ *corev1.Pod, typ, reason, f string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, typ+" "+reason+" "+fmt.Sprintf(f, args...))
}

func (r *fullEvents) count(prefix string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, e := range r.events {
		if strings.HasPrefix(e, prefix) {
			n++
		}
	}
	return n
}

func TestLivenessFailureRestartsAfterThreshold(t *testing.T) {
	e := newEnv(t)
	full := &fullEvents{}
	e.cfg.Recorder = full
	ex := newScripted(e)
	ex.set("live", 1)
	c := ctr("app")
	c.LivenessProbe = execProbe("live", 1, 1, 3)
	w := NewWorker(e.cfg, newPod(corev1.RestartPolicyAlways, nil, c))
	e.sync(w)
	for i := 0; i < 2; i++ {
		e.clk.Advance(time.Second)
		e.sync(w)
	}
	if n := len(e.calls("StopContainer")); n != 0 {
		t.Fatalf("killed after %d failures, before failureThreshold 3", ex.calls("live"))
	}
	e.clk.Advance(time.Second)
	st := e.sync(w)
	if n := len(e.calls("StopContainer")); n != 1 {
		t.Fatalf("StopContainer calls = %d after 3 failures, want 1", n)
	}
	s := findStatus(st.ContainerStatuses, "app")
	if s.RestartCount != 1 || s.State.Running == nil || s.LastTerminationState.Terminated == nil {
		t.Errorf("status after liveness restart = %+v", s)
	}
	// one Unhealthy per failed run with the command's output, one Killing.
	if n := full.count("Warning Unhealthy Liveness probe failed: out of live; err of live"); n != 3 {
		t.Errorf("%d Unhealthy events, want 3: %q", n, full.events)
	}
	if n := full.count("Normal Killing "); n != 1 || full.count("Normal Killing Container app failed liveness probe, will be restarted") != 1 {
		t.Errorf("Killing events: %q", full.events)
	}
}

func TestReadinessTogglesReadyCondition(t *testing.T) {
	e := newEnv(t)
	full := &fullEvents{}
	e.cfg.Recorder = full
	ex := newScripted(e)
	c := ctr("app")
	c.ReadinessProbe = execProbe("ready", 1, 1, 2)
	w := NewWorker(e.cfg, newPod(corev1.RestartPolicyAlways, nil, c))
	st := e.sync(w)
	if condition(st, corev1.PodReady) != corev1.ConditionFalse {
		t.Fatalf("Ready before any probe = %s, want False", condition(st, corev1.PodReady))
	}
	e.clk.Advance(time.Second)
	st = e.sync(w)
	if condition(st, corev1.PodReady) != corev1.ConditionTrue || !findStatus(st.ContainerStatuses, "app").Ready {
		t.Fatalf("Ready after a success = %s", condition(st, corev1.PodReady))
	}
	ex.set("ready", 1)
	e.clk.Advance(time.Second)
	st = e.sync(w)
	if condition(st, corev1.PodReady) != corev1.ConditionTrue {
		t.Fatalf("Ready dropped after one failure with failureThreshold 2")
	}
	e.clk.Advance(time.Second)
	st = e.sync(w)
	if condition(st, corev1.PodReady) != corev1.ConditionFalse || condition(st, corev1.ContainersReady) != corev1.ConditionFalse {
		t.Fatalf("Ready after 2 failures = %s", condition(st, corev1.PodReady))
	}
	_, rc := corev1.GetPodCondition(&st, corev1.PodReady)
	if rc.Reason != "ContainersNotReady" || rc.Message != "containers with unready status: [app]" {
		t.Errorf("Ready condition = %+v", rc)
	}
	if len(e.calls("StopContainer")) != 0 {
		t.Errorf("readiness failure killed the container")
	}
	if n := full.count("Warning Unhealthy Readiness probe failed: out of ready; err of ready"); n != 2 || full.count("Normal Killing") != 0 {
		t.Errorf("events after 2 readiness failures: %q", full.events)
	}
}

func TestStartupProbeGatesOtherProbes(t *testing.T) {
	e := newEnv(t)
	ex := newScripted(e)
	ex.set("startup", 1)
	ex.set("live", 1)
	c := ctr("app")
	c.StartupProbe = execProbe("startup", 1, 1, 100)
	c.LivenessProbe = execProbe("live", 1, 1, 1)
	c.ReadinessProbe = execProbe("ready", 1, 1, 1)
	w := NewWorker(e.cfg, newPod(corev1.RestartPolicyAlways, nil, c))
	var st corev1.PodStatus
	for i := 0; i < 5; i++ {
		st = e.sync(w)
		e.clk.Advance(time.Second)
	}
	if ex.calls("live") != 0 || ex.calls("ready") != 0 {
		t.Fatalf("liveness/readiness ran before startup passed: %d/%d", ex.calls("live"), ex.calls("ready"))
	}
	s := findStatus(st.ContainerStatuses, "app")
	if s.Started == nil || *s.Started || s.Ready {
		t.Fatalf("status while starting = started %v ready %v", s.Started, s.Ready)
	}
	ex.set("startup", 0)
	ex.set("live", 0)
	st = e.sync(w)
	e.clk.Advance(time.Second)
	st = e.sync(w)
	s = findStatus(st.ContainerStatuses, "app")
	if s.Started == nil || !*s.Started || !s.Ready {
		t.Fatalf("status after startup = started %v ready %v", s.Started, s.Ready)
	}
	if ex.calls("ready") == 0 {
		t.Errorf("readiness never ran after startup passed")
	}
}

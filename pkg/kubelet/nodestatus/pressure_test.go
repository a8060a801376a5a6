package nodestatus

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	corev1 "keel.dev/api/core/v1"
)

func TestPressureConditionsFollowTheHook(t *testing.T) {
	e := newEnv(t)
	var memory atomic.Bool
	e.c.cfg.Pressure = func(c corev1.NodeConditionType) bool { return c == corev1.NodeMemoryPressure && memory.Load() }
	ctx := context.Background()
	if _, err := e.c.Register(ctx); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name          string
		pressure      bool
		status        corev1.ConditionStatus
		reason, msg   string
		wantWrite     bool
		sameTimestamp bool
	}{
		{"memory pressure is reported with Kubernetes' reason and message", true, corev1.ConditionTrue,
			"KubeletHasInsufficientMemory", "kubelet has insufficient memory available", true, false},
		{"unchanged pressure keeps its transition time", true, corev1.ConditionTrue,
			"KubeletHasInsufficientMemory", "kubelet has insufficient memory available", false, true},
		{"pressure gone is reported as sufficient memory", false, corev1.ConditionFalse,
			"KubeletHasSufficientMemory", "kubelet has sufficient memory available", true, false},
	}
	var last time.Time
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			e.clk.Advance(10 * time.Second)
			memory.Store(s.pressure)
			wrote, err := e.c.SyncStatus(ctx, false)
			if err != nil {
				t.Fatal(err)
			}
			if wrote != s.wantWrite {
				t.Errorf("wrote = %v, want %v", wrote, s.wantWrite)
			}
			n := e.node(t)
			c := condition(n, corev1.NodeMemoryPressure)
			if c.Status != s.status || c.Reason != s.reason || c.Message != s.msg {
				t.Errorf("MemoryPressure = %s %s %q", c.Status, c.Reason, c.Message)
			}
			if s.sameTimestamp && !c.LastTransitionTime.Time.Equal(last) {
				t.Errorf("transition time moved from %v to %v", last, c.LastTransitionTime)
			}
			last = c.LastTransitionTime.Time
			if d := condition(n, corev1.NodeDiskPressure); d.Status != corev1.ConditionFalse || d.Reason != "KubeletHasNoDiskPressure" {
				t.Errorf("DiskPressure = %s %s", d.Status, d.Reason)
			}
		})
	}
}

package podworker

import (
	"context"
	"testing"
	"time"

	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/keel/pkg/kubelet/clock"
)

func TestManagerRunsAndRemovesWorkers(t *testing.T) {
	e := newEnv(t)
	e.cfg.Clock = clock.Real{}
	e.cfg.ResyncPeriod = 20 * time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	m := NewManager(ctx, e.cfg)
	pod := newPod(corev1.RestartPolicyAlways, nil, ctr("app"))
	m.UpdatePod(pod)
	waitFor(t, func() bool { return e.rt.Running("app") != "" })
	if m.Len() != 1 || m.Worker(pod.UID) == nil {
		t.Fatalf("workers = %d", m.Len())
	}
	del := pod.DeepCopy()
	now := metav1.Now()
	del.DeletionTimestamp = &now
	m.UpdatePod(del)
	waitFor(t, func() bool { return m.Len() == 0 })
	if len(e.rt.Sandboxes()) != 0 {
		t.Errorf("sandbox left after deletion")
	}
	e.sink.mu.Lock()
	defer e.sink.mu.Unlock()
	if e.sink.terminated != 1 {
		t.Errorf("PodTerminated = %d", e.sink.terminated)
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for i := 0; i < 300; i++ {
		if cond() {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("condition not reached in 3s")
}

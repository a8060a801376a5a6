package podworker

import (
	"context"
	"testing"
	"time"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/keel/pkg/kubelet/clock"
)

func TestKillPodFailsThePodForGood(t *testing.T) {
	e := newEnv(t)
	e.cfg.Clock = clock.Real{}
	e.cfg.ResyncPeriod = 20 * time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	m := NewManager(ctx, e.cfg)
	pod := newPod(corev1.RestartPolicyAlways, nil, ctr("app"))
	m.UpdatePod(pod)
	waitFor(t, func() bool { return e.rt.Running("app") != "" })

	cond := corev1.PodCondition{Type: corev1.DisruptionTarget, Status: corev1.ConditionTrue, Reason: "TerminationByKubelet", Message: "low"}
	kctx, kcancel := context.WithTimeout(ctx, 5*time.Second)
	defer kcancel()
	if err := m.KillPod(kctx, pod.UID, KillRequest{GracePeriod: 1, Reason: "Evicted", Message: "low", Condition: cond}); err != nil {
		t.Fatal(err)
	}
	if e.rt.Running("app") != "" {
		t.Fatal("container still running after KillPod returned")
	}
	st := m.Worker(pod.UID).Status()
	if st == nil || st.Phase != corev1.PodFailed || st.Reason != "Evicted" || st.Message != "low" {
		t.Fatalf("status = %+v, want Failed/Evicted", st)
	}
	if _, c := corev1.GetPodCondition(st, corev1.DisruptionTarget); c == nil || c.Reason != "TerminationByKubelet" {
		t.Errorf("conditions = %+v, want DisruptionTarget", st.Conditions)
	}
	// later syncs never restart the container.
	time.Sleep(100 * time.Millisecond)
	if n := len(e.rt.Containers("app")); n != 1 || e.rt.Running("app") != "" {
		t.Errorf("killed pod restarted: %d instances", n)
	}
}

func TestKillPodWithoutWorkerIsAnError(t *testing.T) {
	e := newEnv(t)
	m := NewManager(context.Background(), e.cfg)
	if err := m.KillPod(context.Background(), "nobody", KillRequest{}); err == nil {
		t.Fatal("KillPod of an unknown pod succeeded")
	}
}

package kubelet

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"

	corev1 "keel.dev/api/core/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/client/fake"
	"keel.dev/keel/pkg/kubelet/eviction"
	"keel.dev/keel/pkg/kubelet/fakeruntime"
	"keel.dev/keel/pkg/kubelet/nodestatus"
)

// switchSignals reports plentiful memory until low is set.
type switchSignals struct {
	mu  sync.Mutex
	low bool
}

func (s *switchSignals) setLow() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.low = true
}

func (s *switchSignals) Observe(context.Context) (eviction.Observations, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	avail := int64(8 << 30)
	if s.low {
		avail = 10 << 20
	}
	return eviction.Observations{eviction.SignalMemoryAvailable: {Available: avail, Capacity: 16 << 30, Time: time.Now()}}, nil
}

// TestKubeletEvictsAndRejectsUnderMemoryPressure runs the kubelet with an
// injected memory signal: once memory runs low, the running pod fails with
// reason Evicted and its sandbox stops, the node reports MemoryPressure, and
// a new BestEffort pod is rejected at admission.
func TestKubeletEvictsAndRejectsUnderMemoryPressure(t *testing.T) {
	cs := fake.NewClientset()
	dir := t.TempDir()
	rt, err := fakeruntime.Start(context.Background(), dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close()
	th, err := eviction.ParseThresholds("memory.available<100Mi", "", "", "")
	if err != nil {
		t.Fatal(err)
	}
	sig := &switchSignals{}
	k, ctx, stop := runKubelet(t, Config{Client: cs.Clientset, Runtime: rt.Service(), RuntimeName: rt.RuntimeName(), RootDir: dir,
		PodLogsDir: dir + "/logs", SimplifyProbes: true, Logger: quiet, OnPodCIDR: rt.SetPodCIDR,
		Eviction: &eviction.Config{Thresholds: th, MonitoringInterval: 50 * time.Millisecond, Signals: sig},
		Node: nodestatus.Config{NodeName: "n1", NodeIP: "10.0.0.1", UpdateFrequency: 50 * time.Millisecond,
			Machine: nodestatus.Machine{NumCPU: 1, MemoryBytes: 1 << 30}}})
	defer stop()
	pods := cs.CoreV1().Pods("default")
	if _, err := pods.Create(ctx, testPod(), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the pod to run", func() bool {
		p, err := pods.Get(ctx, "p", metav1.GetOptions{})
		return err == nil && p.Status.Phase == corev1.PodRunning
	})

	sig.setLow()
	var evicted *corev1.Pod
	waitUntil(t, "the pod to be evicted", func() bool {
		evicted, err = pods.Get(ctx, "p", metav1.GetOptions{})
		return err == nil && evicted.Status.Phase == corev1.PodFailed
	})
	if evicted.Status.Reason != "Evicted" || !strings.HasPrefix(evicted.Status.Message, "The node was low on resource: memory. Threshold quantity: 100Mi, available: 10Mi. ") {
		t.Errorf("status = %s %q", evicted.Status.Reason, evicted.Status.Message)
	}
	if _, c := corev1.GetPodCondition(&evicted.Status, corev1.DisruptionTarget); c == nil || c.Reason != "TerminationByKubelet" {
		t.Errorf("conditions = %+v, want DisruptionTarget/TerminationByKubelet", evicted.Status.Conditions)
	}
	for _, sb := range rt.Server.Sandboxes() {
		if sb.State == runtimeapi.PodSandboxState_SANDBOX_READY {
			t.Errorf("sandbox %s still ready after eviction", sb.ID)
		}
	}
	waitUntil(t, "the node to report MemoryPressure", func() bool {
		n, err := cs.CoreV1().Nodes().Get(ctx, "n1", metav1.GetOptions{})
		if err != nil {
			return false
		}
		for _, c := range n.Status.Conditions {
			if c.Type == corev1.NodeMemoryPressure {
				return c.Status == corev1.ConditionTrue && c.Reason == "KubeletHasInsufficientMemory"
			}
		}
		return false
	})

	late := testPod()
	late.Name, late.UID = "late", "uid-late"
	if _, err := pods.Create(ctx, late, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	var rejected *corev1.Pod
	waitUntil(t, "the BestEffort pod to be rejected", func() bool {
		rejected, err = pods.Get(ctx, "late", metav1.GetOptions{})
		return err == nil && rejected.Status.Phase == corev1.PodFailed
	})
	if rejected.Status.Reason != "Evicted" || rejected.Status.Message != "Pod was rejected: The node had condition: [MemoryPressure]. " ||
		rejected.Status.QOSClass != corev1.PodQOSBestEffort {
		t.Errorf("rejected status = %s %q %s", rejected.Status.Reason, rejected.Status.Message, rejected.Status.QOSClass)
	}
	time.Sleep(200 * time.Millisecond)
	if k.Pods().Worker("uid-late") != nil {
		t.Error("a rejected pod got a worker")
	}
}

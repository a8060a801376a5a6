package kubelet

import (
	"context"
	"testing"
	"time"

	corev1 "keel.dev/api/core/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/client/fake"
	"keel.dev/keel/pkg/kubelet/fakeruntime"
	"keel.dev/keel/pkg/kubelet/nodestatus"
)

func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for i := 0; i < 200; i++ {
		if cond() {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s", what)
}

// runKubelet runs a kubelet built from cfg until stop is called; ctx is
// the run's context.
func runKubelet(t *testing.T, cfg Config) (k *Kubelet, ctx context.Context, stop func()) {
	t.Helper()
	k, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = k.Run(ctx)
	}()
	return k, ctx, func() {
		cancel()
		<-done
	}
}

// TestKubeletRunsOnlyItsPods runs the main loop on a fake clientset: a pod
// bound to the node runs and reports status, a pod bound elsewhere is
// ignored, and a pod removed from the API is torn down.
func TestKubeletRunsOnlyItsPods(t *testing.T) {
	cs := fake.NewClientset()
	dir := t.TempDir()
	rt, err := fakeruntime.Start(context.Background(), dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close()
	_, ctx, stop := runKubelet(t, Config{Client: cs.Clientset, Runtime: rt.Service(), RuntimeName: rt.RuntimeName(), RootDir: dir,
		PodLogsDir: dir + "/logs", SimplifyProbes: true, Logger: quiet, OnPodCIDR: rt.SetPodCIDR,
		Node: nodestatus.Config{NodeName: "n1", NodeIP: "10.0.0.1", Machine: nodestatus.Machine{NumCPU: 1, MemoryBytes: 1 << 30}}})
	defer stop()
	pods := cs.CoreV1().Pods("default")
	mine, other := testPod(), testPod()
	other.Name, other.UID, other.Spec.NodeName = "elsewhere", "uid-2", "n2"
	for _, p := range []*corev1.Pod{mine, other} {
		if _, err := pods.Create(ctx, p, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	waitUntil(t, "the node's pod to run", func() bool {
		p, err := pods.Get(ctx, "p", metav1.GetOptions{})
		return err == nil && p.Status.Phase == corev1.PodRunning
	})
	p, _ := pods.Get(ctx, "elsewhere", metav1.GetOptions{})
	if p.Status.Phase != "" || len(rt.Server.Sandboxes()) != 1 {
		t.Errorf("a pod of another node was run: phase %q, sandboxes %d", p.Status.Phase, len(rt.Server.Sandboxes()))
	}
	if err := pods.Delete(ctx, "p", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the deleted pod's sandbox to go", func() bool { return len(rt.Server.Sandboxes()) == 0 })
}

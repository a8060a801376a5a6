package kubelet

import (
	"context"
	"crypto/rand"
	"os"
	"path/filepath"
	"testing"
	"time"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/apimachinery/pkg/api/resource"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/types"
	"keel.dev/client/fake"
	"keel.dev/keel/pkg/kubelet/eviction"
	"keel.dev/keel/pkg/kubelet/fakeruntime"
	"keel.dev/keel/pkg/kubelet/nodestatus"
	"keel.dev/keel/pkg/kubelet/podworker"
)

// fillFile writes n incompressible bytes to path.
func fillFile(t *testing.T, path string, n int) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestKubeletEvictsPodsOverTheirLocalStorageLimits runs the kubelet on the
// in-process fake CRI with no node pressure at all and real directories:
// a pod whose emptyDir grows past its sizeLimit and a pod whose container
// logs grow past the container's ephemeral-storage limit are failed with
// reason Evicted and Kubernetes' messages, with an Evicted event; a pod
// without limits writing more keeps running and the node reports no
// pressure.
func TestKubeletEvictsPodsOverTheirLocalStorageLimits(t *testing.T) {
	cs := fake.NewClientset()
	dir := t.TempDir()
	logsDir := filepath.Join(dir, "logs")
	rt, err := fakeruntime.Start(context.Background(), dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close()
	th, err := eviction.ParseThresholds("memory.available<100Mi", "", "", "")
	if err != nil {
		t.Fatal(err)
	}
	k, ctx, stop := runKubelet(t, Config{Client: cs.Clientset, Runtime: rt.Service(), RuntimeName: rt.RuntimeName(), RootDir: dir,
		PodLogsDir: logsDir, SimplifyProbes: true, Logger: quiet, OnPodCIDR: rt.SetPodCIDR,
		Eviction: &eviction.Config{Thresholds: th, MonitoringInterval: 50 * time.Millisecond, Signals: &switchSignals{}},
		Node: nodestatus.Config{NodeName: "n1", NodeIP: "10.0.0.1", UpdateFrequency: 50 * time.Millisecond,
			Machine: nodestatus.Machine{NumCPU: 1, MemoryBytes: 1 << 30}}})
	defer stop()

	mk := func(name string, volumes ...corev1.Volume) *corev1.Pod {
		p := testPod()
		p.Name, p.UID = name, types.UID("uid-"+name)
		p.Spec.Volumes = volumes
		return p
	}
	limit := resource.MustParse("1Mi")
	cacheHog := mk("cache-hog", corev1.Volume{Name: "cache", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{SizeLimit: &limit}}})
	logger := mk("logger")
	logger.Spec.Containers = []corev1.Container{
		{Name: "app", Image: "img", Resources: corev1.ResourceRequirements{Limits: corev1.ResourceList{corev1.ResourceEphemeralStorage: resource.MustParse("1Mi")}}},
		{Name: "side", Image: "img", Resources: corev1.ResourceRequirements{Limits: corev1.ResourceList{corev1.ResourceEphemeralStorage: resource.MustParse("8Mi")}}},
	}
	free := mk("free", corev1.Volume{Name: "cache", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}})
	pods := cs.CoreV1().Pods("default")
	for _, p := range []*corev1.Pod{cacheHog, logger, free} {
		if _, err := pods.Create(ctx, p, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		name := p.Name
		waitUntil(t, name+" to run", func() bool {
			got, err := pods.Get(ctx, name, metav1.GetOptions{})
			return err == nil && got.Status.Phase == corev1.PodRunning
		})
	}
	emptyDir := func(p *corev1.Pod) string {
		return filepath.Join(dir, "pods", string(p.UID), "volumes", "kubernetes.io~empty-dir", "cache")
	}
	for _, p := range []*corev1.Pod{cacheHog, free} {
		if _, err := os.Stat(emptyDir(p)); err != nil {
			t.Fatalf("the kubelet did not set up the emptyDir of %s: %v", p.Name, err)
		}
	}
	fillFile(t, filepath.Join(emptyDir(free), "big"), 4<<20)
	fillFile(t, filepath.Join(emptyDir(cacheHog), "big"), 2<<20)
	fillFile(t, filepath.Join(podworker.LogDirectory(logsDir, logger), "app", "0.log"), 2<<20)

	cases := []struct {
		pod, message string
	}{
		{"cache-hog", `Usage of EmptyDir volume "cache" exceeds the limit "1Mi". `},
		{"logger", `Container app exceeded its local ephemeral storage limit "1Mi". `},
	}
	for _, c := range cases {
		var got *corev1.Pod
		waitUntil(t, c.pod+" to be evicted", func() bool {
			got, err = pods.Get(ctx, c.pod, metav1.GetOptions{})
			return err == nil && got.Status.Phase == corev1.PodFailed
		})
		if got.Status.Reason != "Evicted" || got.Status.Message != c.message {
			t.Errorf("%s status = %s %q, want Evicted %q", c.pod, got.Status.Reason, got.Status.Message, c.message)
		}
		if _, cond := corev1.GetPodCondition(&got.Status, corev1.DisruptionTarget); cond != nil {
			t.Errorf("%s has a DisruptionTarget condition; Kubernetes sets none for limit evictions", c.pod)
		}
		waitUntil(t, "the Evicted event of "+c.pod, func() bool {
			evs, err := cs.CoreV1().Events("default").List(ctx, metav1.ListOptions{})
			if err != nil {
				return false
			}
			for _, e := range evs.Items {
				if e.InvolvedObject.Name == c.pod && e.Reason == "Evicted" && e.Type == corev1.EventTypeWarning && e.Message == c.message {
					return true
				}
			}
			return false
		})
	}
	if got, err := pods.Get(ctx, "free", metav1.GetOptions{}); err != nil || got.Status.Phase != corev1.PodRunning {
		t.Errorf("the pod without limits is %v (%v), want Running", got.Status.Phase, err)
	}
	if m := k.evictionManager(); m == nil || len(m.Conditions()) != 0 {
		t.Errorf("eviction manager conditions = %v, want none", m.Conditions())
	}
	n, err := cs.CoreV1().Nodes().Get(ctx, "n1", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range n.Status.Conditions {
		if c.Type == corev1.NodeDiskPressure && c.Status == corev1.ConditionTrue {
			t.Errorf("node reports DiskPressure after limit evictions")
		}
	}
}

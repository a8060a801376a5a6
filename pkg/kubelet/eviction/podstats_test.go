package eviction

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"

	corev1 "keel.dev/api/core/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/types"
	"keel.dev/keel/pkg/kubelet/cri"
	"keel.dev/keel/pkg/kubelet/cri/fake"
)

// runContainer starts a sandbox and one container labelled for pod.
func runContainer(t *testing.T, rt cri.Service, pod *corev1.Pod, name string) {
	t.Helper()
	ctx := context.Background()
	labels := map[string]string{cri.LabelPodUID: string(pod.UID), cri.LabelPodName: pod.Name, cri.LabelPodNamespace: pod.Namespace}
	sbCfg := &runtimeapi.PodSandboxConfig{Metadata: &runtimeapi.PodSandboxMetadata{Name: pod.Name, Namespace: pod.Namespace, Uid: string(pod.UID)}, Labels: labels}
	sb, err := rt.RunPodSandbox(ctx, &runtimeapi.RunPodSandboxRequest{Config: sbCfg})
	if err != nil {
		t.Fatal(err)
	}
	cl := map[string]string{cri.LabelContainerName: name}
	for k, v := range labels {
		cl[k] = v
	}
	c, err := rt.CreateContainer(ctx, &runtimeapi.CreateContainerRequest{PodSandboxId: sb.PodSandboxId, SandboxConfig: sbCfg,
		Config: &runtimeapi.ContainerConfig{Metadata: &runtimeapi.ContainerMetadata{Name: name}, Image: &runtimeapi.ImageSpec{Image: "keel.local/busybox:1.35"}, Labels: cl}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rt.StartContainer(ctx, &runtimeapi.StartContainerRequest{ContainerId: c.ContainerId}); err != nil {
		t.Fatal(err)
	}
}

func TestCRIPodStats(t *testing.T) {
	srv := fake.New(nil)
	if err := srv.Start(t.TempDir()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Stop)
	srv.AddImage("keel.local/busybox:1.35")
	srv.SetUsage(func(c *fake.Container, _ *fake.Sandbox) fake.Usage {
		if c.Config.Labels[cri.LabelPodName] == "hog" {
			return fake.Usage{WorkingSetBytes: 900 << 20}
		}
		return fake.Usage{WorkingSetBytes: 10 << 20}
	})
	client, err := cri.Dial(context.Background(), srv.Endpoint)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close() })
	mk := func(name string) *corev1.Pod {
		return &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "ns", UID: types.UID("uid-" + name)},
			Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "app"}}}}
	}
	hog, quiet, other := mk("hog"), mk("quiet"), mk("other")
	runContainer(t, client, hog, "app")
	runContainer(t, client, quiet, "app")
	runContainer(t, client, other, "app")

	root, logs := t.TempDir(), t.TempDir()
	if err := os.MkdirAll(filepath.Join(logs, "quiet", "app"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(logs, "quiet", "app", "0.log"), make([]byte, 256<<10), 0o644); err != nil {
		t.Fatal(err)
	}
	s := &CRIPodStats{Runtime: client, RootDir: root, LogDir: func(p *corev1.Pod) string { return filepath.Join(logs, p.Name) }}
	t.Run("memory comes from the CRI working set of the asked pods only", func(t *testing.T) {
		got, err := s.PodStats(context.Background(), []*corev1.Pod{hog, quiet}, false)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 {
			t.Fatalf("stats of %d pods, want 2", len(got))
		}
		if m := got[hog.UID].Memory(); m != 900<<20 {
			t.Errorf("hog memory = %d", m)
		}
		if got[quiet.UID].Containers["app"].Logs.Bytes != 0 {
			t.Error("logs measured without withDisk")
		}
	})
	t.Run("disk adds the log files and the writable layer", func(t *testing.T) {
		got, err := s.PodStats(context.Background(), []*corev1.Pod{hog, quiet}, true)
		if err != nil {
			t.Fatal(err)
		}
		c := got[quiet.UID].Containers["app"]
		if c.Logs.Bytes < 256<<10 || c.RootFS.Bytes == 0 {
			t.Errorf("quiet disk = %+v", c)
		}
		if got[hog.UID].Containers["app"].Logs.Bytes != 0 {
			t.Errorf("hog has log usage without log files")
		}
	})
}

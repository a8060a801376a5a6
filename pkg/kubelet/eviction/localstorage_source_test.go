package eviction

import (
	"context"
	"crypto/rand"
	"os"
	"path/filepath"
	"testing"
	"time"

	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/apimachinery/pkg/api/resource"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/types"
	"keel.dev/keel/pkg/kubelet/clock"
	"keel.dev/keel/pkg/kubelet/cri"
	"keel.dev/keel/pkg/kubelet/cri/fake"
)

// startFakeCRI serves the in-process fake CRI and dials it.
func startFakeCRI(t *testing.T) (*fake.Server, cri.Service) {
	t.Helper()
	srv := fake.New(nil)
	if err := srv.Start(t.TempDir()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Stop)
	srv.AddImage("keel.local/busybox:1.35")
	client, err := cri.Dial(context.Background(), srv.Endpoint)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close() })
	return srv, client
}

// createInstance creates (without starting) another instance of a
// container of pod in a new sandbox, with the given attempt.
func createInstance(t *testing.T, rt cri.Service, pod *corev1.Pod, name string, attempt uint32) {
	t.Helper()
	ctx := context.Background()
	labels := map[string]string{cri.LabelPodUID: string(pod.UID), cri.LabelPodName: pod.Name, cri.LabelPodNamespace: pod.Namespace}
	sbCfg := &runtimeapi.PodSandboxConfig{Metadata: &runtimeapi.PodSandboxMetadata{Name: pod.Name, Namespace: pod.Namespace, Uid: string(pod.UID), Attempt: attempt}, Labels: labels}
	sb, err := rt.RunPodSandbox(ctx, &runtimeapi.RunPodSandboxRequest{Config: sbCfg})
	if err != nil {
		t.Fatal(err)
	}
	cl := map[string]string{cri.LabelContainerName: name}
	for k, v := range labels {
		cl[k] = v
	}
	if _, err := rt.CreateContainer(ctx, &runtimeapi.CreateContainerRequest{PodSandboxId: sb.PodSandboxId, SandboxConfig: sbCfg,
		Config: &runtimeapi.ContainerConfig{Metadata: &runtimeapi.ContainerMetadata{Name: name, Attempt: attempt},
			Image: &runtimeapi.ImageSpec{Image: "keel.local/busybox:1.35"}, Labels: cl}}); err != nil {
		t.Fatal(err)
	}
}

// writeFile writes n random bytes (incompressible, so every block is
// allocated) to path, creating its directory.
func writeFile(t *testing.T, path string, n int) {
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

func emptyDirPath(root string, pod *corev1.Pod, volume string) string {
	return filepath.Join(root, "pods", string(pod.UID), "volumes", "kubernetes.io~empty-dir", volume)
}

func TestCRILocalStorage(t *testing.T) {
	_, client := startFakeCRI(t)
	web := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "ns", UID: "uid-web"}, Spec: corev1.PodSpec{
		InitContainers: []corev1.Container{{Name: "init"}},
		Containers:     []corev1.Container{{Name: "app"}},
		Volumes: []corev1.Volume{
			{Name: "scratch", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}},
			{Name: "shm", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{Medium: corev1.StorageMediumMemory}}},
			{Name: "conf", VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{}}},
		}}}
	other := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "other", Namespace: "ns", UID: "uid-other"},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "app"}}}}
	runContainer(t, client, web, "app")
	createInstance(t, client, web, "app", 1)
	runContainer(t, client, other, "app")

	root, logs := t.TempDir(), t.TempDir()
	writeFile(t, filepath.Join(emptyDirPath(root, web, "scratch"), "data"), 300<<10)
	writeFile(t, filepath.Join(emptyDirPath(root, web, "shm"), "data"), 300<<10)
	writeFile(t, filepath.Join(logs, "web", "app", "0.log"), 256<<10)
	writeFile(t, filepath.Join(logs, "web", "init", "0.log"), 128<<10)
	logDir := func(p *corev1.Pod) string { return filepath.Join(logs, p.Name) }

	t.Run("disk emptyDirs, logs and the latest writable layer are measured for the asked pods", func(t *testing.T) {
		s := &CRIPodStats{Runtime: client, RootDir: root, LogDir: logDir}
		got, err := s.LocalStorage(context.Background(), []*corev1.Pod{web})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 {
			t.Fatalf("measured %d pods, want 1", len(got))
		}
		u := got[web.UID]
		if b := u.EmptyDirs["scratch"]; b < 300<<10 || b > 400<<10 {
			t.Errorf("scratch = %d bytes, want about 300Ki", b)
		}
		if _, ok := u.EmptyDirs["shm"]; ok {
			t.Error("a memory emptyDir was measured")
		}
		if len(u.EmptyDirs) != 1 {
			t.Errorf("emptyDirs = %v, want scratch only", u.EmptyDirs)
		}
		app := u.Containers["app"]
		if app.RootFS != 32<<10 {
			t.Errorf("app writable layer = %d, want the latest instance's 32Ki only", app.RootFS)
		}
		if app.Logs < 256<<10 {
			t.Errorf("app logs = %d, want at least 256Ki", app.Logs)
		}
		if in := u.Containers["init"]; in.Logs < 128<<10 || in.RootFS != 0 {
			t.Errorf("init = %+v, want its logs and no writable layer", in)
		}
	})
	t.Run("without a runtime the walked usage is still reported", func(t *testing.T) {
		s := &CRIPodStats{RootDir: root, LogDir: logDir}
		got, err := s.LocalStorage(context.Background(), []*corev1.Pod{web})
		if err != nil {
			t.Fatal(err)
		}
		if got[web.UID].EmptyDirs["scratch"] < 300<<10 || got[web.UID].Containers["app"].RootFS != 0 {
			t.Errorf("usage = %+v", got[web.UID])
		}
	})
}

// TestEmptyDirGrowingPastItsSizeLimit runs the manager over the real
// measurement (directory walks, writable layers from the in-process fake
// CRI) while a pod's emptyDir directory grows: the pod is kept while the
// volume is under its sizeLimit and evicted once it holds more.
func TestEmptyDirGrowingPastItsSizeLimit(t *testing.T) {
	_, client := startFakeCRI(t)
	limit := resource.MustParse("1Mi")
	p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "grower", Namespace: "ns", UID: types.UID("uid-grower")}, Spec: corev1.PodSpec{
		Containers: []corev1.Container{{Name: "app"}},
		Volumes:    []corev1.Volume{{Name: "cache", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{SizeLimit: &limit}}}}}}
	runContainer(t, client, p, "app")
	root := t.TempDir()
	dir := emptyDirPath(root, p, "cache")
	killer, rec := &fakeKiller{}, &fakeRecorder{}
	m := New(Config{LocalStorage: &CRIPodStats{Runtime: client, RootDir: root}, Signals: &fakeSignals{},
		ActivePods: func() []*corev1.Pod { return []*corev1.Pod{p} }, Killer: killer, Recorder: rec,
		Clock: clock.NewFake(time.Unix(1000, 0)), Logger: quiet})
	sync := func() *corev1.Pod {
		t.Helper()
		got, err := m.Synchronize(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	for i, size := range []int{256 << 10, 256 << 10, 256 << 10} {
		writeFile(t, filepath.Join(dir, "chunk"+string(rune('a'+i))), size)
		if got := sync(); got != nil {
			t.Fatalf("evicted after writing %d chunks (under 1Mi)", i+1)
		}
	}
	writeFile(t, filepath.Join(dir, "chunkd"), 512<<10)
	got := sync()
	if got == nil || got.Name != "grower" || len(killer.kills) != 1 {
		t.Fatalf("evicted %v, kills %+v; want grower once", got, killer.kills)
	}
	want := `Usage of EmptyDir volume "cache" exceeds the limit "1Mi". `
	if k := killer.kills[0]; k.message != want || k.reason != Reason || k.grace != 1 {
		t.Errorf("kill = %+v, want %q", k, want)
	}
	if len(rec.events) != 1 || rec.events[0] != "grower Warning Evicted" {
		t.Errorf("events = %v", rec.events)
	}
	if c := m.Conditions(); len(c) != 0 {
		t.Errorf("node conditions = %v, want none", c)
	}
}

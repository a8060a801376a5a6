package fakeruntime

import (
	"context"
	"testing"

	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"

	"keel.dev/keel/pkg/kubelet/eviction"
)

func TestSignalsComeFromSyntheticUsageNotTheHost(t *testing.T) {
	ctx := context.Background()
	r, err := Start(ctx, t.TempDir(), 0, "keel.local/pause:3", "keel.local/busybox:1.35")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	const mem, disk = 4 << 30, 100 << 30
	src := r.Signals(mem, disk)

	obs, err := src.Observe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, sig := range []eviction.Signal{eviction.SignalMemoryAvailable, eviction.SignalNodeFsAvailable, eviction.SignalImageFsAvailable} {
		if o := obs[sig]; o.Available != o.Capacity || o.Capacity == 0 {
			t.Errorf("idle node: %s = %d of %d, want all of it available", sig, o.Available, o.Capacity)
		}
	}

	svc := r.Service()
	sb, err := svc.RunPodSandbox(ctx, &runtimeapi.RunPodSandboxRequest{Config: &runtimeapi.PodSandboxConfig{
		Metadata:    &runtimeapi.PodSandboxMetadata{Name: "hog", Uid: "hog", Namespace: "default"},
		Annotations: map[string]string{AnnotationFakeMemoryUsage: "3Gi"}}})
	if err != nil {
		t.Fatal(err)
	}
	cfg := &runtimeapi.ContainerConfig{Metadata: &runtimeapi.ContainerMetadata{Name: "c"},
		Image: &runtimeapi.ImageSpec{Image: "keel.local/busybox:1.35"}}
	c, err := svc.CreateContainer(ctx, &runtimeapi.CreateContainerRequest{PodSandboxId: sb.PodSandboxId, Config: cfg,
		SandboxConfig: &runtimeapi.PodSandboxConfig{Metadata: &runtimeapi.PodSandboxMetadata{Name: "hog", Uid: "hog"}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.StartContainer(ctx, &runtimeapi.StartContainerRequest{ContainerId: c.ContainerId}); err != nil {
		t.Fatal(err)
	}

	obs, err = src.Observe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := obs[eviction.SignalMemoryAvailable].Available, int64(1<<30); got != want {
		t.Errorf("memory.available with a 3Gi container on 4Gi = %d, want %d", got, want)
	}
	if got := obs[eviction.SignalNodeFsAvailable].Available; got >= disk || got < disk-(1<<20) {
		t.Errorf("nodefs.available with one container = %d, want a little under %d", got, int64(disk))
	}
	if o := obs[eviction.SignalImageFsInodesFree]; o.Available >= o.Capacity {
		t.Errorf("imagefs.inodesFree with one container = %d of %d, want some used", o.Available, o.Capacity)
	}
}

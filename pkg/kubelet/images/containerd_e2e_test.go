package images

import (
	"context"
	"fmt"
	"testing"
	"time"

	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"

	"keel.dev/keel/pkg/kubelet/cri"
	"keel.dev/keel/pkg/kubelet/cri/critest"
)

// TestRealContainerd removes images from a private containerd (never the
// system one, whose images other tests use): an image a container refers
// to is kept, then removed by ID once the container is gone; the sandbox
// image is kept throughout.
func TestRealContainerd(t *testing.T) {
	c := critest.PrivateContainerd(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	m, err := New(Config{Runtime: c, Policy: Policy{HighThresholdPercent: 85, LowThresholdPercent: 80},
		PinnedImages: []string{critest.PauseImage}, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	fs, err := CRIFsStats(c)(ctx)
	if err != nil || fs.Capacity <= 0 || fs.Mountpoint == "" {
		t.Fatalf("image filesystem = %+v, %v", fs, err)
	}
	status := func(ref string) *runtimeapi.Image {
		t.Helper()
		st, err := c.ImageStatus(ctx, &runtimeapi.ImageStatusRequest{Image: &runtimeapi.ImageSpec{Image: ref}})
		if err != nil {
			t.Fatal(err)
		}
		return st.Image
	}
	busybox := status(critest.BusyboxImage)
	if busybox == nil || status(critest.PauseImage) == nil {
		t.Fatal("the test images were not imported")
	}
	t.Logf("containerd reports the sandbox image pinned: %v", status(critest.PauseImage).Pinned)

	uid := fmt.Sprintf("imagegc-%d", time.Now().UnixNano())
	sbCfg := &runtimeapi.PodSandboxConfig{
		Metadata: &runtimeapi.PodSandboxMetadata{Name: "imagegc", Uid: uid, Namespace: "keel-e2e"},
		Labels:   map[string]string{cri.LabelPodUID: uid},
		Linux: &runtimeapi.LinuxPodSandboxConfig{SecurityContext: &runtimeapi.LinuxSandboxSecurityContext{
			NamespaceOptions: &runtimeapi.NamespaceOption{Network: runtimeapi.NamespaceMode_NODE}}},
	}
	sb, err := c.RunPodSandbox(ctx, &runtimeapi.RunPodSandboxRequest{Config: sbCfg})
	if err != nil {
		t.Fatalf("RunPodSandbox: %v", err)
	}
	defer func() {
		c.StopPodSandbox(context.Background(), &runtimeapi.StopPodSandboxRequest{PodSandboxId: sb.PodSandboxId})
		c.RemovePodSandbox(context.Background(), &runtimeapi.RemovePodSandboxRequest{PodSandboxId: sb.PodSandboxId})
	}()
	if _, err := c.CreateContainer(ctx, &runtimeapi.CreateContainerRequest{PodSandboxId: sb.PodSandboxId, SandboxConfig: sbCfg,
		Config: &runtimeapi.ContainerConfig{Metadata: &runtimeapi.ContainerMetadata{Name: "idle"},
			Image: &runtimeapi.ImageSpec{Image: critest.BusyboxImage}, Command: []string{"sleep", "3600"}}}); err != nil {
		t.Fatalf("CreateContainer: %v", err)
	}

	freed, err := m.DeleteUnusedImages(ctx)
	if err != nil || freed != 0 {
		t.Fatalf("with a container of busybox: freed %d, %v", freed, err)
	}
	if status(critest.BusyboxImage) == nil || status(critest.PauseImage) == nil {
		t.Fatal("an image in use was removed")
	}

	if _, err := c.StopPodSandbox(ctx, &runtimeapi.StopPodSandboxRequest{PodSandboxId: sb.PodSandboxId}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.RemovePodSandbox(ctx, &runtimeapi.RemovePodSandboxRequest{PodSandboxId: sb.PodSandboxId}); err != nil {
		t.Fatal(err)
	}
	freed, err = m.DeleteUnusedImages(ctx)
	if err != nil || freed != int64(busybox.Size) {
		t.Fatalf("without containers: freed %d, %v, want busybox's %d bytes", freed, err, busybox.Size)
	}
	if status(critest.BusyboxImage) != nil {
		t.Error("busybox is still there")
	}
	if status(critest.PauseImage) == nil {
		t.Error("the sandbox image was removed")
	}
}

package fake_test

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"

	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"

	"keel.dev/keel/pkg/kubelet/cri"
	"keel.dev/keel/pkg/kubelet/cri/fake"
)

func dial(t *testing.T) (*fake.Server, *cri.Client) {
	t.Helper()
	dir, err := os.MkdirTemp("", "cri")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	s := fake.New(nil)
	if err := s.Start(dir); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Stop)
	c, err := cri.Dial(context.Background(), s.Endpoint)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return s, c
}

func TestContainerLifecycleOverGRPC(t *testing.T) {
	s, c := dial(t)
	ctx := context.Background()
	if c.RuntimeName != "fake" {
		t.Errorf("runtime name = %q", c.RuntimeName)
	}
	sb, err := c.RunPodSandbox(ctx, &runtimeapi.RunPodSandboxRequest{Config: &runtimeapi.PodSandboxConfig{Metadata: &runtimeapi.PodSandboxMetadata{Name: "p"}, Labels: map[string]string{"k": "v"}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.PullImage(ctx, &runtimeapi.PullImageRequest{Image: &runtimeapi.ImageSpec{Image: "img:1"}}); err != nil {
		t.Fatal(err)
	}
	imgs, _ := c.ListImages(ctx, &runtimeapi.ListImagesRequest{})
	if len(imgs.Images) != 1 {
		t.Errorf("images = %v", imgs.Images)
	}
	cr, err := c.CreateContainer(ctx, &runtimeapi.CreateContainerRequest{PodSandboxId: sb.PodSandboxId, Config: &runtimeapi.ContainerConfig{Metadata: &runtimeapi.ContainerMetadata{Name: "app"}, Image: &runtimeapi.ImageSpec{Image: "img:1"}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.StartContainer(ctx, &runtimeapi.StartContainerRequest{ContainerId: cr.ContainerId}); err != nil {
		t.Fatal(err)
	}
	s.SetExec(func(ct *fake.Container, cmd []string) (string, string, int32, error) {
		return "out:" + cmd[0], "", 3, nil
	})
	ex, err := c.ExecSync(ctx, &runtimeapi.ExecSyncRequest{ContainerId: cr.ContainerId, Cmd: []string{"x"}})
	if err != nil || string(ex.Stdout) != "out:x" || ex.ExitCode != 3 {
		t.Fatalf("exec = %v, %v", ex, err)
	}
	s.Exit(cr.ContainerId, 137, "OOMKilled")
	st, err := c.ContainerStatus(ctx, &runtimeapi.ContainerStatusRequest{ContainerId: cr.ContainerId})
	if err != nil || st.Status.State != runtimeapi.ContainerState_CONTAINER_EXITED || st.Status.Reason != "OOMKilled" || st.Status.ExitCode != 137 {
		t.Fatalf("status = %v, %v", st, err)
	}
	list, _ := c.ListPodSandbox(ctx, &runtimeapi.ListPodSandboxRequest{Filter: &runtimeapi.PodSandboxFilter{LabelSelector: map[string]string{"k": "other"}}})
	if len(list.Items) != 0 {
		t.Errorf("label filter ignored")
	}
	if _, err := c.RemovePodSandbox(ctx, &runtimeapi.RemovePodSandboxRequest{PodSandboxId: sb.PodSandboxId}); err != nil {
		t.Fatal(err)
	}
	if len(s.Containers("")) != 0 {
		t.Errorf("containers survived sandbox removal")
	}
}

func TestInjectedFailuresAndDelays(t *testing.T) {
	s, c := dial(t)
	ctx := context.Background()
	s.FailNext("RunPodSandbox", errors.New("boom"))
	cfg := &runtimeapi.PodSandboxConfig{Metadata: &runtimeapi.PodSandboxMetadata{Name: "p"}}
	if _, err := c.RunPodSandbox(ctx, &runtimeapi.RunPodSandboxRequest{Config: cfg}); err == nil {
		t.Fatal("FailNext did not fail the call")
	}
	if _, err := c.RunPodSandbox(ctx, &runtimeapi.RunPodSandboxRequest{Config: cfg}); err != nil {
		t.Fatalf("FailNext failed a second call: %v", err)
	}
	s.SetFailure("ListImages", errors.New("down"))
	for i := 0; i < 2; i++ {
		if _, err := c.ListImages(ctx, &runtimeapi.ListImagesRequest{}); err == nil {
			t.Fatal("SetFailure did not stick")
		}
	}
	s.SetFailure("ListImages", nil)
	s.SetDelay("ListImages", 50*time.Millisecond)
	begin := time.Now()
	if _, err := c.ListImages(ctx, &runtimeapi.ListImagesRequest{}); err != nil || time.Since(begin) < 50*time.Millisecond {
		t.Errorf("delay not applied: %v after %s", err, time.Since(begin))
	}
	s.SetPullable("private:1", false)
	if _, err := c.PullImage(ctx, &runtimeapi.PullImageRequest{Image: &runtimeapi.ImageSpec{Image: "private:1"}}); err == nil {
		t.Errorf("unpullable image pulled")
	}
}

package cri_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"

	"keel.dev/keel/pkg/kubelet/cri"
	"keel.dev/keel/pkg/kubelet/cri/critest"
)

func TestRealContainerdHostNetworkSandbox(t *testing.T) {
	c := critest.Containerd(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	hostname, _ := os.Hostname()
	uid := fmt.Sprintf("e2e-%d", time.Now().UnixNano())
	logDir := t.TempDir()
	shared := t.TempDir()
	sbCfg := &runtimeapi.PodSandboxConfig{
		Metadata:     &runtimeapi.PodSandboxMetadata{Name: "e2e", Uid: uid, Namespace: "keel-e2e"},
		Hostname:     "", // host network shares the node's UTS namespace
		LogDirectory: logDir,
		Labels:       map[string]string{cri.LabelPodUID: uid},
		Linux: &runtimeapi.LinuxPodSandboxConfig{SecurityContext: &runtimeapi.LinuxSandboxSecurityContext{
			NamespaceOptions: &runtimeapi.NamespaceOption{Network: runtimeapi.NamespaceMode_NODE}}},
	}
	sb, err := c.RunPodSandbox(ctx, &runtimeapi.RunPodSandboxRequest{Config: sbCfg})
	if err != nil {
		t.Fatalf("RunPodSandbox: %v", err)
	}
	removed := false
	defer func() {
		if !removed {
			c.StopPodSandbox(context.Background(), &runtimeapi.StopPodSandboxRequest{PodSandboxId: sb.PodSandboxId})
			c.RemovePodSandbox(context.Background(), &runtimeapi.RemovePodSandboxRequest{PodSandboxId: sb.PodSandboxId})
		}
	}()
	st, err := c.PodSandboxStatus(ctx, &runtimeapi.PodSandboxStatusRequest{PodSandboxId: sb.PodSandboxId})
	if err != nil || st.Status.State != runtimeapi.PodSandboxState_SANDBOX_READY {
		t.Fatalf("sandbox status = %v, %v", st, err)
	}
	if st.Status.GetLinux().GetNamespaces().GetOptions().GetNetwork() != runtimeapi.NamespaceMode_NODE {
		t.Errorf("sandbox network namespace mode = %v, want NODE", st.Status.GetLinux().GetNamespaces().GetOptions().GetNetwork())
	}

	ctr, err := c.CreateContainer(ctx, &runtimeapi.CreateContainerRequest{
		PodSandboxId:  sb.PodSandboxId,
		SandboxConfig: sbCfg,
		Config: &runtimeapi.ContainerConfig{
			Metadata: &runtimeapi.ContainerMetadata{Name: "writer"},
			Image:    &runtimeapi.ImageSpec{Image: critest.BusyboxImage},
			Command:  []string{"sh", "-c", "echo hello-from-keel; echo data > /shared/out.txt; exec sleep 3600"},
			Mounts:   []*runtimeapi.Mount{{ContainerPath: "/shared", HostPath: shared}},
			LogPath:  "writer/0.log",
			Labels:   map[string]string{cri.LabelPodUID: uid, cri.LabelContainerName: "writer"},
		},
	})
	if err != nil {
		t.Fatalf("CreateContainer: %v", err)
	}
	if _, err := c.StartContainer(ctx, &runtimeapi.StartContainerRequest{ContainerId: ctr.ContainerId}); err != nil {
		t.Fatalf("StartContainer: %v", err)
	}
	var out []byte
	for i := 0; i < 100; i++ {
		if out, err = os.ReadFile(filepath.Join(shared, "out.txt")); err == nil && len(out) > 0 {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if strings.TrimSpace(string(out)) != "data" {
		t.Fatalf("file written by the container = %q, %v", out, err)
	}
	// containerd's shim copies the container's stdout into the log file
	// asynchronously, so the line may land a moment after the file write.
	var logs []byte
	for i := 0; i < 100; i++ {
		logs, err = os.ReadFile(filepath.Join(logDir, "writer", "0.log"))
		if err == nil && strings.Contains(string(logs), " stdout F hello-from-keel") {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil || !strings.Contains(string(logs), " stdout F hello-from-keel") {
		t.Errorf("container log = %q, %v", logs, err)
	}
	ex, err := c.ExecSync(ctx, &runtimeapi.ExecSyncRequest{ContainerId: ctr.ContainerId, Cmd: []string{"cat", "/etc/hostname"}, Timeout: 10})
	if err != nil || ex.ExitCode != 0 {
		t.Fatalf("ExecSync: %v %v", ex, err)
	}
	if got := strings.TrimSpace(string(ex.Stdout)); got != hostname {
		t.Errorf("/etc/hostname = %q, want the node's %q", got, hostname)
	}
	cs, err := c.ContainerStatus(ctx, &runtimeapi.ContainerStatusRequest{ContainerId: ctr.ContainerId})
	if err != nil || cs.Status.State != runtimeapi.ContainerState_CONTAINER_RUNNING || cs.Status.ImageRef == "" {
		t.Fatalf("running status = %v, %v", cs, err)
	}
	start := time.Now()
	if _, err := c.StopContainer(ctx, &runtimeapi.StopContainerRequest{ContainerId: ctr.ContainerId, Timeout: 2}); err != nil {
		t.Fatalf("StopContainer: %v", err)
	}
	cs, err = c.ContainerStatus(ctx, &runtimeapi.ContainerStatusRequest{ContainerId: ctr.ContainerId})
	if err != nil || cs.Status.State != runtimeapi.ContainerState_CONTAINER_EXITED {
		t.Fatalf("stopped status = %v, %v", cs, err)
	}
	t.Logf("stop took %s, exit code %d, reason %q", time.Since(start).Round(time.Millisecond), cs.Status.ExitCode, cs.Status.Reason)
	if _, err := c.RemoveContainer(ctx, &runtimeapi.RemoveContainerRequest{ContainerId: ctr.ContainerId}); err != nil {
		t.Fatalf("RemoveContainer: %v", err)
	}
	if _, err := c.StopPodSandbox(ctx, &runtimeapi.StopPodSandboxRequest{PodSandboxId: sb.PodSandboxId}); err != nil {
		t.Fatalf("StopPodSandbox: %v", err)
	}
	if _, err := c.RemovePodSandbox(ctx, &runtimeapi.RemovePodSandboxRequest{PodSandboxId: sb.PodSandboxId}); err != nil {
		t.Fatalf("RemovePodSandbox: %v", err)
	}
	removed = true
	list, err := c.ListPodSandbox(ctx, &runtimeapi.ListPodSandboxRequest{Filter: &runtimeapi.PodSandboxFilter{LabelSelector: map[string]string{cri.LabelPodUID: uid}}})
	if err != nil || len(list.Items) != 0 {
		t.Errorf("sandboxes after removal = %v, %v", list, err)
	}
}

package fake_test

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"

	"keel.dev/keel/pkg/kubelet/cri"
	"keel.dev/keel/pkg/kubelet/cri/fake"
)

type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func TestStatsAndReopenContainerLog(t *testing.T) {
	clk := &testClock{t: time.Unix(1800000000, 0)}
	dir := t.TempDir()
	s := fake.New(clk.now)
	if err := s.Start(dir); err != nil {
		t.Fatal(err)
	}
	defer s.Stop()
	c, err := cri.Dial(context.Background(), s.Endpoint)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx := context.Background()
	logDir := filepath.Join(dir, "logs")
	if err := os.MkdirAll(filepath.Join(logDir, "app"), 0o755); err != nil {
		t.Fatal(err)
	}
	sb, _ := c.RunPodSandbox(ctx, &runtimeapi.RunPodSandboxRequest{Config: &runtimeapi.PodSandboxConfig{
		Metadata: &runtimeapi.PodSandboxMetadata{Name: "p", Uid: "u"}, LogDirectory: logDir}})
	cc, _ := c.CreateContainer(ctx, &runtimeapi.CreateContainerRequest{PodSandboxId: sb.PodSandboxId, Config: &runtimeapi.ContainerConfig{
		Metadata: &runtimeapi.ContainerMetadata{Name: "app"}, Image: &runtimeapi.ImageSpec{Image: "img"}, LogPath: "app/0.log"}})
	rate := uint64(200_000_000)
	s.SetUsage(func(*fake.Container, *fake.Sandbox) fake.Usage {
		return fake.Usage{NanoCores: rate, WorkingSetBytes: 1 << 20}
	})

	t.Run("reopening the log of a container that is not running fails", func(t *testing.T) {
		if _, err := c.ReopenContainerLog(ctx, &runtimeapi.ReopenContainerLogRequest{ContainerId: cc.ContainerId}); err == nil {
			t.Error("no error")
		}
	})
	if _, err := c.StartContainer(ctx, &runtimeapi.StartContainerRequest{ContainerId: cc.ContainerId}); err != nil {
		t.Fatal(err)
	}
	total := func() uint64 {
		t.Helper()
		resp, err := c.ListContainerStats(ctx, &runtimeapi.ListContainerStatsRequest{})
		if err != nil || len(resp.Stats) != 1 {
			t.Fatalf("ListContainerStats: %v %v", resp, err)
		}
		return resp.Stats[0].Cpu.UsageCoreNanoSeconds.Value
	}
	t.Run("cpu time integrates the rate and never goes back", func(t *testing.T) {
		if got := total(); got != 0 {
			t.Errorf("at start: %d", got)
		}
		clk.add(10 * time.Second)
		if got := total(); got != 2_000_000_000 {
			t.Errorf("after 10s at 200m: %d", got)
		}
		rate = 0
		clk.add(10 * time.Second)
		if got := total(); got != 2_000_000_000 {
			t.Errorf("after 10s idle: %d", got)
		}
	})
	t.Run("sandbox stats sum the containers", func(t *testing.T) {
		resp, err := c.ListPodSandboxStats(ctx, &runtimeapi.ListPodSandboxStatsRequest{})
		if err != nil || len(resp.Stats) != 1 {
			t.Fatalf("ListPodSandboxStats: %v %v", resp, err)
		}
		l := resp.Stats[0].Linux
		if l.Cpu.UsageCoreNanoSeconds.Value != 2_000_000_000 || l.Memory.WorkingSetBytes.Value != 1<<20 || l.Process.ProcessCount.Value != 1 {
			t.Errorf("sandbox stats = %v", l)
		}
	})
	t.Run("container status reports the full log path", func(t *testing.T) {
		st, err := c.ContainerStatus(ctx, &runtimeapi.ContainerStatusRequest{ContainerId: cc.ContainerId})
		if err != nil || st.Status.LogPath != filepath.Join(logDir, "app/0.log") {
			t.Errorf("log path = %v %v", st.GetStatus().GetLogPath(), err)
		}
	})
	t.Run("reopening a running container's log creates the file", func(t *testing.T) {
		if _, err := c.ReopenContainerLog(ctx, &runtimeapi.ReopenContainerLogRequest{ContainerId: cc.ContainerId}); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(filepath.Join(logDir, "app/0.log")); err != nil {
			t.Error(err)
		}
	})
	t.Run("image fs info names the server's directory", func(t *testing.T) {
		resp, err := c.ImageFsInfo(ctx, &runtimeapi.ImageFsInfoRequest{})
		if err != nil || len(resp.ImageFilesystems) != 1 || resp.ImageFilesystems[0].FsId.Mountpoint != dir {
			t.Errorf("ImageFsInfo = %v %v", resp, err)
		}
	})
}

package stats

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"

	"keel.dev/keel/pkg/kubelet/cri"
	"keel.dev/keel/pkg/kubelet/cri/fake"
)

// clock is a settable time source shared by the fake runtime and the provider.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) step(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// writeProc writes a minimal procfs with busy CPU ticks.
func writeProc(t *testing.T, dir string, busyTicks int) {
	t.Helper()
	files := map[string]string{
		"stat": "cpu  " + itoa(busyTicks) + " 0 0 5000 10 0 0 0 0 0\ncpu0 1 0 0 1 0 0 0 0 0 0\nbtime 1700000000\n",
		"meminfo": "MemTotal:        1000000 kB\nMemFree:          400000 kB\nMemAvailable:     700000 kB\n" +
			"Inactive(file):   100000 kB\nAnonPages:        250000 kB\n",
		"vmstat":             "pgfault 42\npgmajfault 3\n",
		"loadavg":            "0.00 0.01 0.05 1/321 999\n",
		"sys/kernel/pid_max": "4194304\n",
	}
	for name, data := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

type env struct {
	clk      *clock
	srv      *fake.Server
	rt       *cri.Client
	proc     string
	root     string
	logs     string
	provider *Provider
}

func newEnv(t *testing.T) *env {
	t.Helper()
	e := &env{clk: &clock{t: time.Unix(1800000000, 0)}}
	dir := t.TempDir()
	e.proc, e.root, e.logs = filepath.Join(dir, "proc"), filepath.Join(dir, "root"), filepath.Join(dir, "logs")
	writeProc(t, e.proc, 1000)
	e.srv = fake.New(e.clk.now)
	if err := e.srv.Start(dir); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.srv.Stop)
	rt, err := cri.Dial(context.Background(), e.srv.Endpoint)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rt.Close() })
	e.rt = rt
	e.provider = New(Config{Runtime: rt, NodeName: "n1", RootDir: e.root, PodLogsDir: e.logs, ProcRoot: e.proc, Now: e.clk.now})
	return e
}

// runPod starts a sandbox with one running container per name.
func (e *env) runPod(t *testing.T, ns, name, uid string, containers ...string) {
	t.Helper()
	ctx := context.Background()
	sb, err := e.rt.RunPodSandbox(ctx, &runtimeapi.RunPodSandboxRequest{Config: &runtimeapi.PodSandboxConfig{
		Metadata: &runtimeapi.PodSandboxMetadata{Name: name, Namespace: ns, Uid: uid},
		Labels:   map[string]string{cri.LabelPodUID: uid}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range containers {
		cc, err := e.rt.CreateContainer(ctx, &runtimeapi.CreateContainerRequest{PodSandboxId: sb.PodSandboxId, Config: &runtimeapi.ContainerConfig{
			Metadata: &runtimeapi.ContainerMetadata{Name: c}, Image: &runtimeapi.ImageSpec{Image: "img"},
			Labels: map[string]string{cri.LabelPodUID: uid, cri.LabelContainerName: c}}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.rt.StartContainer(ctx, &runtimeapi.StartContainerRequest{ContainerId: cc.ContainerId}); err != nil {
			t.Fatal(err)
		}
	}
}

func TestSummaryComputesRatesFromCachedSamples(t *testing.T) {
	e := newEnv(t)
	e.srv.SetUsage(func(c *fake.Container, _ *fake.Sandbox) fake.Usage {
		if c.Name() == "burner" {
			return fake.Usage{NanoCores: 750_000_000, WorkingSetBytes: 64 << 20}
		}
		return fake.Usage{NanoCores: 10_000_000, WorkingSetBytes: 16 << 20}
	})
	e.runPod(t, "default", "web", "uid-web", "burner", "sidecar")
	logDir := filepath.Join(e.logs, "default_web_uid-web", "burner")
	if err := os.MkdirAll(logDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(logDir, "0.log"), make([]byte, 8192), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()

	first, err := e.provider.Summary(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(first.Pods) != 1 || first.Pods[0].Containers[0].CPU.UsageNanoCores != nil {
		t.Fatalf("first summary should have one pod and no rate yet: %+v", first.Pods)
	}
	e.clk.step(10 * time.Second)
	writeProc(t, e.proc, 1500) // 500 ticks = 5 s of CPU in 10 s: half a core

	s, err := e.provider.Summary(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("node figures come from procfs", func(t *testing.T) {
		n := s.Node
		if n.NodeName != "n1" || n.StartTime.Unix() != 1700000000 {
			t.Errorf("node = %q start %v", n.NodeName, n.StartTime)
		}
		if n.CPU == nil || n.CPU.UsageNanoCores == nil || *n.CPU.UsageNanoCores != 500_000_000 {
			t.Errorf("node cpu = %+v, want 500m", n.CPU)
		}
		if *n.CPU.UsageCoreNanoSeconds != 15*uint64(time.Second) {
			t.Errorf("node cpu total = %d", *n.CPU.UsageCoreNanoSeconds)
		}
		// usage = total - free = 600000 kB; working set = usage - inactive file = 500000 kB.
		if n.Memory == nil || *n.Memory.WorkingSetBytes != 500000*1024 || *n.Memory.AvailableBytes != 500000*1024 ||
			*n.Memory.UsageBytes != 600000*1024 || *n.Memory.RSSBytes != 250000*1024 || *n.Memory.MajorPageFaults != 3 {
			t.Errorf("node memory = %+v", n.Memory)
		}
		if n.Rlimit == nil || *n.Rlimit.MaxPID != 4194304 || *n.Rlimit.NumOfRunningProcesses != 321 {
			t.Errorf("rlimit = %+v", n.Rlimit)
		}
		if n.Fs == nil || n.Fs.CapacityBytes == nil || *n.Fs.CapacityBytes == 0 {
			t.Errorf("node fs = %+v", n.Fs)
		}
		if n.Runtime == nil || n.Runtime.ImageFs == nil || n.Runtime.ImageFs.CapacityBytes == nil {
			t.Errorf("imageFs = %+v", n.Runtime)
		}
	})
	p := s.Pods[0]
	t.Run("pod and container figures come from CRI stats", func(t *testing.T) {
		if p.PodRef != (PodReference{Name: "web", Namespace: "default", UID: "uid-web"}) {
			t.Errorf("podRef = %+v", p.PodRef)
		}
		if len(p.Containers) != 2 || p.Containers[0].Name != "burner" || p.Containers[1].Name != "sidecar" {
			t.Fatalf("containers = %+v", p.Containers)
		}
		b := p.Containers[0]
		if b.CPU.UsageNanoCores == nil || *b.CPU.UsageNanoCores != 750_000_000 {
			t.Errorf("burner cpu = %v, want 750m", b.CPU.UsageNanoCores)
		}
		if *b.Memory.WorkingSetBytes != 64<<20 {
			t.Errorf("burner working set = %d", *b.Memory.WorkingSetBytes)
		}
		if p.CPU == nil || p.CPU.UsageNanoCores == nil || *p.CPU.UsageNanoCores != 760_000_000 {
			t.Errorf("pod cpu = %+v, want 760m", p.CPU)
		}
		if p.Memory == nil || *p.Memory.WorkingSetBytes != 80<<20 {
			t.Errorf("pod memory = %+v", p.Memory)
		}
		if b.Logs == nil || *b.Logs.UsedBytes < 8192 {
			t.Errorf("burner logs = %+v", b.Logs)
		}
		if b.Rootfs == nil || *b.Rootfs.UsedBytes == 0 {
			t.Errorf("burner rootfs = %+v", b.Rootfs)
		}
		if p.EphemeralStorage == nil || *p.EphemeralStorage.UsedBytes < 8192+*b.Rootfs.UsedBytes {
			t.Errorf("ephemeral storage = %+v", p.EphemeralStorage)
		}
	})
	t.Run("the JSON uses the stats/v1alpha1 field names", func(t *testing.T) {
		data, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{`"nodeName":"n1"`, `"usageNanoCores":`, `"workingSetBytes":`, `"podRef":{"name":"web","namespace":"default","uid":"uid-web"}`,
			`"ephemeral-storage":`, `"imageFs":`, `"rlimit":{`, `"maxpid":4194304`, `"curproc":321`, `"rootfs":`, `"logs":`} {
			if !strings.Contains(string(data), want) {
				t.Errorf("summary JSON lacks %s", want)
			}
		}
	})
	t.Run("only_cpu_and_memory leaves out filesystems", func(t *testing.T) {
		e.clk.step(time.Second)
		s, err := e.provider.Summary(ctx, true)
		if err != nil {
			t.Fatal(err)
		}
		if s.Node.Fs != nil || s.Node.Runtime != nil || s.Pods[0].EphemeralStorage != nil || s.Pods[0].Containers[0].Logs != nil {
			t.Errorf("summary has filesystem figures: %+v", s)
		}
		if s.Pods[0].CPU == nil || s.Pods[0].Memory == nil {
			t.Errorf("summary lacks cpu or memory: %+v", s.Pods[0])
		}
	})
}

func TestSummaryWithoutSandboxStatsSumsContainers(t *testing.T) {
	e := newEnv(t)
	e.srv.SetFailure("ListPodSandboxStats", statusUnimplemented())
	e.runPod(t, "ns", "p", "u1", "a", "b")
	ctx := context.Background()
	if _, err := e.provider.Summary(ctx, true); err != nil {
		t.Fatal(err)
	}
	e.clk.step(20 * time.Second)
	s, err := e.provider.Summary(ctx, true)
	if err != nil {
		t.Fatal(err)
	}
	p := s.Pods[0]
	if p.CPU == nil || p.CPU.UsageNanoCores == nil || *p.CPU.UsageNanoCores != 2*fake.DefaultUsage.NanoCores {
		t.Errorf("pod cpu = %+v, want the sum of two default containers", p.CPU)
	}
	if p.Memory == nil || *p.Memory.WorkingSetBytes != 2*fake.DefaultUsage.WorkingSetBytes {
		t.Errorf("pod memory = %+v", p.Memory)
	}
	if !e.provider.noSandboxStats.Load() {
		t.Errorf("Unimplemented ListPodSandboxStats was not remembered")
	}
}

func TestRunSamplesForTheFirstRequest(t *testing.T) {
	e := newEnv(t)
	e.runPod(t, "ns", "p", "u1", "a")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	e.provider.cfg.Interval = time.Hour
	go func() { defer close(done); e.provider.Run(ctx) }()
	// Run takes its first sample right away.
	for {
		e.provider.mu.Lock()
		n := len(e.provider.samples)
		e.provider.mu.Unlock()
		if n > 0 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	<-done
	e.clk.step(5 * time.Second)
	s, err := e.provider.Summary(context.Background(), true)
	if err != nil {
		t.Fatal(err)
	}
	if c := s.Pods[0].Containers[0].CPU; c == nil || c.UsageNanoCores == nil || *c.UsageNanoCores != fake.DefaultUsage.NanoCores {
		t.Errorf("first request's container cpu = %+v, want the default rate", c)
	}
}

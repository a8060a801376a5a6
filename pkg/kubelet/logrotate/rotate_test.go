package logrotate

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"

	"keel.dev/keel/pkg/kubelet/cri"
	"keel.dev/keel/pkg/kubelet/cri/fake"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// setup runs one container whose log is <dir>/logs/app/0.log.
func setup(t *testing.T) (*fake.Server, *cri.Client, string, string) {
	t.Helper()
	dir := t.TempDir()
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
	ctx := context.Background()
	logDir := filepath.Join(dir, "logs")
	if err := os.MkdirAll(filepath.Join(logDir, "app"), 0o755); err != nil {
		t.Fatal(err)
	}
	sb, _ := c.RunPodSandbox(ctx, &runtimeapi.RunPodSandboxRequest{Config: &runtimeapi.PodSandboxConfig{
		Metadata: &runtimeapi.PodSandboxMetadata{Name: "p", Uid: "u"}, LogDirectory: logDir}})
	cc, _ := c.CreateContainer(ctx, &runtimeapi.CreateContainerRequest{PodSandboxId: sb.PodSandboxId, Config: &runtimeapi.ContainerConfig{
		Metadata: &runtimeapi.ContainerMetadata{Name: "app"}, Image: &runtimeapi.ImageSpec{Image: "img"}, LogPath: "app/0.log"}})
	if _, err := c.StartContainer(ctx, &runtimeapi.StartContainerRequest{ContainerId: cc.ContainerId}); err != nil {
		t.Fatal(err)
	}
	return s, c, filepath.Join(logDir, "app", "0.log"), cc.ContainerId
}

func files(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	sort.Strings(out)
	return out
}

func TestRotation(t *testing.T) {
	s, c, logPath, _ := setup(t)
	clk := &clock{t: time.Date(2026, 11, 27, 5, 0, 0, 0, time.Local)}
	r, err := New(Config{Runtime: c, MaxSize: 1024, MaxFiles: 3, Now: clk.now})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	write := func(tag string, n int) {
		t.Helper()
		line := "2026-11-27T05:00:00.000000000Z stdout F " + tag + "\n"
		f, err := os.OpenFile(logPath, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if _, err := f.WriteString(strings.Repeat(line, n)); err != nil {
			t.Fatal(err)
		}
	}
	dir := filepath.Dir(logPath)

	t.Run("a log under the limit stays", func(t *testing.T) {
		write("small", 2)
		if err := r.RotateAll(ctx); err != nil {
			t.Fatal(err)
		}
		if got := files(t, dir); len(got) != 1 || got[0] != "0.log" {
			t.Errorf("files = %v", got)
		}
	})
	t.Run("a log over the limit is renamed and reopened", func(t *testing.T) {
		write("first", 40)
		if err := r.RotateAll(ctx); err != nil {
			t.Fatal(err)
		}
		got := files(t, dir)
		want := []string{"0.log", "0.log.20261127-050000"}
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("files = %v, want %v", got, want)
		}
		if fi, err := os.Stat(logPath); err != nil || fi.Size() != 0 {
			t.Errorf("the runtime did not reopen an empty live log: %v %v", fi, err)
		}
		calls := strings.Join(s.Calls(), ",")
		if !strings.Contains(calls, "ReopenContainerLog app") {
			t.Errorf("calls = %s", calls)
		}
	})
	t.Run("older rotated logs are compressed and the oldest deleted", func(t *testing.T) {
		for _, tag := range []string{"second", "third", "fourth"} {
			clk.add(time.Minute)
			write(tag, 40)
			if err := r.RotateAll(ctx); err != nil {
				t.Fatal(err)
			}
		}
		got := files(t, dir)
		want := []string{"0.log", "0.log.20261127-050200.gz", "0.log.20261127-050300"}
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Fatalf("files = %v, want %v", got, want)
		}
		f, err := os.Open(filepath.Join(dir, want[1]))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		zr, err := gzip.NewReader(f)
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(zr)
		if err != nil || !bytes.Contains(data, []byte(" third\n")) || bytes.Contains(data, []byte("fourth")) {
			t.Errorf("compressed log holds %q (%v)", data, err)
		}
	})
	t.Run("a failed reopen puts the log back", func(t *testing.T) {
		clk.add(time.Minute)
		write("fifth", 40)
		s.FailNext("ReopenContainerLog", errors.New("boom"))
		if err := r.RotateAll(ctx); err == nil {
			t.Error("no error")
		}
		fi, err := os.Stat(logPath)
		if err != nil || fi.Size() < 1024 {
			t.Errorf("live log after failed rotation: %v %v", fi, err)
		}
		// room was made for the rotation before it failed.
		got := files(t, dir)
		want := []string{"0.log", "0.log.20261127-050300"}
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("files = %v, want %v", got, want)
		}
	})
	t.Run("two rotations in one second get distinct names", func(t *testing.T) {
		if err := r.RotateAll(ctx); err != nil {
			t.Fatal(err)
		}
		write("sixth", 40)
		if err := r.RotateAll(ctx); err != nil {
			t.Fatal(err)
		}
		got := files(t, dir)
		want := []string{"0.log", "0.log.20261127-050400-1", "0.log.20261127-050400.gz"} // the newest stays uncompressed
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("files = %v, want %v", got, want)
		}
	})
}

func TestNewRejectsBadLimits(t *testing.T) {
	cases := []struct {
		name string
		cfg  Config
	}{
		{"one file cannot rotate", Config{MaxFiles: 1}},
		{"a negative size", Config{MaxSize: -1}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if _, err := New(c.cfg); err == nil {
				t.Error("no error")
			}
		})
	}
	r, err := New(Config{})
	if err != nil || r.cfg.MaxSize != 10<<20 || r.cfg.MaxFiles != 5 {
		t.Errorf("defaults = %+v %v", r, err)
	}
}

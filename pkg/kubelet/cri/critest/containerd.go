// Package critest finds or starts a real containerd for root-only e2e
// tests and imports the local keel images into it.
package critest

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"

	"keel.dev/keel/pkg/kubelet/cri"
)

// Images the e2e tests use (built by `make images`).
const (
	PauseImage   = "keel.local/pause:3"
	BusyboxImage = "keel.local/busybox:1.35"
	systemSocket = "/run/containerd/containerd.sock"
)

// Containerd connects to a containerd usable for e2e tests, or skips t
// with the reason: it needs root, containerd and runc, and the image
// tarballs. The system socket is used when its CRI config fits (sandbox
// image keel.local/pause:3 and restrict_oom_score_adj) unless
// KEEL_CRITEST_PRIVATE=1; otherwise a private containerd runs as a child
// process with its own root, state and socket.
func Containerd(t *testing.T) *cri.Client {
	t.Helper()
	return connect(t, os.Getenv("KEEL_CRITEST_PRIVATE") != "1")
}

// PrivateContainerd is Containerd that always starts its own containerd,
// for tests whose pods must not share a runtime that local clusters start,
// stop and clean up meanwhile.
func PrivateContainerd(t *testing.T) *cri.Client {
	t.Helper()
	return connect(t, false)
}

func connect(t *testing.T, allowSystem bool) *cri.Client {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("e2e against containerd needs root")
	}
	for _, bin := range []string{"containerd", "runc", "ctr"} {
		if _, err := exec.LookPath(bin); err != nil {
			t.Skipf("e2e needs %s on PATH: %v", bin, err)
		}
	}
	imagesDir := findImages()
	if imagesDir == "" {
		t.Skip("image tarballs _output/images/{pause,busybox}.tar missing: run `make images`")
	}
	ctx := context.Background()
	if _, err := os.Stat(systemSocket); err == nil && allowSystem {
		c, err := cri.Dial(ctx, systemSocket)
		if err == nil {
			if reason := unsuitable(ctx, c); reason == "" {
				importImages(t, systemSocket, imagesDir)
				t.Cleanup(func() { c.Close() })
				t.Logf("using the system containerd at %s", systemSocket)
				return c
			} else {
				t.Logf("system containerd not usable (%s); starting a private one", reason)
			}
			c.Close()
		}
	}
	sock := startPrivate(t)
	importImages(t, sock, imagesDir)
	c, err := cri.Dial(ctx, sock)
	if err != nil {
		t.Fatalf("dial private containerd: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// unsuitable explains why a running containerd's CRI config does not fit.
func unsuitable(ctx context.Context, c *cri.Client) string {
	st, err := c.Status(ctx, &runtimeapi.StatusRequest{Verbose: true})
	if err != nil {
		return err.Error()
	}
	var cfg struct {
		SandboxImage        string `json:"sandboxImage"`
		RestrictOOMScoreAdj bool   `json:"restrictOOMScoreAdj"`
	}
	if err := json.Unmarshal([]byte(st.Info["config"]), &cfg); err != nil {
		return "no CRI config in status: " + err.Error()
	}
	if cfg.SandboxImage != PauseImage {
		return fmt.Sprintf("sandbox_image is %q, not %q", cfg.SandboxImage, PauseImage)
	}
	if !cfg.RestrictOOMScoreAdj {
		return "restrict_oom_score_adj is false"
	}
	return ""
}

func findImages() string {
	dir, _ := os.Getwd()
	for i := 0; i < 8; i++ {
		p := filepath.Join(dir, "_output", "images")
		if _, err := os.Stat(filepath.Join(p, "busybox.tar")); err == nil {
			if _, err := os.Stat(filepath.Join(p, "pause.tar")); err == nil {
				return p
			}
		}
		dir = filepath.Dir(dir)
	}
	return ""
}

func importImages(t *testing.T, sock, dir string) {
	t.Helper()
	for _, f := range []string{"pause.tar", "busybox.tar"} {
		out, err := exec.Command("ctr", "--address", sock, "-n", "k8s.io", "images", "import", filepath.Join(dir, f)).CombinedOutput()
		if err != nil {
			t.Fatalf("import %s: %v: %s", f, err, out)
		}
	}
}

func startPrivate(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "keel-ctrd")
	if err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(dir, "containerd.sock")
	cfg := fmt.Sprintf(`version = 2
root = %q
state = %q
[grpc]
  address = %q
[ttrpc]
  address = %q
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = %q
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = %q
`, filepath.Join(dir, "root"), filepath.Join(dir, "state"), sock, sock+".ttrpc", PauseImage, filepath.Join(dir, "net.d"))
	if err := os.WriteFile(filepath.Join(dir, "config.toml"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	logf, err := os.Create(filepath.Join(dir, "containerd.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("containerd", "--config", filepath.Join(dir, "config.toml"))
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatalf("start containerd: %v", err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
		logf.Close()
		if !t.Failed() {
			os.RemoveAll(dir)
		} else {
			t.Logf("containerd files kept in %s", dir)
		}
	})
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if _, err := os.Stat(sock); err == nil {
			return sock
		}
		time.Sleep(100 * time.Millisecond)
	}
	data, _ := os.ReadFile(filepath.Join(dir, "containerd.log"))
	t.Fatalf("containerd did not create %s: %s", sock, lastLines(string(data), 20))
	return ""
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

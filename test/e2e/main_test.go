package e2e

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// controllerManagerFlags shorten the cluster's timings so that a node's
// failure shows within seconds (the kubelet renews its Lease every 10 s, so
// the grace period keeps a wide margin above that on a loaded machine), and
// raise the client rate limit so that the namespace controller, which lists
// and deletes every resource type of a namespace, keeps up with the
// suite's many namespaces going away at once.
const controllerManagerFlags = "--node-monitor-grace-period=25s --node-monitor-period=2s --kube-api-qps=100 --kube-api-burst=200"

// clusterPorts are the ports local-up.sh's components listen on.
var clusterPorts = []int{6443, 10250, 10248, 10257, 10258, 10259, 10249, 10256}

// cluster is the running cluster the tests drive.
type cluster struct {
	root       string // repository root
	localDir   string // local-up.sh's LOCAL_DIR; "" for an external cluster without one
	kubeconfig string // admin kubeconfig
	home       string // HOME for kubectl and ctl: a fresh discovery cache
	ctl        string // our ctl binary
	node       string // the node's name
	nodeIP     string // the node's InternalIP

	stopOnce sync.Once
	stopFn   func() // stops a cluster the suite started; nil otherwise
}

// active is the cluster of this run, for the signal handler.
var (
	activeMu sync.Mutex
	active   *cluster
)

func TestMain(m *testing.M) {
	flag.Parse()
	// The tests mostly wait on the cluster, so run more of them at once
	// than the default of GOMAXPROCS, unless -parallel was given.
	parallelSet := false
	flag.Visit(func(f *flag.Flag) { parallelSet = parallelSet || f.Name == "test.parallel" })
	if !parallelSet {
		_ = flag.Set("test.parallel", "12")
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	go func() {
		s := <-sig
		fmt.Fprintf(os.Stderr, "e2e: %v: stopping the cluster\n", s)
		activeMu.Lock()
		c := active
		activeMu.Unlock()
		if c != nil {
			c.stop()
		}
		os.Exit(1)
	}()
	os.Exit(m.Run())
}

// stop stops the cluster the suite started, once.
func (c *cluster) stop() {
	c.stopOnce.Do(func() {
		if c.stopFn != nil {
			c.stopFn()
		}
	})
}

// repoRoot is the repository root, two levels above this package.
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(root, "go.mod")); err != nil || !bytes.HasPrefix(b, []byte("module keel.dev/keel\n")) {
		t.Fatalf("%s is not the Keel repository root (go.mod: %v)", root, err)
	}
	return root
}

// startCluster starts a cluster with hack/local-up.sh (or attaches to
// KEEL_E2E_KUBECONFIG's) and stops it when t ends, failed or not.
func startCluster(t *testing.T) *cluster {
	t.Helper()
	c := &cluster{root: repoRoot(t), home: t.TempDir()}
	if kc := os.Getenv("KEEL_E2E_KUBECONFIG"); kc != "" {
		c.kubeconfig = kc
		c.localDir = os.Getenv("KEEL_E2E_LOCAL_DIR")
		c.ctl = filepath.Join(t.TempDir(), "ctl")
		if out, err := c.command(10*time.Minute, "go", "build", "-o", c.ctl, "./cmd/ctl").CombinedOutput(); err != nil {
			t.Fatalf("go build ./cmd/ctl: %v\n%s", err, out)
		}
		c.findNode(t)
		return c
	}
	if os.Geteuid() != 0 {
		t.Skip("e2e: skipped: the suite must run as root (it starts containerd, runs pods and programs iptables); run it with sudo, or set KEEL_E2E_KUBECONFIG to an existing cluster")
	}
	for _, bin := range []string{"containerd", "runc"} {
		if _, err := exec.LookPath(bin); err != nil {
			if _, err := exec.LookPath("apt-get"); err != nil {
				t.Skipf("e2e: skipped: %s is not installed and there is no apt-get to install it", bin)
			}
		}
	}
	if _, err := exec.LookPath("kubectl"); err != nil {
		t.Fatalf("kubectl is not on PATH: the suite drives the cluster with the real kubectl")
	}
	for _, p := range clusterPorts {
		l, err := net.Listen("tcp", fmt.Sprintf(":%d", p))
		if err != nil {
			t.Fatalf("port %d is already in use, so a local cluster is probably running (make up, or another e2e run%s); stop it first", p, leftoverHint(c.root))
		}
		l.Close()
	}
	out := filepath.Join(c.root, "_output")
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	dir, err := os.MkdirTemp(out, "e2e-")
	if err != nil {
		t.Fatal(err)
	}
	c.localDir = dir
	c.kubeconfig = filepath.Join(dir, "kubeconfig")
	c.ctl = filepath.Join(c.root, "_output", "bin", "ctl")
	c.stopFn = func() {
		cmd := c.command(3*time.Minute, "hack/local-down.sh")
		b, err := cmd.CombinedOutput()
		if err != nil {
			fmt.Fprintf(os.Stderr, "e2e: hack/local-down.sh with LOCAL_DIR=%s: %v\n%s", dir, err, b)
		}
	}
	activeMu.Lock()
	active = c
	activeMu.Unlock()
	t.Cleanup(func() {
		c.stop()
		if t.Failed() {
			t.Logf("cluster logs kept in %s/logs", dir)
			return
		}
		// The kubelet's volume mounts are gone with the pods; what
		// cannot be removed stays for a later make clean.
		_ = os.RemoveAll(dir)
	})
	// Stop the cluster before go test's -timeout panics, which would
	// leave its processes running.
	if deadline, ok := t.Deadline(); ok && time.Until(deadline) > time.Minute {
		timer := time.AfterFunc(time.Until(deadline)-45*time.Second, func() {
			fmt.Fprintln(os.Stderr, "e2e: the test binary's -timeout is near: stopping the cluster")
			c.stop()
		})
		t.Cleanup(func() { timer.Stop() })
	}

	start := time.Now()
	cmd := c.command(8*time.Minute, "hack/local-up.sh")
	cmd.Env = append(cmd.Env, "DETACH=1", "CONTROLLER_MANAGER_FLAGS="+controllerManagerFlags)
	b, err := cmd.CombinedOutput()
	if err != nil {
		s := string(b)
		if strings.Contains(s, "apt-get install") && strings.Contains(s, "failed") {
			t.Skipf("e2e: skipped: containerd/runc cannot be installed: %s", lastLines(s, 3))
		}
		t.Fatalf("hack/local-up.sh (LOCAL_DIR=%s): %v\n%s", dir, err, lastLines(s, 30))
	}
	t.Logf("cluster up in %s (LOCAL_DIR=%s)", time.Since(start).Round(100*time.Millisecond), dir)
	c.findNode(t)
	return c
}

// command runs NAME ARGS in the repository root with the cluster's
// LOCAL_DIR and KUBECONFIG in its environment.
func (c *cluster) command(timeout time.Duration, name string, args ...string) *exec.Cmd {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	cmd := exec.CommandContext(ctx, name, args...)
	// Released when the process is waited for; the timer ends it otherwise.
	time.AfterFunc(timeout+time.Second, cancel)
	cmd.Dir = c.root
	cmd.Env = append(environ("LOCAL_DIR", "KUBECONFIG", "HOME", "DETACH"), "KUBECONFIG="+c.kubeconfig, "HOME="+c.home)
	if c.localDir != "" {
		cmd.Env = append(cmd.Env, "LOCAL_DIR="+c.localDir)
	}
	cmd.WaitDelay = 5 * time.Second
	return cmd
}

// environ is os.Environ without the named variables.
func environ(drop ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		keep := true
		for _, d := range drop {
			keep = keep && name != d
		}
		if keep {
			env = append(env, kv)
		}
	}
	return env
}

// findNode records the name and InternalIP of the cluster's one node.
func (c *cluster) findNode(t *testing.T) {
	t.Helper()
	out := c.kubectl(t, "get", "nodes", "-o", `jsonpath={.items[0].metadata.name} {.items[0].status.addresses[?(@.type=="InternalIP")].address}`)
	name, ip, _ := strings.Cut(strings.TrimSpace(out), " ")
	if name == "" || ip == "" {
		t.Fatalf("no node with an InternalIP: %q", out)
	}
	c.node, c.nodeIP = name, ip
}

// leftoverHint names the e2e data directories whose apiserver still runs.
func leftoverHint(root string) string {
	dirs, _ := filepath.Glob(filepath.Join(root, "_output", "e2e-*", "pids", "apiserver.pid"))
	var hints []string
	for _, f := range dirs {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		var pid int
		if _, err := fmt.Sscan(string(b), &pid); err == nil {
			if _, err := os.Stat(fmt.Sprintf("/proc/%d", pid)); err == nil {
				hints = append(hints, "LOCAL_DIR="+filepath.Dir(filepath.Dir(f))+" hack/local-down.sh")
			}
		}
	}
	if len(hints) == 0 {
		return ""
	}
	return "; left over from an earlier e2e run: " + strings.Join(hints, ", ")
}

// lastLines returns the last n lines of s.
func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

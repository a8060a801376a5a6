package compat

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"syscall"
	"testing"
	"time"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
)

// protobufContentType is the wire type client-go negotiates for protobuf.
const protobufContentType = "application/vnd.kubernetes.protobuf"

var (
	// suiteDir holds the built binary and every server's data; removed by TestMain.
	suiteDir string

	buildOnce sync.Once
	binPath   string
	buildErr  error

	sharedOnce   sync.Once
	sharedServer *apiServer
	sharedErr    error
)

// TestMain runs the package and then stops every server and removes the temp tree.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "keel-compat-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "temp dir:", err)
		os.Exit(1)
	}
	suiteDir = dir
	code := m.Run()
	if sharedServer != nil {
		if err := sharedServer.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "stopping shared apiserver:", err)
		}
	}
	os.RemoveAll(dir)
	os.Exit(code)
}

// apiserverBinary builds cmd/apiserver once per test binary and returns its path.
func apiserverBinary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		root, err := repoRoot()
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(suiteDir, "apiserver")
		cmd := exec.Command("go", "build", "-o", binPath, "keel.dev/keel/cmd/apiserver")
		cmd.Dir = root
		// The root module must not inherit this module's settings.
		cmd.Env = append(os.Environ(), "GOFLAGS=", "GOWORK=off")
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build keel.dev/keel/cmd/apiserver in %s: %w\n%s", root, err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// repoRoot finds /work/main-style checkout roots: test/compat/../.. from the
// working directory (go test runs in the package dir), else from this file.
func repoRoot() (string, error) {
	candidates := []string{filepath.Join("..", "..")}
	if _, file, _, ok := runtime.Caller(0); ok {
		candidates = append(candidates, filepath.Join(filepath.Dir(file), "..", ".."))
	}
	for _, c := range candidates {
		abs, err := filepath.Abs(c)
		if err != nil {
			continue
		}
		if _, err := os.Stat(filepath.Join(abs, "cmd", "apiserver")); err == nil {
			return abs, nil
		}
	}
	return "", fmt.Errorf("repository root with cmd/apiserver not found from %v", candidates)
}

// apiServer is one apiserver process on a loopback port; Stop and Start
// may be repeated and keep the port, data and certificates.
type apiServer struct {
	bin        string
	dir        string
	port       int
	Kubeconfig string

	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan error
	logf *os.File
}

// newAPIServer prepares (but does not start) a server whose state lives under a
// fresh directory inside the suite directory.
func newAPIServer(t testing.TB, name string) *apiServer {
	t.Helper()
	bin := apiserverBinary(t)
	dir, err := os.MkdirTemp(suiteDir, name+"-")
	if err != nil {
		t.Fatal(err)
	}
	port, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	return &apiServer{bin: bin, dir: dir, port: port, Kubeconfig: filepath.Join(dir, "kubeconfig")}
}

// sharedAPIServer returns the package's running server, starting it on first use.
func sharedAPIServer(t testing.TB) *apiServer {
	t.Helper()
	sharedOnce.Do(func() {
		s := newAPIServer(t, "shared")
		if err := s.Start(); err != nil {
			sharedErr = err
			return
		}
		sharedServer = s
	})
	if sharedErr != nil {
		t.Fatal(sharedErr)
	}
	return sharedServer
}

// freePort asks the kernel for an unused loopback TCP port.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("picking a port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// URL is the server's base address.
func (s *apiServer) URL() string { return fmt.Sprintf("https://127.0.0.1:%d", s.port) }

// LogPath is the file collecting the process's stdout and stderr.
func (s *apiServer) LogPath() string { return filepath.Join(s.dir, "apiserver.log") }

// Start launches the process and waits for /readyz.
func (s *apiServer) Start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd != nil {
		return errors.New("apiserver already running")
	}
	logf, err := os.OpenFile(s.LogPath(), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	cmd := exec.Command(s.bin,
		"--bind-address=127.0.0.1",
		fmt.Sprintf("--secure-port=%d", s.port),
		"--advertise-address=192.0.2.10",
		"--data-dir="+filepath.Join(s.dir, "etcd"),
		"--cert-dir="+filepath.Join(s.dir, "certs"),
		"--write-kubeconfig="+s.Kubeconfig,
		// No controller-manager creates default ServiceAccounts here.
		"--disable-admission-plugins=ServiceAccount",
	)
	cmd.Stdout = logf
	cmd.Stderr = logf
	cmd.SysProcAttr = childProcAttr()
	if err := cmd.Start(); err != nil {
		logf.Close()
		return fmt.Errorf("starting apiserver: %w", err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	s.cmd, s.done, s.logf = cmd, done, logf
	if err := s.waitReady(done, 60*time.Second); err != nil {
		s.stopLocked()
		log, _ := os.ReadFile(s.LogPath())
		return fmt.Errorf("%w\napiserver log:\n%s", err, tail(log, 4000))
	}
	return nil
}

// waitReady polls /readyz (public) until it answers 200 and the kubeconfig exists.
func (s *apiServer) waitReady(done <-chan error, timeout time.Duration) error {
	client := &http.Client{
		Timeout:   2 * time.Second,
		Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}},
	}
	defer client.CloseIdleConnections()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		select {
		case err := <-done:
			return fmt.Errorf("apiserver exited before ready: %v", err)
		default:
		}
		resp, err := client.Get(s.URL() + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				if _, err := os.Stat(s.Kubeconfig); err == nil {
					return nil
				}
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("apiserver on %s not ready after %s", s.URL(), timeout)
}

// Stop sends SIGTERM and waits for the process to exit (SIGKILL after 20 s).
func (s *apiServer) Stop() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stopLocked()
}

func (s *apiServer) stopLocked() error {
	if s.cmd == nil {
		return nil
	}
	defer func() { s.logf.Close(); s.cmd, s.done, s.logf = nil, nil, nil }()
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		return fmt.Errorf("SIGTERM: %w", err)
	}
	select {
	case err := <-s.done:
		var exit *exec.ExitError
		if err != nil && !errors.As(err, &exit) {
			return err
		}
		return nil
	case <-time.After(20 * time.Second):
		s.cmd.Process.Kill()
		<-s.done
		return errors.New("apiserver ignored SIGTERM for 20s; killed")
	}
}

// RESTConfig loads the admin kubeconfig; contentType "" keeps JSON.
func (s *apiServer) RESTConfig(t testing.TB, contentType string) *rest.Config {
	t.Helper()
	cfg, err := clientcmd.BuildConfigFromFlags("", s.Kubeconfig)
	if err != nil {
		t.Fatalf("loading %s: %v", s.Kubeconfig, err)
	}
	if contentType != "" {
		cfg.ContentType = contentType
		cfg.AcceptContentTypes = contentType + ",application/json"
	}
	cfg.QPS, cfg.Burst = 200, 400
	cfg.Timeout = 30 * time.Second
	return cfg
}

// Clientset builds a typed clientset for the content type.
func (s *apiServer) Clientset(t testing.TB, contentType string) kubernetes.Interface {
	t.Helper()
	cs, err := kubernetes.NewForConfig(s.RESTConfig(t, contentType))
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

// tail returns at most n trailing bytes of b.
func tail(b []byte, n int) string {
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return string(b)
}

// contentTypes are the wire formats every client test runs with.
var contentTypes = []struct{ name, value string }{
	{"json", ""},
	{"protobuf", protobufContentType},
}

// testContext bounds one test.
func testContext(t testing.TB, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

package server

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"

	corev1 "keel.dev/api/core/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/keel/internal/pki"
	"keel.dev/keel/pkg/kubelet/cri"
	crifake "keel.dev/keel/pkg/kubelet/cri/fake"
)

type pods []*corev1.Pod

func (p pods) ListPods() []*corev1.Pod { return p }
func (p pods) GetPod(ns, name string) (*corev1.Pod, bool) {
	for _, x := range p {
		if x.Namespace == ns && x.Name == name {
			return x, true
		}
	}
	return nil, false
}

func TestParseLogLine(t *testing.T) {
	cases := []struct {
		name, line     string
		stream, msg    string
		partial, valid bool
	}{
		{"a full stdout line is parsed", "2026-01-01T00:00:00.1Z stdout F hello world\n", "stdout", "hello world", false, true},
		{"a partial stderr line is parsed", "2026-01-01T00:00:00.1Z stderr P part", "stderr", "part", true, true},
		{"an empty message is allowed", "2026-01-01T00:00:00.1Z stdout F", "stdout", "", false, true},
		{"garbage is rejected", "nonsense", "", "", false, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			l, ok := ParseLogLine([]byte(c.line))
			if ok != c.valid || (ok && (l.Stream != c.stream || string(l.Message) != c.msg || l.Partial != c.partial)) {
				t.Errorf("got %+v ok=%v", l, ok)
			}
		})
	}
}

const logFile = "2026-01-01T00:00:01Z stdout F one\n2026-01-01T00:00:02Z stderr F two\n2026-01-01T00:00:03Z stdout P thr\n2026-01-01T00:00:03Z stdout F ee\n"

func TestCopyLogsTailAndTimestamps(t *testing.T) {
	cases := []struct {
		name string
		o    logOptions
		want string
	}{
		{"all lines are copied", logOptions{tail: -1}, "one\ntwo\nthree\n"},
		{"tail keeps the last lines", logOptions{tail: 2}, "three\n"},
		{"timestamps prefix each line", logOptions{tail: 1, timestamps: true}, "2026-01-01T00:00:03Z ee\n"},
		{"a stream filter keeps that stream", logOptions{tail: -1, stream: "stderr"}, "two\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var out bytes.Buffer
			if err := CopyLogs(context.Background(), &out, strings.NewReader(logFile), c.o, nil, func() {}); err != nil {
				t.Fatal(err)
			}
			if out.String() != c.want {
				t.Errorf("got %q, want %q", out.String(), c.want)
			}
		})
	}
}

type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) { s.mu.Lock(); defer s.mu.Unlock(); return s.b.Write(p) }
func (s *syncBuf) String() string              { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

func TestCopyLogsFollowsUntilTheContainerStops(t *testing.T) {
	path := filepath.Join(t.TempDir(), "0.log")
	if err := os.WriteFile(path, []byte("2026-01-01T00:00:01Z stdout F first\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var alive sync.Mutex
	running := true
	out := &syncBuf{}
	done := make(chan error)
	go func() {
		done <- CopyLogs(context.Background(), out, f, logOptions{tail: -1, follow: true},
			func() bool { alive.Lock(); defer alive.Unlock(); return running }, func() {})
	}()
	time.Sleep(300 * time.Millisecond)
	w, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = w.WriteString("2026-01-01T00:00:02Z stdout F second\n")
	w.Close()
	alive.Lock()
	running = false
	alive.Unlock()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("follow did not end after the container stopped")
	}
	if out.String() != "first\nsecond\n" {
		t.Errorf("got %q", out.String())
	}
}

// TestServerAuthenticatesAndServes runs the HTTPS server with a client CA
// over a fake runtime holding one container with a log file.
func TestServerAuthenticatesAndServes(t *testing.T) {
	dir := t.TempDir()
	rt := crifake.New(nil)
	if err := rt.Start(dir); err != nil {
		t.Fatal(err)
	}
	defer rt.Stop()
	svc, err := cri.Dial(context.Background(), rt.Endpoint)
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Close()
	ctx := context.Background()
	sb, _ := svc.RunPodSandbox(ctx, &runtimeapi.RunPodSandboxRequest{Config: &runtimeapi.PodSandboxConfig{
		Metadata: &runtimeapi.PodSandboxMetadata{Name: "web", Namespace: "default", Uid: "u1"}, Labels: map[string]string{cri.LabelPodUID: "u1"}}})
	logPath := filepath.Join(dir, "app.log")
	if err := os.WriteFile(logPath, []byte(logFile), 0o644); err != nil {
		t.Fatal(err)
	}
	c, _ := svc.CreateContainer(ctx, &runtimeapi.CreateContainerRequest{PodSandboxId: sb.PodSandboxId, Config: &runtimeapi.ContainerConfig{
		Metadata: &runtimeapi.ContainerMetadata{Name: "app"}, Image: &runtimeapi.ImageSpec{Image: "busybox"}, LogPath: logPath,
		Labels: map[string]string{cri.LabelPodUID: "u1", cri.LabelContainerName: "app"}}})
	_, _ = svc.StartContainer(ctx, &runtimeapi.StartContainerRequest{ContainerId: c.ContainerId})

	ca, err := pki.NewCA("test-ca")
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(ca.Cert)
	pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "web", UID: "u1"}}
	s := New(Config{Runtime: svc, Pods: pods{pod}, NodeName: "n1", ClientCAs: pool, Profiling: true})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() { _ = s.Serve(sctx, ln) }()
	base := "https://" + ln.Addr().String()

	clientCert, err := ca.Issue(pki.Request{CommonName: "apiserver", Client: true})
	if err != nil {
		t.Fatal(err)
	}
	keyPEM, _ := clientCert.KeyPEM()
	tc, err := tls.X509KeyPair(clientCert.CertPEM(), keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	authed := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true, Certificates: []tls.Certificate{tc}}}}
	anon := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
	get := func(c *http.Client, path string) (int, string) {
		t.Helper()
		resp, err := c.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	cases := []struct {
		name   string
		client *http.Client
		path   string
		code   int
		body   string
	}{
		{"a client without a certificate is refused", anon, "/healthz", 401, "Unauthorized"},
		{"healthz answers ok", authed, "/healthz", 200, "ok"},
		{"container logs are served from the CRI log", authed, "/containerLogs/default/web/app?tailLines=2", 200, "three\n"},
		{"an unknown container is not found", authed, "/containerLogs/default/web/nope", 404, ""},
		{"metrics count running containers", authed, "/metrics", 200, `kubelet_running_containers{container_state="running"} 1`},
		{"profiles are served to authenticated clients", authed, "/debug/pprof/", 200, "goroutine"},
		{"profiles are refused without a certificate", anon, "/debug/pprof/", 401, "Unauthorized"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, body := get(c.client, c.path)
			if code != c.code || !strings.Contains(body, c.body) {
				t.Errorf("got %d %q", code, body)
			}
		})
	}
	code, body := get(authed, "/pods")
	var list corev1.PodList
	if err := json.Unmarshal([]byte(body), &list); err != nil || code != 200 || len(list.Items) != 1 || list.Items[0].Name != "web" {
		t.Errorf("/pods = %d %s", code, body)
	}
}

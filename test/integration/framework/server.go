package framework

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"keel.dev/keel/internal/pki"
	"keel.dev/keel/pkg/apiserver/app"
	"keel.dev/keel/pkg/apiserver/server"
)

// TestServer is an apiserver running in the test process.
type TestServer struct {
	// URL is the base URL, https://127.0.0.1:<port>.
	URL string
	// CAPEM is the CA that signed the serving certificate and the admin
	// client certificate.
	CAPEM []byte
	// ClientCertPEM and ClientKeyPEM are the admin client certificate
	// (kubernetes-admin in system:masters).
	ClientCertPEM, ClientKeyPEM []byte
	// Kubeconfig is the path of an admin kubeconfig for the server.
	Kubeconfig string
	// Client talks to the server as the admin over HTTP/2.
	Client *http.Client
	// Config is what the server was started with; Running its handle.
	Config  *app.Config
	Running *app.Running
	// Dir is the test server's temporary directory.
	Dir string
}

// Option changes the Config of a test server before it starts.
type Option func(*app.Config)

var prefixes atomic.Int64

// StartTestServer starts an apiserver on 127.0.0.1 with a free port over
// the package's etcd (EtcdMain) under a fresh key prefix, waits until it
// is ready, and stops it when t ends.
func StartTestServer(t testing.TB, opts ...Option) *TestServer {
	t.Helper()
	if len(etcdEndpoints) == 0 {
		t.Fatal("no etcd: call framework.EtcdMain from TestMain")
	}
	dir := t.TempDir()
	logs := &syncBuffer{}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cfg := &app.Config{
		BindAddress:                 "127.0.0.1",
		AdvertiseAddress:            "127.0.0.1",
		Listener:                    ln,
		CertDir:                     filepath.Join(dir, "certs"),
		WriteKubeconfig:             filepath.Join(dir, "kubeconfig"),
		EtcdServers:                 etcdEndpoints,
		EtcdPrefix:                  fmt.Sprintf("/registry-%d-%d", time.Now().UnixNano(), prefixes.Add(1)),
		WatchCacheEvents:            10000,
		ServiceClusterIPRange:       "10.96.0.0/12",
		ServiceNodePortRange:        "30000-32767",
		MaxRequestsInflight:         400,
		MaxMutatingRequestsInflight: 200,
		MinRequestTimeout:           1800 * time.Second,
		MaxRequestBodyBytes:         3 << 20,
		ShutdownTimeout:             5 * time.Second,
		// Without a controller-manager no namespace has its default
		// ServiceAccount, so tests that want that admission step opt in
		// with EnableServiceAccountAdmission.
		DisableAdmissionPlugins: []string{"ServiceAccount"},
		Logger:                  slog.New(slog.NewTextHandler(logs, nil)),
	}
	for _, o := range opts {
		o(cfg)
	}
	ctx, cancel := context.WithCancel(context.Background())
	running, err := app.Start(ctx, cfg)
	if err != nil {
		cancel()
		t.Fatalf("start apiserver: %v", err)
	}
	t.Cleanup(func() {
		cancel()
		running.Close()
	})
	select {
	case <-running.Ready():
	case err := <-running.Err():
		t.Fatalf("apiserver failed: %v\n%s", err, logs.String())
	case <-time.After(60 * time.Second):
		t.Fatalf("apiserver not ready after 60s; its log:\n%s", logs.String())
	}
	ca := running.Certificates().CA
	admin, err := server.IssueAdminClientCert(ca)
	if err != nil {
		t.Fatal(err)
	}
	keyPEM, err := admin.KeyPEM()
	if err != nil {
		t.Fatal(err)
	}
	s := &TestServer{
		URL: running.URL(), CAPEM: ca.CertPEM(), ClientCertPEM: admin.CertPEM(), ClientKeyPEM: keyPEM,
		Kubeconfig: cfg.WriteKubeconfig, Config: cfg, Running: running, Dir: dir,
	}
	s.Client = s.NewClient(t, admin)
	return s
}

// NewClient returns an HTTP/2 client trusting the server's CA that
// authenticates with cert (nil: no client certificate).
func (s *TestServer) NewClient(t testing.TB, cert *pki.KeyPair) *http.Client {
	t.Helper()
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(s.CAPEM)
	tc := &tls.Config{RootCAs: roots}
	if cert != nil {
		keyPEM, err := cert.KeyPEM()
		if err != nil {
			t.Fatal(err)
		}
		c, err := tls.X509KeyPair(cert.CertPEM(), keyPEM)
		if err != nil {
			t.Fatal(err)
		}
		tc.Certificates = []tls.Certificate{c}
	}
	tr := &http.Transport{TLSClientConfig: tc, ForceAttemptHTTP2: true, MaxIdleConnsPerHost: 64}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr, Timeout: 60 * time.Second}
}

// Request is one HTTP request to the test server.
type Request struct {
	Method, Path string
	// Body is sent with ContentType (default application/json when Body
	// is set).
	Body        []byte
	ContentType string
	// Accept defaults to application/json.
	Accept string
}

// Response is the status, headers and body of an answer.
type Response struct {
	Code   int
	Header http.Header
	Body   []byte
}

// Do sends req as the admin and reads the whole answer; a transport
// error fails t.
func (s *TestServer) Do(t testing.TB, req Request) Response {
	t.Helper()
	resp, err := s.Send(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

// Send is Do returning transport errors, for use in goroutines.
func (s *TestServer) Send(req Request) (Response, error) {
	var body io.Reader
	if req.Body != nil {
		body = bytes.NewReader(req.Body)
	}
	r, err := http.NewRequest(req.Method, s.URL+req.Path, body)
	if err != nil {
		return Response{}, err
	}
	if req.Body != nil {
		ct := req.ContentType
		if ct == "" {
			ct = "application/json"
		}
		r.Header.Set("Content-Type", ct)
	}
	accept := req.Accept
	if accept == "" {
		accept = "application/json"
	}
	r.Header.Set("Accept", accept)
	resp, err := s.Client.Do(r)
	if err != nil {
		return Response{}, fmt.Errorf("%s %s: %w", req.Method, req.Path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return Response{}, fmt.Errorf("%s %s: read body: %w", req.Method, req.Path, err)
	}
	return Response{Code: resp.StatusCode, Header: resp.Header, Body: b}, nil
}

// Port is the port the server listens on.
func (s *TestServer) Port() int {
	return s.Running.Addr().(*net.TCPAddr).Port
}

// Get is Do with GET and the default Accept.
func (s *TestServer) Get(t testing.TB, path string) Response {
	t.Helper()
	return s.Do(t, Request{Method: http.MethodGet, Path: path})
}

// Expect fails t unless resp has the wanted code.
func Expect(t testing.TB, resp Response, code int, what string) {
	t.Helper()
	if resp.Code != code {
		t.Fatalf("%s: HTTP %d, want %d: %s", what, resp.Code, code, strings.TrimSpace(string(resp.Body)))
	}
}

// syncBuffer collects the server's log for failure messages.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.buf.Len() > 1<<20 { // keep the start, where failures show
		return len(p), nil
	}
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// EnableServiceAccountAdmission turns the ServiceAccount admission plugin
// (off by default in test servers) back on.
func EnableServiceAccountAdmission(c *app.Config) {
	c.DisableAdmissionPlugins = slices.DeleteFunc(c.DisableAdmissionPlugins, func(n string) bool { return n == "ServiceAccount" })
	c.EnableAdmissionPlugins = append(c.EnableAdmissionPlugins, "ServiceAccount")
}

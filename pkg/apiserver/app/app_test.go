package app

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestHelpListsEveryFlag(t *testing.T) {
	cmd := NewCommand()
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetArgs([]string{"--help"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	for _, flag := range []string{
		"--secure-port", "--bind-address", "--advertise-address", "--cert-dir", "--tls-cert-file", "--tls-private-key-file",
		"--client-ca-file", "--token-auth-file", "--anonymous-auth", "--write-kubeconfig",
		"--etcd-servers", "--etcd-prefix", "--etcd-cafile", "--etcd-certfile", "--etcd-keyfile", "--data-dir",
		"--etcd-compaction-interval", "--watch-cache-events", "--runtime-config", "--service-cluster-ip-range",
		"--service-node-port-range", "--max-requests-inflight", "--max-mutating-requests-inflight",
		"--min-request-timeout", "--max-request-body-bytes",
		"--service-account-signing-key-file", "--service-account-key-file", "--service-account-issuer",
		"--service-account-jwks-uri", "--api-audiences", "--service-account-max-token-expiration",
	} {
		if !strings.Contains(out.String(), flag) {
			t.Errorf("--help lacks %s", flag)
		}
	}
}

func TestCommandRejectsInvalidOptions(t *testing.T) {
	cmd := NewCommand()
	cmd.SetOut(io.Discard)
	cmd.SetArgs([]string{"--secure-port=0", "--data-dir=" + t.TempDir()})
	err := cmd.Execute()
	if err == nil || !strings.Contains(err.Error(), "--secure-port") {
		t.Fatalf("err = %v", err)
	}
}

// testConfig is an embedded-etcd server in dir on a free loopback port.
func testConfig(t *testing.T, dir string, out io.Writer) *Config {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return &Config{
		BindAddress: "127.0.0.1", AdvertiseAddress: "127.0.0.1", Listener: ln,
		CertDir: filepath.Join(dir, "certs"), DataDir: filepath.Join(dir, "etcd"), EtcdUnsafeNoFsync: true,
		WriteKubeconfig: filepath.Join(dir, "kubeconfig"), Out: out,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
}

func get(t *testing.T, r *Running, path string) int {
	t.Helper()
	roots := x509.NewCertPool()
	roots.AddCert(r.Certificates().CA.Cert)
	c := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}}, Timeout: 10 * time.Second}
	resp, err := c.Get(r.URL() + path)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestStartServesAndRestartsOnTheSameData(t *testing.T) {
	dir := t.TempDir()
	for round := 1; round <= 2; round++ {
		var out bytes.Buffer
		r, err := Start(context.Background(), testConfig(t, dir, &out))
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		select {
		case <-r.Ready():
		case <-time.After(60 * time.Second):
			t.Fatal("not ready")
		}
		want := "apiserver listening on https://" + r.Addr().String() + " (etcd: embedded in " + filepath.Join(dir, "etcd") + ")\n"
		if out.String() != want {
			t.Errorf("start line %q, want %q", out.String(), want)
		}
		if code := get(t, r, "/readyz"); code != http.StatusOK {
			t.Errorf("round %d: /readyz %d", round, code)
		}
		if _, err := os.Stat(filepath.Join(dir, "kubeconfig")); err != nil {
			t.Errorf("no kubeconfig: %v", err)
		}
		r.Close()
		r.Close() // idempotent
		if _, err := net.Dial("tcp", r.Addr().String()); err == nil {
			t.Errorf("round %d: still listening after Close", round)
		}
	}
}

func TestCancellingTheContextStopsTheServer(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	r, err := Start(ctx, testConfig(t, t.TempDir(), nil))
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	select {
	case <-r.Done():
	case <-time.After(30 * time.Second):
		t.Fatal("server still running 30s after its context ended")
	}
}

func TestRunReturnsWhenTheContextEnds(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- Run(ctx, testConfig(t, t.TempDir(), nil)) }()
	time.Sleep(500 * time.Millisecond)
	cancel()
	select {
	case err := <-errc:
		if err != nil {
			t.Fatalf("Run = %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Run did not return")
	}
}

func TestStartFailsCleanlyOnABadRuntimeConfig(t *testing.T) {
	cfg := testConfig(t, t.TempDir(), nil)
	cfg.RuntimeConfig = map[string]string{"nosuch.example/v9": "true"}
	if _, err := Start(context.Background(), cfg); err == nil || !strings.Contains(err.Error(), "--runtime-config") {
		t.Fatalf("err = %v", err)
	}
	// The listener was released.
	if _, err := net.Dial("tcp", cfg.Listener.Addr().String()); err == nil {
		t.Error("listener still open after a failed Start")
	}
}

package main

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"keel.dev/keel/internal/pki"
	"keel.dev/keel/pkg/apiserver/server"
)

// apiserver is the apiserver process under load.
type apiserver struct {
	cmd     *exec.Cmd
	url     string
	certDir string
	logPath string
	exited  chan struct{}
}

// startServer runs binary with an embedded etcd in dir on a free loopback
// port and waits until /readyz answers 200.
func startServer(ctx context.Context, binary, dir string) (*apiserver, error) {
	if _, err := os.Stat(binary); err != nil {
		return nil, fmt.Errorf("apiserver binary: %w (run `make build` first)", err)
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	s := &apiserver{
		url:     "https://127.0.0.1:" + strconv.Itoa(port),
		certDir: filepath.Join(dir, "certs"),
		logPath: filepath.Join(dir, "apiserver.log"),
		exited:  make(chan struct{}),
	}
	logFile, err := os.Create(s.logPath)
	if err != nil {
		return nil, err
	}
	s.cmd = exec.Command(binary,
		"--bind-address=127.0.0.1", "--advertise-address=127.0.0.1", "--secure-port="+strconv.Itoa(port),
		"--data-dir="+filepath.Join(dir, "etcd"), "--cert-dir="+s.certDir,
		// The load is the only client: lift the in-flight caps so queueing
		// is measured, not 429s.
		"--max-requests-inflight=0", "--max-mutating-requests-inflight=0",
		// No controller-manager creates default ServiceAccounts.
		"--disable-admission-plugins=ServiceAccount",
	)
	s.cmd.Stdout, s.cmd.Stderr = logFile, logFile
	if err := s.cmd.Start(); err != nil {
		logFile.Close()
		return nil, fmt.Errorf("start %s: %w", binary, err)
	}
	go func() { _ = s.cmd.Wait(); logFile.Close(); close(s.exited) }()
	if err := s.waitReady(ctx); err != nil {
		s.stop()
		return nil, err
	}
	return s, nil
}

// waitReady polls /readyz (public) until it answers 200.
func (s *apiserver) waitReady(ctx context.Context) error {
	c := &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
	deadline := time.Now().Add(90 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-s.exited:
			return fmt.Errorf("apiserver exited while starting; see %s", s.logPath)
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
		resp, err := c.Get(s.url + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
	}
	return fmt.Errorf("apiserver not ready after 90s; see %s", s.logPath)
}

// stop sends SIGTERM and waits (SIGKILL after 20s).
func (s *apiserver) stop() {
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.exited:
	case <-time.After(20 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.exited
	}
}

// rss returns VmRSS and VmHWM of the process in bytes.
func (s *apiserver) rss() (rss, hwm int64, err error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 2 {
			continue
		}
		kb, _ := strconv.ParseInt(fields[1], 10, 64)
		switch fields[0] {
		case "VmRSS:":
			rss = kb << 10
		case "VmHWM:":
			hwm = kb << 10
		}
	}
	if rss == 0 {
		return 0, 0, errors.New("no VmRSS in /proc/PID/status")
	}
	return rss, hwm, sc.Err()
}

// httpClient returns an HTTP/2 client trusting the generated CA and
// authenticating with an admin certificate it signs.
func (s *apiserver) httpClient() (*http.Client, error) {
	ca, err := pki.Load(filepath.Join(s.certDir, server.CACertFile), filepath.Join(s.certDir, server.CAKeyFile))
	if err != nil {
		return nil, fmt.Errorf("load the generated CA: %w", err)
	}
	admin, err := server.IssueAdminClientCert(ca)
	if err != nil {
		return nil, err
	}
	keyPEM, err := admin.KeyPEM()
	if err != nil {
		return nil, err
	}
	cert, err := tls.X509KeyPair(admin.CertPEM(), keyPEM)
	if err != nil {
		return nil, err
	}
	roots := x509.NewCertPool()
	roots.AddCert(ca.Cert)
	tr := &http.Transport{
		TLSClientConfig:   &tls.Config{RootCAs: roots, Certificates: []tls.Certificate{cert}},
		ForceAttemptHTTP2: true, MaxIdleConnsPerHost: 100,
	}
	return &http.Client{Transport: tr, Timeout: 60 * time.Second}, nil
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

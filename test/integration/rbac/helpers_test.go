package rbac

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"keel.dev/keel/pkg/apiserver/app"
	"keel.dev/keel/test/integration/framework"
)

// Tokens of the users the tests act as (the server's --token-auth-file).
const (
	bobToken  = "bob-token"
	nodeToken = "node-token"
	// strayToken is a member of system:nodes whose name is not a node's.
	strayToken = "stray-token"
)

// startRBAC starts a server with --authorization-mode=Node,RBAC and the
// test users' tokens.
func startRBAC(t *testing.T) *framework.TestServer {
	t.Helper()
	tokens := filepath.Join(t.TempDir(), "tokens.csv")
	csv := bobToken + ",bob,1001\n" +
		nodeToken + ",system:node:n1,1002,\"system:nodes\"\n" +
		strayToken + ",kubelet,1003,\"system:nodes\"\n"
	if err := os.WriteFile(tokens, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	return framework.StartTestServer(t, func(c *app.Config) {
		c.AuthorizationModes = []string{"Node", "RBAC"}
		c.TokenAuthFile = tokens
	})
}

// user sends requests with a bearer token only (no client certificate).
type user struct {
	t     *testing.T
	s     *framework.TestServer
	token string
	c     *http.Client
}

func asUser(t *testing.T, s *framework.TestServer, token string) *user {
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(s.CAPEM)
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}}
	t.Cleanup(tr.CloseIdleConnections)
	return &user{t: t, s: s, token: token, c: &http.Client{Transport: tr, Timeout: 30 * time.Second}}
}

// do sends method path with body (JSON) and returns the status and the
// decoded answer.
func (u *user) do(method, path string, body any) (int, map[string]any) {
	u.t.Helper()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(framework.JSON(u.t, body))
	}
	req, err := http.NewRequest(method, u.s.URL+path, rd)
	if err != nil {
		u.t.Fatal(err)
	}
	if u.token != "" {
		req.Header.Set("Authorization", "Bearer "+u.token)
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := u.c.Do(req)
	if err != nil {
		u.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	if m == nil {
		m = map[string]any{"raw": string(b)}
	}
	return resp.StatusCode, m
}

// expectForbidden fails unless code/obj is a 403 Status with message.
func expectForbidden(t *testing.T, what string, code int, obj map[string]any, message string) {
	t.Helper()
	if code != http.StatusForbidden {
		t.Fatalf("%s: HTTP %d, want 403: %v", what, code, obj)
	}
	if framework.String(obj, "kind") != "Status" || framework.String(obj, "reason") != "Forbidden" {
		t.Errorf("%s: not a Forbidden Status: %v", what, obj)
	}
	if got := framework.String(obj, "message"); got != message {
		t.Errorf("%s: message\n got  %s\n want %s", what, got, message)
	}
}

// eventually retries check until it returns nil or 10s pass; a policy
// change reaches the authorizer through a watch.
func eventually(t *testing.T, what string, check func() error) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		err := check()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: %v", what, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// codeIs is a check for eventually: the request answers want.
func (u *user) codeIs(method, path string, want int) func() error {
	return func() error {
		if code, obj := u.do(method, path, nil); code != want {
			return fmt.Errorf("%s %s: HTTP %d, want %d: %v", method, path, code, want, obj)
		}
		return nil
	}
}

// bobKubeconfig writes a kubeconfig that authenticates as bob.
func bobKubeconfig(t *testing.T, s *framework.TestServer) string {
	t.Helper()
	dir := t.TempDir()
	ca := filepath.Join(dir, "ca.crt")
	if err := os.WriteFile(ca, s.CAPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: keel
  cluster:
    server: %s
    certificate-authority: %s
users:
- name: bob
  user:
    token: %s
contexts:
- name: bob
  context:
    cluster: keel
    user: bob
current-context: bob
`, s.URL, ca, bobToken)
	path := filepath.Join(dir, "kubeconfig")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// kubectl runs the real kubectl with kubeconfig and a fresh HOME; it
// returns stdout and the exit code (a failure to run fails t).
func kubectl(t *testing.T, kubeconfig string, args ...string) (string, int) {
	t.Helper()
	bin, err := exec.LookPath("kubectl")
	if err != nil {
		t.Fatalf("kubectl is not on PATH: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir(), "KUBECONFIG="+kubeconfig)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		return string(out), ee.ExitCode()
	case err != nil:
		t.Fatalf("kubectl %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return string(out), 0
}

// object builds a JSON object body.
func object(apiVersion, kind, name string, fields map[string]any) map[string]any {
	o := map[string]any{"apiVersion": apiVersion, "kind": kind, "metadata": map[string]any{"name": name}}
	for k, v := range fields {
		o[k] = v
	}
	return o
}

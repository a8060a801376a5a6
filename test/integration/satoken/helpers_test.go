package satoken

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"keel.dev/keel/test/integration/framework"
)

// asBearer sends a request with only a bearer token (no client
// certificate) and returns the status code and body.
func asBearer(t *testing.T, s *framework.TestServer, method, path, token string, body any) (int, []byte) {
	t.Helper()
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(s.CAPEM)
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}}
	defer tr.CloseIdleConnections()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(framework.JSON(t, body))
	}
	req, err := http.NewRequest(method, s.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := (&http.Client{Transport: tr, Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// createServiceAccount creates ns/name and returns its UID.
func createServiceAccount(t *testing.T, s *framework.TestServer, ns, name string) string {
	t.Helper()
	obj := s.Create(t, "/api/v1/namespaces/"+ns+"/serviceaccounts",
		map[string]any{"apiVersion": "v1", "kind": "ServiceAccount", "metadata": map[string]any{"name": name}})
	return framework.String(obj, "metadata.uid")
}

// requestToken POSTs a TokenRequest and returns the answer.
func requestToken(t *testing.T, s *framework.TestServer, ns, sa string, spec map[string]any) framework.Response {
	t.Helper()
	body := map[string]any{"apiVersion": "authentication.k8s.io/v1", "kind": "TokenRequest", "spec": spec}
	return s.Do(t, framework.Request{Method: http.MethodPost,
		Path: "/api/v1/namespaces/" + ns + "/serviceaccounts/" + sa + "/token", Body: framework.JSON(t, body)})
}

// token requests a token and returns it.
func token(t *testing.T, s *framework.TestServer, ns, sa string, spec map[string]any) string {
	t.Helper()
	resp := requestToken(t, s, ns, sa, spec)
	framework.Expect(t, resp, http.StatusCreated, "TokenRequest")
	tok := framework.String(resp.Object(t), "status.token")
	if tok == "" {
		t.Fatalf("TokenRequest answered no token: %s", resp.Body)
	}
	return tok
}

// whoami asks the server who token is (SelfSubjectReview).
func whoami(t *testing.T, s *framework.TestServer, token string) (int, map[string]any) {
	t.Helper()
	code, body := asBearer(t, s, http.MethodPost, "/apis/authentication.k8s.io/v1/selfsubjectreviews", token,
		map[string]any{"apiVersion": "authentication.k8s.io/v1", "kind": "SelfSubjectReview"})
	var m map[string]any
	_ = json.Unmarshal(body, &m)
	return code, m
}

// claims decodes the payload of a JWT without verifying it.
func claims(t *testing.T, token string) map[string]any {
	t.Helper()
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %q", token)
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// eventually polls cond (every 50 ms, up to 30 s) until it holds.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not after 30s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

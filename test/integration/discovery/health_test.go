package discovery

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"keel.dev/keel/internal/pki"
	"keel.dev/keel/pkg/apiserver/app"
	"keel.dev/keel/test/integration/framework"
)

func TestHealthEndpointsNameTheEtcdCheck(t *testing.T) {
	s := framework.StartTestServer(t)
	for _, path := range []string{"/readyz?verbose", "/livez?verbose", "/healthz?verbose"} {
		t.Run(path, func(t *testing.T) {
			resp := s.Get(t, path)
			framework.Expect(t, resp, http.StatusOK, path)
			if !strings.Contains(string(resp.Body), "[+]etcd ok") {
				t.Errorf("%s does not report the etcd check:\n%s", path, resp.Body)
			}
		})
	}
	resp := s.Get(t, "/readyz/etcd")
	framework.Expect(t, resp, http.StatusOK, "/readyz/etcd")
}

func TestHealthIsPublicButTheAPIIsNot(t *testing.T) {
	s := framework.StartTestServer(t)
	anon := s.NewClient(t, nil)
	cases := []struct {
		name string
		path string
		code int
	}{
		{"readiness needs no credentials", "/readyz", http.StatusOK},
		{"liveness needs no credentials", "/livez", http.StatusOK},
		{"the version needs credentials", "/version", http.StatusUnauthorized},
		{"a resource needs credentials", "/api/v1/namespaces", http.StatusUnauthorized},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp, err := anon.Get(s.URL + c.path)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != c.code {
				t.Fatalf("GET %s anonymously: %d, want %d", c.path, resp.StatusCode, c.code)
			}
		})
	}
}

func TestAnonymousAuthServesUnauthenticatedRequests(t *testing.T) {
	s := framework.StartTestServer(t, func(c *app.Config) { c.Anonymous = true })
	resp, err := s.NewClient(t, nil).Get(s.URL + "/version")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("anonymous /version: %d", resp.StatusCode)
	}
}

func TestTokenAuthFileAuthenticates(t *testing.T) {
	dir := t.TempDir()
	tokens := filepath.Join(dir, "tokens.csv")
	if err := os.WriteFile(tokens, []byte("s3cret,alice,1001,\"dev\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s := framework.StartTestServer(t, func(c *app.Config) { c.TokenAuthFile = tokens })
	anon := s.NewClient(t, nil)
	for _, c := range []struct {
		name, token string
		code        int
	}{
		{"a known token is accepted", "s3cret", http.StatusOK},
		{"an unknown token is refused", "nope", http.StatusUnauthorized},
	} {
		t.Run(c.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodGet, s.URL+"/version", nil)
			req.Header.Set("Authorization", "Bearer "+c.token)
			resp, err := anon.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != c.code {
				t.Fatalf("code %d, want %d", resp.StatusCode, c.code)
			}
		})
	}
}

func TestClientCertFromAnotherCAIsRefused(t *testing.T) {
	s := framework.StartTestServer(t)
	other, err := pki.NewCA("other")
	if err != nil {
		t.Fatal(err)
	}
	stranger, err := other.Issue(pki.Request{CommonName: "mallory", Client: true})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := s.NewClient(t, stranger).Get(s.URL + "/version")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("foreign client certificate: %d", resp.StatusCode)
	}
}

func TestVersionReportsKubernetes132(t *testing.T) {
	s := framework.StartTestServer(t)
	resp := s.Get(t, "/version")
	framework.Expect(t, resp, http.StatusOK, "/version")
	var v struct{ Major, Minor, GitVersion string }
	if err := json.Unmarshal(resp.Body, &v); err != nil {
		t.Fatal(err)
	}
	if v.Major != "1" || v.Minor != "32" || !strings.HasPrefix(v.GitVersion, "v1.32.") {
		t.Fatalf("version = %+v", v)
	}
}

func TestMetricsCountRequests(t *testing.T) {
	s := framework.StartTestServer(t)
	s.Get(t, "/version")
	resp := s.Get(t, "/metrics")
	framework.Expect(t, resp, http.StatusOK, "/metrics")
	if !strings.Contains(string(resp.Body), "apiserver_request_total") {
		t.Fatalf("no apiserver_request_total in /metrics")
	}
}

func TestAdminKubeconfigIsWritten(t *testing.T) {
	s := framework.StartTestServer(t)
	b, err := os.ReadFile(s.Kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"server: " + s.URL, "client-certificate-data:", "certificate-authority-data:"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("kubeconfig lacks %q:\n%s", want, b)
		}
	}
}

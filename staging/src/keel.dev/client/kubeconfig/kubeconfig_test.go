package kubeconfig

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"keel.dev/client/rest"
)

func write(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

const first = `apiVersion: v1
kind: Config
current-context: ""
clusters:
- name: shared
  cluster:
    server: https://first:6443
    certificate-authority: ca.crt
users:
- name: alice
  user:
    token: first-token
contexts:
- name: dev
  context: {cluster: shared, user: alice, namespace: team-a}
`

const second = `apiVersion: v1
kind: Config
current-context: dev
clusters:
- name: shared
  cluster:
    server: https://second:6443
- name: other
  cluster:
    server: https://other:6443
    insecure-skip-tls-verify: true
users:
- name: alice
  user:
    token: second-token
- name: bob
  user:
    client-certificate-data: Q0VSVA==
    client-key-data: S0VZ
contexts:
- name: dev
  context: {cluster: other, user: bob}
- name: ops
  context: {cluster: other, user: bob}
`

func TestKubeconfigListMergesFirstWins(t *testing.T) {
	dir := t.TempDir()
	a := write(t, dir, "a", first)
	b := write(t, dir, "b", second)
	rules := loadingRules(func(k string) string {
		if k == "KUBECONFIG" {
			return a + string(os.PathListSeparator) + filepath.Join(dir, "missing") + string(os.PathListSeparator) + b
		}
		return ""
	}, func() (string, error) { return "/nonexistent", nil })
	cfg, err := rules.Load()
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, got, want string
	}{
		{"the first non-empty current-context wins", cfg.CurrentContext, "dev"},
		{"the first file's cluster wins", mustCluster(t, cfg, "shared").Server, "https://first:6443"},
		{"clusters only in later files are kept", mustCluster(t, cfg, "other").Server, "https://other:6443"},
		{"relative paths resolve against their file", mustCluster(t, cfg, "shared").CertificateAuthority, filepath.Join(dir, "ca.crt")},
		{"the first file's context wins", cfg.Namespace(Overrides{}), "team-a"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.got != tc.want {
				t.Errorf("got %q, want %q", tc.got, tc.want)
			}
		})
	}
	rc, err := cfg.RESTConfig(Overrides{})
	if err != nil {
		t.Fatal(err)
	}
	if rc.Host != "https://first:6443" || rc.BearerToken != "first-token" {
		t.Errorf("rest config = %s %s", rc.Host, rc.BearerToken)
	}
}

func mustCluster(t *testing.T, c *Config, name string) *Cluster {
	t.Helper()
	cl, ok := c.Cluster(name)
	if !ok {
		t.Fatalf("cluster %q missing", name)
	}
	return cl
}

func TestEveryCredentialTypeReachesTheRESTConfig(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name string
		user AuthInfo
		cl   Cluster
		want rest.Config
	}{
		{"a bearer token", AuthInfo{Token: "t"}, Cluster{Server: "https://s"}, rest.Config{Host: "https://s", BearerToken: "t"}},
		{"a token file", AuthInfo{TokenFile: "/tok"}, Cluster{Server: "https://s"}, rest.Config{Host: "https://s", BearerTokenFile: "/tok"}},
		{"an inline token wins over a token file", AuthInfo{Token: "t", TokenFile: "/tok"}, Cluster{Server: "https://s"}, rest.Config{Host: "https://s", BearerToken: "t"}},
		{"client certificate data", AuthInfo{ClientCertificateData: []byte("C"), ClientKeyData: []byte("K")}, Cluster{Server: "https://s", CertificateAuthorityData: []byte("CA")},
			rest.Config{Host: "https://s", TLS: rest.TLSConfig{CertData: []byte("C"), KeyData: []byte("K"), CAData: []byte("CA")}}},
		{"client certificate files", AuthInfo{ClientCertificate: "/c", ClientKey: "/k"}, Cluster{Server: "https://s", CertificateAuthority: "/ca"},
			rest.Config{Host: "https://s", TLS: rest.TLSConfig{CertFile: "/c", KeyFile: "/k", CAFile: "/ca"}}},
		{"data wins over files", AuthInfo{ClientCertificate: "/c", ClientCertificateData: []byte("C"), ClientKey: "/k", ClientKeyData: []byte("K")}, Cluster{Server: "https://s", CertificateAuthority: "/ca", CertificateAuthorityData: []byte("CA")},
			rest.Config{Host: "https://s", TLS: rest.TLSConfig{CertData: []byte("C"), KeyData: []byte("K"), CAData: []byte("CA")}}},
		{"insecure skip verify and server name", AuthInfo{}, Cluster{Server: "https://s", InsecureSkipTLSVerify: true, TLSServerName: "api"},
			rest.Config{Host: "https://s", TLS: rest.TLSConfig{Insecure: true, ServerName: "api"}}},
		{"basic auth and impersonation", AuthInfo{Username: "u", Password: "p", Impersonate: "other"}, Cluster{Server: "https://s"},
			rest.Config{Host: "https://s", Username: "u", Password: "p", Impersonate: "other"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := NewSingle("x", "", nil, tc.user)
			c.SetCluster("x", tc.cl)
			path := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "-"))
			if err := WriteFile(path, c); err != nil {
				t.Fatal(err)
			}
			loaded, err := LoadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			got, err := loaded.RESTConfig(Overrides{})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(&tc.want, got); diff != "" {
				t.Errorf("rest config (-want +got):\n%s", diff)
			}
		})
	}
}

func TestOverridesAndMissingContexts(t *testing.T) {
	c, err := Load([]byte(second))
	if err != nil {
		t.Fatal(err)
	}
	rc, err := c.RESTConfig(Overrides{Context: "ops", Server: "https://override"})
	if err != nil || rc.Host != "https://override" {
		t.Fatalf("override = %v, %v", rc, err)
	}
	if _, err := c.RESTConfig(Overrides{Context: "nope"}); err == nil {
		t.Error("a missing context did not fail")
	}
	if _, err := (&Config{}).RESTConfig(Overrides{}); err != ErrEmptyConfig {
		t.Errorf("empty config err = %v", err)
	}
}

func TestInClusterConfigReadsTheServiceAccountMount(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "token", "sa-token\n")
	write(t, dir, "ca.crt", "CA")
	write(t, dir, "namespace", "kube-system")
	env := map[string]string{"KUBERNETES_SERVICE_HOST": "10.96.0.1", "KUBERNETES_SERVICE_PORT": "443"}
	cfg, err := inCluster(dir, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Host != "https://10.96.0.1:443" || cfg.BearerTokenFile != filepath.Join(dir, "token") || cfg.TLS.CAFile != filepath.Join(dir, "ca.crt") {
		t.Errorf("in-cluster config = %+v", cfg)
	}
	if ns := inClusterNamespace(dir); ns != "kube-system" {
		t.Errorf("namespace = %q", ns)
	}
	if _, err := inCluster(dir, func(string) string { return "" }); err != ErrNotInCluster {
		t.Errorf("outside a pod err = %v", err)
	}
}

func TestDefaultRulesFallBackToHome(t *testing.T) {
	r := loadingRules(func(string) string { return "" }, func() (string, error) { return "/home/u", nil })
	if len(r.Precedence) != 1 || r.Precedence[0] != "/home/u/.kube/config" {
		t.Errorf("precedence = %v", r.Precedence)
	}
}

package server

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"
	"keel.dev/keel/internal/pki"
	"keel.dev/keel/pkg/apiserver/authn"
	"keel.dev/keel/pkg/apiserver/discovery"
	"keel.dev/keel/pkg/apiserver/healthz"
	"keel.dev/keel/pkg/apiserver/request"
)

// testResources is the API of the test server: enough for kubectl
// api-resources to print pods, namespaces and deployments.
func testResources() []runtime.ResourceInfo {
	core := schema.GroupVersion{Version: "v1"}
	apps := schema.GroupVersion{Group: "apps", Version: "v1"}
	s := runtime.NewScheme()
	s.AddResources(
		runtime.ResourceInfo{
			GroupVersionResource: core.WithResource("pods"), Kind: "Pod", Singular: "pod",
			ShortNames: []string{"po"}, Categories: []string{"all"}, Namespaced: true,
			Subresources: []runtime.SubresourceInfo{
				{Name: "status", Verbs: []string{"get", "patch", "update"}},
				{Name: "log", Verbs: []string{"get"}},
				{Name: "eviction", Kind: schema.GroupVersionKind{Group: "policy", Version: "v1", Kind: "Eviction"}, Verbs: []string{"create"}},
			},
		},
		runtime.ResourceInfo{
			GroupVersionResource: core.WithResource("namespaces"), Kind: "Namespace", Singular: "namespace",
			ShortNames: []string{"ns"}, Verbs: []string{"create", "delete", "get", "list", "patch", "update", "watch"},
		},
		runtime.ResourceInfo{
			GroupVersionResource: apps.WithResource("deployments"), Kind: "Deployment", Singular: "deployment",
			ShortNames: []string{"deploy"}, Categories: []string{"all"}, Namespaced: true,
			Subresources: []runtime.SubresourceInfo{
				{Name: "scale", Kind: schema.GroupVersionKind{Group: "autoscaling", Version: "v1", Kind: "Scale"}, Verbs: []string{"get", "patch", "update"}},
			},
		},
		runtime.ResourceInfo{
			GroupVersionResource: schema.GroupVersionResource{Group: "batch", Version: "v1", Resource: "jobs"}, Kind: "Job", Singular: "job",
			Categories: []string{"all"}, Namespaced: true,
		},
	)
	return s.Resources()
}

// testServer is a running apiserver front end over a fake resource handler.
type testServer struct {
	url     string
	certs   *Certificates
	admin   *pki.KeyPair
	running *Running
	cancel  context.CancelFunc
	// release unblocks resource requests held by the fake handler.
	release chan struct{}
	etcdErr error
	mu      sync.Mutex
}

const testTokens = "user-token,alice,1001,\"dev\"\n"

// serverOptions vary the test server.
type serverOptions struct {
	runtimeConfig map[string]string
	maxInFlight   int
	profiling     bool
	// spec holds the OpenAPI documents; nil uses two tiny fake ones.
	spec fs.FS
}

func startTestServer(t *testing.T, opts serverOptions) *testServer {
	t.Helper()
	dir := t.TempDir()
	certs, err := EnsureCertificates(CertConfig{Dir: dir, AdvertiseAddress: "127.0.0.1"})
	if err != nil {
		t.Fatal(err)
	}
	admin, err := IssueAdminClientCert(certs.CA)
	if err != nil {
		t.Fatal(err)
	}
	tokenFile := filepath.Join(dir, "tokens.csv")
	if err := os.WriteFile(tokenFile, []byte(testTokens), 0o600); err != nil {
		t.Fatal(err)
	}
	clientCAs := x509.NewCertPool()
	clientCAs.AddCert(certs.CA.Cert)
	auth, err := authn.New(authn.Config{ClientCAs: clientCAs, TokenFile: tokenFile})
	if err != nil {
		t.Fatal(err)
	}
	res := testResources()
	var gvs []schema.GroupVersion
	for _, r := range res {
		gvs = append(gvs, r.GroupVersion())
	}
	enabled, err := discovery.ResolveRuntimeConfig(gvs, opts.runtimeConfig)
	if err != nil {
		t.Fatal(err)
	}
	ts := &testServer{certs: certs, admin: admin, release: make(chan struct{})}
	ctx, cancel := context.WithCancel(context.Background())
	ts.cancel = cancel

	// Listen first so the advertised address carries the real port.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ts.url = "https://" + ln.Addr().String()
	disc, err := discovery.New(discovery.Config{Resources: res, Enabled: enabled, ServerAddress: ln.Addr().String()})
	if err != nil {
		t.Fatal(err)
	}
	spec := opts.spec
	if spec == nil {
		spec = fstest.MapFS{
			"v3/api__v1_openapi.json":        {Data: []byte(`{"openapi":"3.0.0"}`)},
			"v3/apis__apps__v1_openapi.json": {Data: []byte(`{"openapi":"3.0.0"}`)},
		}
	}
	openapi, err := discovery.NewOpenAPI(spec, disc.GroupVersions())
	if err != nil {
		t.Fatal(err)
	}
	etcd := healthz.NamedCheck("etcd", func(*http.Request) error {
		ts.mu.Lock()
		defer ts.mu.Unlock()
		return ts.etcdErr
	})
	chain := BuildHandlerChain(http.HandlerFunc(ts.serveResource), ChainConfig{
		Authenticator:               auth,
		Discovery:                   disc,
		Version:                     discovery.DefaultVersion(),
		OpenAPI:                     openapi,
		HealthChecks:                []healthz.Checker{healthz.Ping, etcd},
		LivezChecks:                 []healthz.Checker{healthz.Ping},
		ReadyzChecks:                []healthz.Checker{healthz.Ping, etcd},
		MaxRequestsInFlight:         opts.maxInFlight,
		MaxMutatingRequestsInFlight: opts.maxInFlight,
		Profiling:                   opts.profiling,
	})
	running, err := Start(ctx, Config{Listener: ln, Serving: certs.Serving, ClientCAs: clientCAs, ShutdownTimeout: 5 * time.Second}, chain)
	if err != nil {
		t.Fatal(err)
	}
	ts.running = running
	t.Cleanup(func() {
		cancel()
		select {
		case <-running.Done():
		case <-time.After(10 * time.Second):
			t.Error("server did not shut down")
		}
	})
	return ts
}

// serveResource stands in for the REST handlers: it answers with the user
// and request info, and holds requests named "hold" until release closes.
func (ts *testServer) serveResource(w http.ResponseWriter, r *http.Request) {
	info, _ := request.InfoFrom(r.Context())
	user, _ := authn.UserFrom(r.Context())
	if info.Name == "hold" || info.Verb == "watch" {
		if f, ok := w.(http.Flusher); ok {
			w.WriteHeader(http.StatusOK)
			f.Flush()
		}
		select {
		case <-ts.release:
		case <-r.Context().Done():
		}
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"user": user.Name, "groups": user.Groups, "verb": info.Verb, "resource": info.Resource})
}

// client returns an HTTP client trusting the server's CA, with an optional
// client certificate.
func (ts *testServer) client(t *testing.T, cert *pki.KeyPair) *http.Client {
	t.Helper()
	roots := x509.NewCertPool()
	roots.AddCert(ts.certs.CA.Cert)
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
	tr := &http.Transport{TLSClientConfig: tc, ForceAttemptHTTP2: true}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr, Timeout: 10 * time.Second}
}

func do(t *testing.T, c *http.Client, method, url, token string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

func TestAuthentication(t *testing.T) {
	ts := startTestServer(t, serverOptions{})
	anon := ts.client(t, nil)
	admin := ts.client(t, ts.admin)
	other, err := pki.NewCA("other")
	if err != nil {
		t.Fatal(err)
	}
	stranger, err := other.Issue(pki.Request{CommonName: "mallory", Client: true})
	if err != nil {
		t.Fatal(err)
	}
	const unauthorized = `{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401}`
	cases := []struct {
		name       string
		client     *http.Client
		token      string
		path       string
		wantCode   int
		wantUser   string
		wantGroups string
	}{
		{"a request without credentials is 401", anon, "", "/api/v1/pods", 401, "", ""},
		{"a non-resource request without credentials is 401", anon, "", "/version", 401, "", ""},
		{"a bad token is 401", anon, "nope", "/api/v1/pods", 401, "", ""},
		{"a token from the token file authenticates", anon, "user-token", "/api/v1/pods", 200, "alice", "dev,system:authenticated"},
		{"the admin client certificate authenticates", admin, "", "/api/v1/namespaces/default/pods/p", 200, "kubernetes-admin", "system:masters,system:authenticated"},
		{"a client certificate from another CA is 401", ts.client(t, stranger), "", "/api/v1/pods", 401, "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp, body := do(t, c.client, "GET", ts.url+c.path, c.token)
			if resp.StatusCode != c.wantCode {
				t.Fatalf("%d %s", resp.StatusCode, body)
			}
			if c.wantCode == 401 {
				if strings.TrimSpace(body) != unauthorized {
					t.Errorf("body %s", body)
				}
				return
			}
			var got struct {
				User   string
				Groups []string
			}
			if err := json.Unmarshal([]byte(body), &got); err != nil {
				t.Fatal(err)
			}
			if got.User != c.wantUser || strings.Join(got.Groups, ",") != c.wantGroups {
				t.Errorf("user %+v", got)
			}
			if resp.ProtoMajor != 2 {
				t.Errorf("served over %s, want HTTP/2", resp.Proto)
			}
		})
	}
}

func TestNonResourceEndpoints(t *testing.T) {
	ts := startTestServer(t, serverOptions{})
	c := ts.client(t, ts.admin)
	cases := []struct {
		name     string
		path     string
		wantCode int
		wantBody string // substring
	}{
		{"version reports Kubernetes 1.32", "/version?timeout=32s", 200, `"minor":"32"`},
		{"livez answers ok", "/livez", 200, "ok"},
		{"healthz verbose lists the checks", "/healthz?verbose", 200, "[+]ping ok\n[+]etcd ok\nhealthz check passed\n"},
		{"readyz has the etcd check path", "/readyz/etcd", 200, "ok"},
		{"an unknown path is a 404 Status", "/nope", 404,
			`{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"the server could not find the requested resource","reason":"NotFound","details":{},"code":404}`},
		{"an unknown group version is a 404 Status", "/apis/nope/v1", 404, `"reason":"NotFound"`},
		{"the openapi v3 index lists served group versions", "/openapi/v3", 200, `"apis/apps/v1":{"serverRelativeURL":"/openapi/v3/apis/apps/v1?hash=`},
		{"openapi v2 is missing without a document", "/openapi/v2", 404, `"reason":"NotFound"`},
	}
	for _, c2 := range cases {
		t.Run(c2.name, func(t *testing.T) {
			resp, body := do(t, c, "GET", ts.url+c2.path, "")
			if resp.StatusCode != c2.wantCode || !strings.Contains(body, c2.wantBody) {
				t.Fatalf("%d %.300q", resp.StatusCode, body)
			}
		})
	}
	ts.mu.Lock()
	ts.etcdErr = errors.New("dial tcp: connection refused")
	ts.mu.Unlock()
	resp, body := do(t, c, "GET", ts.url+"/readyz", "")
	if resp.StatusCode != 500 || body != "[+]ping ok\n[-]etcd failed: reason withheld\nreadyz check failed\n" {
		t.Fatalf("failing etcd: %d %q", resp.StatusCode, body)
	}
}

func TestProfiling(t *testing.T) {
	cases := []struct {
		name      string
		profiling bool
		admin     bool
		wantCode  int
		wantBody  string
	}{
		{"with --profiling the admin gets the profile index", true, true, 200, "goroutine"},
		{"with --profiling an anonymous request is still 401", true, false, 401, `"reason":"Unauthorized"`},
		{"without --profiling the path is a 404 Status", false, true, 404, `"reason":"NotFound"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ts := startTestServer(t, serverOptions{profiling: c.profiling})
			client := ts.client(t, nil)
			if c.admin {
				client = ts.client(t, ts.admin)
			}
			resp, body := do(t, client, "GET", ts.url+"/debug/pprof/", "")
			if resp.StatusCode != c.wantCode || !strings.Contains(body, c.wantBody) {
				t.Fatalf("%d %.300q", resp.StatusCode, body)
			}
		})
	}
}

func TestMetricsAfterRequests(t *testing.T) {
	ts := startTestServer(t, serverOptions{})
	c := ts.client(t, ts.admin)
	for i := 0; i < 3; i++ {
		do(t, c, "GET", ts.url+"/apis/apps/v1/namespaces/demo/deployments", "")
	}
	_, body := do(t, c, "GET", ts.url+"/metrics", "")
	want := `apiserver_request_total{code="200",component="apiserver",group="apps",resource="deployments",scope="namespace",subresource="",verb="LIST",version="v1"}`
	if !strings.Contains(body, want) || !strings.Contains(body, `apiserver_request_duration_seconds_bucket{component="apiserver",group="apps"`) {
		t.Fatalf("metrics lack %s", want)
	}
}

func TestInFlightLimit(t *testing.T) {
	ts := startTestServer(t, serverOptions{maxInFlight: 1})
	c := ts.client(t, nil)
	held := make(chan struct{})
	go func() {
		req, _ := http.NewRequest("GET", ts.url+"/api/v1/namespaces/d/pods/hold", nil)
		req.Header.Set("Authorization", "Bearer user-token")
		resp, err := c.Do(req)
		if err == nil {
			close(held) // headers arrived: the request holds its slot
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	}()
	<-held
	resp, body := do(t, c, "GET", ts.url+"/api/v1/namespaces/d/pods/other", "user-token")
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "1" || !strings.Contains(body, `"reason":"TooManyRequests"`) {
		t.Fatalf("%d Retry-After=%q %s", resp.StatusCode, resp.Header.Get("Retry-After"), body)
	}
	if resp, _ := do(t, c, "POST", ts.url+"/api/v1/namespaces/d/configmaps", "user-token"); resp.StatusCode != 200 {
		t.Errorf("a write was limited by the read limit: %d", resp.StatusCode)
	}
	close(ts.release)
}

func TestRuntimeConfigHidesGroup(t *testing.T) {
	ts := startTestServer(t, serverOptions{runtimeConfig: map[string]string{"batch/v1": "false"}})
	c := ts.client(t, ts.admin)
	_, body := do(t, c, "GET", ts.url+"/apis", "")
	if strings.Contains(body, "batch") || !strings.Contains(body, `"name":"apps"`) {
		t.Fatalf("/apis = %s", body)
	}
	if resp, _ := do(t, c, "GET", ts.url+"/apis/batch/v1", ""); resp.StatusCode != 404 {
		t.Fatalf("/apis/batch/v1 answered %d", resp.StatusCode)
	}
}

func TestShutdownEndsWatches(t *testing.T) {
	ts := startTestServer(t, serverOptions{})
	c := ts.client(t, ts.admin)
	req, _ := http.NewRequest("GET", ts.url+"/api/v1/pods?watch=true", nil)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	ended := make(chan struct{})
	go func() {
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		close(ended)
	}()
	start := time.Now()
	ts.cancel()
	select {
	case <-ts.running.Done():
	case <-time.After(4 * time.Second):
		t.Fatal("shutdown waited for the open watch")
	}
	<-ended
	if ts.running.Err() != nil {
		t.Errorf("shutdown error: %v", ts.running.Err())
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("shutdown took %v", d)
	}
}

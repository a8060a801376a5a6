package app

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	corev1 "keel.dev/api/core/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/keel/internal/pki"
	"keel.dev/keel/pkg/apiserver/server"
)

// seen is what a fake backend recorded of the last request.
type seen struct {
	path, query, user, auth string
}

func recordingServer(s *seen, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.path, s.query, s.auth = r.URL.Path, r.URL.RawQuery, r.Header.Get("Authorization")
		if r.TLS != nil && len(r.TLS.PeerCertificates) > 0 {
			s.user = r.TLS.PeerCertificates[0].Subject.CommonName
		}
		_, _ = io.WriteString(w, body)
	}
}

func TestNodeProxy(t *testing.T) {
	ca, err := pki.NewCA("test")
	if err != nil {
		t.Fatal(err)
	}
	var kubeletSaw, otherSaw seen
	kubelet := httptest.NewUnstartedServer(recordingServer(&kubeletSaw, "kubelet"))
	pool := x509.NewCertPool()
	pool.AddCert(ca.Cert)
	kubelet.TLS = &tls.Config{ClientCAs: pool, ClientAuth: tls.RequireAndVerifyClientCert}
	kubelet.StartTLS()
	defer kubelet.Close()
	other := httptest.NewServer(recordingServer(&otherSaw, "other"))
	defer other.Close()
	host, kport, _ := net.SplitHostPort(kubelet.Listener.Addr().String())
	_, oport, _ := net.SplitHostPort(other.Listener.Addr().String())
	port, _ := strconv.Atoi(kport)
	// A port nothing listens on: bind one and close it.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	_, deadPort, _ := net.SplitHostPort(ln.Addr().String())
	dp, _ := strconv.Atoi(deadPort)
	ln.Close()

	node := func(name string, port int, addrs ...corev1.NodeAddress) *corev1.Node {
		return &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name}, Status: corev1.NodeStatus{
			Addresses: addrs, DaemonEndpoints: corev1.NodeDaemonEndpoints{KubeletEndpoint: corev1.DaemonEndpoint{Port: int32(port)}}}}
	}
	ip := corev1.NodeAddress{Type: corev1.NodeInternalIP, Address: host}
	nodes := nodeStore{
		"n1":      node("n1", port, corev1.NodeAddress{Type: corev1.NodeHostName, Address: "n1"}, ip),
		"no-addr": node("no-addr", port),
		"dead":    node("dead", dp, ip),
	}
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusTeapot) })
	h := nodeProxy(next, storages{nodes}, kubeletTransport(&server.Certificates{CA: ca}, "", ""))

	cases := []struct {
		name     string
		path     string
		wantCode int
		wantBody string // the backend's body, or the Status message
		reason   metav1.StatusReason
		backend  *seen
		wantPath string
		wantQ    string
	}{
		{"summary through the kubelet", "/api/v1/nodes/n1/proxy/stats/summary?only_cpu_and_memory=true", 200, "kubelet", "", &kubeletSaw, "/stats/summary", "only_cpu_and_memory=true"},
		{"the kubelet port named explicitly", "/api/v1/nodes/n1:" + kport + "/proxy/pods", 200, "kubelet", "", &kubeletSaw, "/pods", ""},
		{"https scheme and kubelet port", "/api/v1/nodes/https:n1:" + kport + "/proxy/metrics/resource", 200, "kubelet", "", &kubeletSaw, "/metrics/resource", ""},
		{"no path is the root", "/api/v1/nodes/n1/proxy", 200, "kubelet", "", &kubeletSaw, "/", ""},
		{"another port over plain http", "/api/v1/nodes/n1:" + oport + "/proxy/x/y?a=b", 200, "other", "", &otherSaw, "/x/y", "a=b"},
		{"unknown node", "/api/v1/nodes/nosuch/proxy/stats/summary", 404, `nodes "nosuch" not found`, metav1.StatusReasonNotFound, nil, "", ""},
		{"invalid id", "/api/v1/nodes/a:b:c:d/proxy/", 400, `invalid node request "a:b:c:d"`, metav1.StatusReasonBadRequest, nil, "", ""},
		{"bad scheme", "/api/v1/nodes/ftp:n1:1/proxy/", 400, `invalid node request "ftp:n1:1"`, metav1.StatusReasonBadRequest, nil, "", ""},
		{"node without addresses", "/api/v1/nodes/no-addr/proxy/stats/summary", 500, "no preferred addresses found; known addresses: []", "", nil, "", ""},
		{"kubelet not listening", "/api/v1/nodes/dead/proxy/healthz", 503, "", metav1.StatusReasonServiceUnavailable, nil, "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			kubeletSaw, otherSaw = seen{}, seen{}
			req := httptest.NewRequest("GET", c.path, nil)
			req.Header.Set("Authorization", "Bearer secret")
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != c.wantCode {
				t.Fatalf("code %d, want %d: %s", rec.Code, c.wantCode, rec.Body.String())
			}
			if c.backend != nil {
				if rec.Body.String() != c.wantBody {
					t.Errorf("body %q, want %q", rec.Body.String(), c.wantBody)
				}
				if c.backend.path != c.wantPath || c.backend.query != c.wantQ || c.backend.auth != "" {
					t.Errorf("backend saw %s?%s (Authorization %q)", c.backend.path, c.backend.query, c.backend.auth)
				}
				wantUser := ""
				if c.backend == &kubeletSaw {
					wantUser = "kube-apiserver-kubelet-client"
				}
				if c.backend.user != wantUser {
					t.Errorf("backend saw user %q, want %q", c.backend.user, wantUser)
				}
				return
			}
			var st metav1.Status
			if err := json.Unmarshal(rec.Body.Bytes(), &st); err != nil {
				t.Fatalf("not a Status: %v: %s", err, rec.Body.String())
			}
			if st.Kind != "Status" || st.Status != metav1.StatusFailure || int(st.Code) != c.wantCode || st.Reason != c.reason {
				t.Errorf("status %+v", st)
			}
			if c.wantBody != "" && st.Message != c.wantBody {
				t.Errorf("message %q, want %q", st.Message, c.wantBody)
			}
			if c.wantCode == 503 && !(len(st.Message) > 30 && st.Message[:30] == "error trying to reach service:") {
				t.Errorf("message %q", st.Message)
			}
		})
	}
	t.Run("other requests pass through", func(t *testing.T) {
		for _, p := range []string{"/api/v1/nodes/n1", "/api/v1/namespaces/ns/pods/p/proxy/x", "/api/v1/nodes/n1/status", "/healthz"} {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest("GET", p, nil))
			if rec.Code != http.StatusTeapot {
				t.Errorf("%s: code %d", p, rec.Code)
			}
		}
	})
}

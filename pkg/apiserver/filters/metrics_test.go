package filters

import (
	"bufio"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"keel.dev/keel/pkg/apiserver/metrics"
	"keel.dev/keel/pkg/apiserver/request"
)

func TestMetricsLabels(t *testing.T) {
	cases := []struct {
		name, method, path, contentType string
		want                            metrics.RequestLabels
	}{
		{"a namespaced list", "GET", "/api/v1/namespaces/d/pods", "",
			metrics.RequestLabels{Verb: "LIST", Version: "v1", Resource: "pods", Scope: "namespace"}},
		{"a cluster-wide watch", "GET", "/apis/apps/v1/deployments?watch=1", "",
			metrics.RequestLabels{Verb: "WATCH", Group: "apps", Version: "v1", Resource: "deployments", Scope: "cluster"}},
		{"a create is resource-scoped", "POST", "/api/v1/namespaces/d/configmaps", "",
			metrics.RequestLabels{Verb: "POST", Version: "v1", Resource: "configmaps", Scope: "resource"}},
		{"a server-side apply is APPLY", "PATCH", "/apis/apps/v1/namespaces/d/deployments/web", "application/apply-patch+yaml",
			metrics.RequestLabels{Verb: "APPLY", Group: "apps", Version: "v1", Resource: "deployments", Scope: "resource"}},
		{"exec is CONNECT", "POST", "/api/v1/namespaces/d/pods/p/exec", "",
			metrics.RequestLabels{Verb: "CONNECT", Version: "v1", Resource: "pods", Subresource: "exec", Scope: "resource"}},
		{"a deletecollection is DELETE", "DELETE", "/api/v1/namespaces/d/pods", "",
			metrics.RequestLabels{Verb: "DELETE", Version: "v1", Resource: "pods", Scope: "namespace"}},
		{"a non-resource path has only the method", "GET", "/healthz", "",
			metrics.RequestLabels{Verb: "GET"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := httptest.NewRequest(c.method, c.path, nil)
			if c.contentType != "" {
				r.Header.Set("Content-Type", c.contentType)
			}
			info, err := request.Parse(r)
			if err != nil {
				t.Fatal(err)
			}
			if got := MetricsLabels(r, info); got != c.want {
				t.Errorf("got %+v want %+v", got, c.want)
			}
		})
	}
}

// TestMetricsWriterKeepsStreamingInterfaces checks that watches can flush
// and exec can hijack through the metrics filter.
func TestMetricsWriterKeepsStreamingInterfaces(t *testing.T) {
	srv := httptest.NewServer(WithRequestInfo(WithMetrics(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, ok := w.(http.Flusher); !ok {
			http.Error(w, "no flusher", 500)
			return
		}
		hj, ok := w.(http.Hijacker)
		if !ok {
			http.Error(w, "no hijacker", 500)
			return
		}
		conn, rw, err := hj.Hijack()
		if err != nil {
			return
		}
		defer conn.Close()
		rw.WriteString("HTTP/1.1 101 Switching Protocols\r\nUpgrade: test\r\nConnection: Upgrade\r\n\r\n")
		rw.Flush()
	}))))
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/api/v1/namespaces/d/pods/p/exec")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusSwitchingProtocols {
		br := bufio.NewReader(resp.Body)
		line, _ := br.ReadString('\n')
		t.Fatalf("status %d %s", resp.StatusCode, strings.TrimSpace(line))
	}
}

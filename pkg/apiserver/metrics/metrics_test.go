package metrics

import (
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func scrape(t *testing.T) string {
	t.Helper()
	w := httptest.NewRecorder()
	Handler().ServeHTTP(w, httptest.NewRequest("GET", "/metrics", nil))
	body, _ := io.ReadAll(w.Body)
	return string(body)
}

func TestExposition(t *testing.T) {
	l := RequestLabels{Verb: "LIST", Version: "v1", Resource: "pods", Scope: "namespace"}
	ObserveRequest(l, "200", 3*time.Millisecond, false)
	ObserveRequest(RequestLabels{Verb: "WATCH", Version: "v1", Resource: "pods", Scope: "cluster"}, "200", time.Minute, true)
	done := TrackLongRunning("WATCH", "configmaps")
	AddInflight(MutatingKind, 1)
	ObserveEtcdRequest("get", "pods", 2*time.Millisecond)
	out := scrape(t)
	for _, want := range []string{
		`apiserver_request_total{code="200",component="apiserver",group="",resource="pods",scope="namespace",subresource="",verb="LIST",version="v1"} 1`,
		`apiserver_request_duration_seconds_count{component="apiserver",group="",resource="pods",scope="namespace",subresource="",verb="LIST",version="v1"} 1`,
		`apiserver_longrunning_requests{resource="configmaps",verb="WATCH"} 1`,
		`apiserver_current_inflight_requests{request_kind="mutating"} 1`,
		`etcd_request_duration_seconds_count{operation="get",type="pods"} 1`,
		`go_goroutines`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("no %s", want)
		}
	}
	if strings.Contains(out, `apiserver_request_duration_seconds_count{component="apiserver",group="",resource="pods",scope="cluster"`) {
		t.Error("a long-running request was observed in the latency histogram")
	}
	done()
	AddInflight(MutatingKind, -1)
	out = scrape(t)
	if !strings.Contains(out, `apiserver_longrunning_requests{resource="configmaps",verb="WATCH"} 0`) ||
		!strings.Contains(out, `apiserver_current_inflight_requests{request_kind="mutating"} 0`) {
		t.Error("gauges did not go back to zero")
	}
}

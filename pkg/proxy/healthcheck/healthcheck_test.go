package healthcheck

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"keel.dev/apimachinery/pkg/types"
)

func TestProxyHealth(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	cases := []struct {
		name       string
		steps      func(h *ProxyHealth)
		wantStatus int
	}{
		{name: "a fresh proxy without queued updates is healthy", steps: func(*ProxyHealth) {}, wantStatus: 200},
		{name: "an update queued within the timeout is healthy", steps: func(h *ProxyHealth) {
			h.QueuedUpdate()
			now = now.Add(30 * time.Second)
		}, wantStatus: 200},
		{name: "an update queued longer than the timeout is unhealthy", steps: func(h *ProxyHealth) {
			h.QueuedUpdate()
			now = now.Add(2 * time.Minute)
		}, wantStatus: 503},
		{name: "a sync after a late update makes it healthy again", steps: func(h *ProxyHealth) {
			h.QueuedUpdate()
			now = now.Add(2 * time.Minute)
			h.Updated()
		}, wantStatus: 200},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := NewProxyHealth(time.Minute, clock)
			tc.steps(h)
			rec := httptest.NewRecorder()
			h.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/healthz", nil))
			if rec.Code != tc.wantStatus {
				t.Errorf("status = %d, want %d", rec.Code, tc.wantStatus)
			}
			var body proxyStatus
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || body.CurrentTime == "" {
				t.Errorf("body %q: %v", rec.Body.String(), err)
			}
		})
	}
}

func TestServiceHealthServesLocalEndpointCounts(t *testing.T) {
	var addrs = map[int32]string{}
	listen := func(port int32) (net.Listener, error) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err == nil {
			addrs[port] = ln.Addr().String()
		}
		return ln, err
	}
	s := NewServiceHealth(listen, nil, nil)
	defer s.Close()
	web := types.NamespacedName{Namespace: "ns", Name: "web"}
	empty := types.NamespacedName{Namespace: "ns", Name: "empty"}
	if err := s.SyncServices(map[types.NamespacedName]int32{web: 32000, empty: 32001}); err != nil {
		t.Fatal(err)
	}
	s.SyncEndpoints(map[types.NamespacedName]int{web: 2})
	cases := []struct {
		name       string
		port       int32
		wantStatus int
		wantLocal  int
	}{
		{name: "a service with local endpoints answers 200", port: 32000, wantStatus: 200, wantLocal: 2},
		{name: "a service without local endpoints answers 503", port: 32001, wantStatus: 503, wantLocal: 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp, err := http.Get("http://" + addrs[tc.port] + "/")
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			data, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tc.wantStatus {
				t.Errorf("status = %d, want %d", resp.StatusCode, tc.wantStatus)
			}
			var st serviceStatus
			if err := json.Unmarshal(data, &st); err != nil {
				t.Fatalf("body %q: %v", data, err)
			}
			if st.LocalEndpoints != tc.wantLocal || st.Service.Namespace != "ns" {
				t.Errorf("body = %s", data)
			}
		})
	}
	if err := s.SyncServices(map[types.NamespacedName]int32{web: 32000}); err != nil {
		t.Fatal(err)
	}
	if _, ok := s.Ports()[empty]; ok {
		t.Errorf("server for a removed service still running")
	}
	if _, err := http.Get("http://" + addrs[32001] + "/"); err == nil {
		t.Errorf("closed health check port %s still answers", strconv.Quote(addrs[32001]))
	}
}

package podautoscaler

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/apimachinery/pkg/api/resource"
	"keel.dev/apimachinery/pkg/labels"
	"keel.dev/client/rest"
	"keel.dev/client/typed"
)

func TestMetricsAPISource(t *testing.T) {
	var gotPath, gotSelector, gotAccept string
	body := `{"kind":"PodMetricsList","apiVersion":"metrics.k8s.io/v1beta1","metadata":{},"items":[
 {"metadata":{"name":"web-1","namespace":"ns"},"timestamp":"2026-01-01T00:00:10Z","window":"10s","containers":[
   {"name":"app","usage":{"cpu":"450000000n","memory":"100Mi"}},{"name":"sidecar","usage":{"cpu":"50m","memory":"1Mi"}}]},
 {"metadata":{"name":"web-2","namespace":"ns"},"timestamp":"2026-01-01T00:00:05Z","window":"10s","containers":[
   {"name":"app","usage":{"cpu":"90m","memory":"50Mi"}}]}]}`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotPath, gotSelector, gotAccept = r.URL.Path, r.URL.Query().Get("labelSelector"), r.Header.Get("Accept")
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Query().Get("labelSelector") == "app=none" {
			_, _ = w.Write([]byte(`{"kind":"PodMetricsList","apiVersion":"metrics.k8s.io/v1beta1","metadata":{},"items":[]}`))
			return
		}
		_, _ = w.Write([]byte(body))
	}))
	defer srv.Close()
	client, err := typed.NewForConfig(&rest.Config{Host: srv.URL, ContentType: "application/vnd.kubernetes.protobuf"})
	if err != nil {
		t.Fatal(err)
	}
	src := MetricsAPISource{Client: client}
	sel, _ := labels.Parse("app=web")
	usage, ts, err := src.PodMetrics(context.Background(), "ns", sel)
	if err != nil {
		t.Fatal(err)
	}
	if gotPath != "/apis/metrics.k8s.io/v1beta1/namespaces/ns/pods" || gotSelector != "app=web" || gotAccept != "application/json" {
		t.Errorf("request %s labelSelector=%q Accept=%q", gotPath, gotSelector, gotAccept)
	}
	cases := []struct {
		pod  string
		res  corev1.ResourceName
		want string
	}{
		{"web-1", corev1.ResourceCPU, "500m"},
		{"web-1", corev1.ResourceMemory, "101Mi"},
		{"web-2", corev1.ResourceCPU, "90m"},
	}
	for _, c := range cases {
		t.Run(c.pod+"/"+string(c.res), func(t *testing.T) {
			q := usage[c.pod][c.res]
			if q.Cmp(resource.MustParse(c.want)) != 0 {
				t.Errorf("got %s, want %s", q.String(), c.want)
			}
		})
	}
	if ts.UTC().Format("15:04:05") != "00:00:05" {
		t.Errorf("timestamp %v, want the oldest sample", ts)
	}

	none, _ := labels.Parse("app=none")
	if _, _, err := src.PodMetrics(context.Background(), "ns", none); err == nil {
		t.Error("no error without metrics")
	}
}

func TestSourceFor(t *testing.T) {
	cases := []struct {
		name    string
		want    string
		wantErr bool
	}{
		{"", "podautoscaler.MetricsAPISource", false},
		{SourceMetricsAPI, "podautoscaler.MetricsAPISource", false},
		{SourceSummary, "podautoscaler.SummarySource", false},
		{SourceNone, "podautoscaler.NoMetrics", false},
		{"prometheus", "", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, err := SourceFor(c.name, nil)
			if (err != nil) != c.wantErr {
				t.Fatalf("err %v", err)
			}
			if !c.wantErr && fmt.Sprintf("%T", s) != c.want {
				t.Errorf("source %s, want %s", fmt.Sprintf("%T", s), c.want)
			}
		})
	}
}

package v1beta1

import (
	"encoding/json"
	"testing"
	"time"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/apimachinery/pkg/api/resource"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
)

func TestWireShapes(t *testing.T) {
	ts := metav1.NewTime(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	usage := corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("1m"), corev1.ResourceMemory: resource.MustParse("10Mi")}
	cases := []struct {
		name string
		obj  any
		want string
	}{
		{"pod metrics", &PodMetrics{
			ObjectMeta: metav1.ObjectMeta{Name: "p", Namespace: "x"}, Timestamp: ts, Window: metav1.Duration{Duration: 15 * time.Second},
			Containers: []ContainerMetrics{{Name: "c", Usage: usage}},
		}, `{"metadata":{"name":"p","namespace":"x"},"timestamp":"2026-01-02T03:04:05Z","window":"15s","containers":[{"name":"c","usage":{"cpu":"1m","memory":"10Mi"}}]}`},
		{"node metrics", &NodeMetrics{
			ObjectMeta: metav1.ObjectMeta{Name: "n"}, Timestamp: ts, Window: metav1.Duration{Duration: 10 * time.Second}, Usage: usage,
		}, `{"metadata":{"name":"n"},"timestamp":"2026-01-02T03:04:05Z","window":"10s","usage":{"cpu":"1m","memory":"10Mi"}}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b, err := json.Marshal(c.obj)
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != c.want {
				t.Errorf("got  %s\nwant %s", b, c.want)
			}
		})
	}
}

func TestAddToScheme(t *testing.T) {
	s := runtime.NewScheme()
	if err := AddToScheme(s); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		resource   string
		kind       string
		namespaced bool
	}{
		{"nodes", "NodeMetrics", false},
		{"pods", "PodMetrics", true},
	}
	for _, c := range cases {
		t.Run(c.resource, func(t *testing.T) {
			r, ok := s.Resource(SchemeGroupVersion.WithResource(c.resource))
			if !ok {
				t.Fatal("not registered")
			}
			if r.Kind != c.kind || r.ListKind != c.kind+"List" || r.Namespaced != c.namespaced || len(r.Verbs) != 2 || r.Verbs[0] != "get" || r.Verbs[1] != "list" {
				t.Errorf("resource %+v", r)
			}
			if _, err := s.New(SchemeGroupVersion.WithKind(c.kind + "List")); err != nil {
				t.Errorf("list kind: %v", err)
			}
		})
	}
}

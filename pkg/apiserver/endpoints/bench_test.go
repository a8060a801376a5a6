package endpoints

import (
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
)

// BenchmarkCreatePod measures the handler's share of a pod create (decode,
// defaults, managedFields, encode) over the fake storage.
func BenchmarkCreatePod(b *testing.B) {
	e := newEnv(&testing.T{})
	body := `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p%d","labels":{"app":"web"}},"spec":{"containers":[{"name":"main","image":"busybox","command":["sleep","3600"],"resources":{"requests":{"cpu":"100m"}}}]}}`
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r := httptest.NewRequest("POST", "/api/v1/namespaces/demo/pods?fieldManager=bench", strings.NewReader(fmt.Sprintf(body, i)))
		r.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		e.h.ServeHTTP(w, r)
		if w.Code != 201 {
			b.Fatalf("code %d: %s", w.Code, w.Body.String())
		}
	}
}

// BenchmarkListPods measures encoding a list of 5,000 pods as JSON.
func BenchmarkListPods(b *testing.B) {
	e := newEnv(&testing.T{})
	for i := 0; i < 5000; i++ {
		e.pods.put(newPod("demo", fmt.Sprintf("p%05d", i), map[string]string{"app": "web"}))
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		w := httptest.NewRecorder()
		e.h.ServeHTTP(w, httptest.NewRequest("GET", "/api/v1/pods", nil))
		if w.Code != 200 {
			b.Fatalf("code %d", w.Code)
		}
	}
}

package resource

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"keel.dev/keel/pkg/ctl/client"
)

// legacyServer answers discovery with APIVersions/APIGroupList and per-version lists.
func legacyServer(t *testing.T) *httptest.Server {
	pages := map[string]string{
		"/api":                 `{"kind":"APIVersions","versions":["v1"]}`,
		"/apis":                `{"kind":"APIGroupList","groups":[{"name":"apps","versions":[{"groupVersion":"apps/v1","version":"v1"}],"preferredVersion":{"groupVersion":"apps/v1","version":"v1"}},{"name":"autoscaling","versions":[{"version":"v2"},{"version":"v1"}],"preferredVersion":{"version":"v2"}}]}`,
		"/api/v1":              `{"kind":"APIResourceList","groupVersion":"v1","resources":[{"name":"pods","singularName":"pod","namespaced":true,"kind":"Pod","verbs":["get","list"],"shortNames":["po"],"categories":["all"]},{"name":"pods/log","namespaced":true,"kind":"Pod","verbs":["get"]},{"name":"nodes","singularName":"node","namespaced":false,"kind":"Node","verbs":["get"],"shortNames":["no"]}]}`,
		"/apis/apps/v1":        `{"kind":"APIResourceList","groupVersion":"apps/v1","resources":[{"name":"deployments","singularName":"deployment","namespaced":true,"kind":"Deployment","verbs":["get"],"shortNames":["deploy"]}]}`,
		"/apis/autoscaling/v2": `{"kind":"APIResourceList","groupVersion":"autoscaling/v2","resources":[{"name":"horizontalpodautoscalers","singularName":"horizontalpodautoscaler","namespaced":true,"kind":"HorizontalPodAutoscaler","verbs":["get"],"shortNames":["hpa"]}]}`,
		"/apis/autoscaling/v1": `{"kind":"APIResourceList","groupVersion":"autoscaling/v1","resources":[{"name":"horizontalpodautoscalers","singularName":"horizontalpodautoscaler","namespaced":true,"kind":"HorizontalPodAutoscaler","verbs":["get"],"shortNames":["hpa"]}]}`,
	}
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, ok := pages[r.URL.Path]
		if !ok {
			w.WriteHeader(404)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, body)
	}))
	t.Cleanup(s.Close)
	return s
}

func TestResolveLegacyDiscovery(t *testing.T) {
	s := legacyServer(t)
	m := NewMapper(&client.Client{HTTP: s.Client(), Base: s.URL})
	cases := []struct{ in, want, path string }{
		{"pods", "pods", "/api/v1/namespaces/ns/pods/x"},
		{"po", "pods", "/api/v1/namespaces/ns/pods/x"},
		{"Pod", "pods", "/api/v1/namespaces/ns/pods/x"},
		{"deploy", "deployments.apps", "/apis/apps/v1/namespaces/ns/deployments/x"},
		{"deployments.apps", "deployments.apps", "/apis/apps/v1/namespaces/ns/deployments/x"},
		{"hpa", "horizontalpodautoscalers.autoscaling", "/apis/autoscaling/v2/namespaces/ns/horizontalpodautoscalers/x"},
		{"hpa.v1.autoscaling", "horizontalpodautoscalers.autoscaling", "/apis/autoscaling/v1/namespaces/ns/horizontalpodautoscalers/x"},
		{"nodes", "nodes", "/api/v1/nodes/x"},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			info, err := m.Resolve(context.Background(), tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if info.GroupResource() != tc.want || info.Path("ns", "x") != tc.path {
				t.Errorf("got %s %s, want %s %s", info.GroupResource(), info.Path("ns", "x"), tc.want, tc.path)
			}
		})
	}
	pods, _ := m.Resolve(context.Background(), "pods")
	if len(pods.Subresources) != 1 || pods.Subresources[0] != "log" {
		t.Errorf("subresources: %v", pods.Subresources)
	}
	if _, err := m.Resolve(context.Background(), "widgets"); err == nil || err.Error() != `the server doesn't have a resource type "widgets"` {
		t.Errorf("unexpected error %v", err)
	}
	if info, err := m.ForKind(context.Background(), "apps/v1", "Deployment"); err != nil || info.Resource != "deployments" {
		t.Errorf("ForKind: %v %v", info, err)
	}
}

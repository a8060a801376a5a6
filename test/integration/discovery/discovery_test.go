package discovery

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"keel.dev/keel/pkg/apiserver/app"
	"keel.dev/keel/test/integration/framework"
)

const aggregatedAccept = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json"

type resourceList struct {
	GroupVersion string `json:"groupVersion"`
	Resources    []struct {
		Name, Kind, SingularName string
		Namespaced               bool
		ShortNames, Categories   []string
		Verbs                    []string
	} `json:"resources"`
}

func TestLegacyDiscoveryListsTheCoreResources(t *testing.T) {
	s := framework.StartTestServer(t)
	resp := s.Get(t, "/api/v1")
	framework.Expect(t, resp, http.StatusOK, "/api/v1")
	var list resourceList
	if err := json.Unmarshal(resp.Body, &list); err != nil {
		t.Fatal(err)
	}
	found := map[string]bool{}
	for _, r := range list.Resources {
		found[r.Name] = true
		if r.Name == "pods" {
			if r.Kind != "Pod" || r.SingularName != "pod" || !r.Namespaced || !slices.Contains(r.ShortNames, "po") ||
				!slices.Contains(r.Categories, "all") || !slices.Contains(r.Verbs, "watch") {
				t.Errorf("pods entry = %+v", r)
			}
		}
	}
	for _, want := range []string{"pods", "pods/status", "pods/log", "namespaces", "configmaps", "services", "nodes"} {
		if !found[want] {
			t.Errorf("/api/v1 lacks %s", want)
		}
	}
}

func TestAggregatedDiscoveryIsNegotiated(t *testing.T) {
	s := framework.StartTestServer(t)
	for _, path := range []string{"/api", "/apis"} {
		resp := s.Do(t, framework.Request{Method: http.MethodGet, Path: path, Accept: aggregatedAccept})
		framework.Expect(t, resp, http.StatusOK, path)
		if ct := resp.Header.Get("Content-Type"); ct != "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList" {
			t.Errorf("%s content type %q", path, ct)
		}
		if !strings.Contains(string(resp.Body), `"kind":"APIGroupDiscoveryList"`) {
			t.Errorf("%s body is not an APIGroupDiscoveryList", path)
		}
	}
	resp := s.Do(t, framework.Request{Method: http.MethodGet, Path: "/apis", Accept: aggregatedAccept})
	if !strings.Contains(string(resp.Body), `"resource":"deployments"`) {
		t.Errorf("aggregated /apis lacks deployments")
	}
}

func TestRuntimeConfigDisablesAGroupVersion(t *testing.T) {
	s := framework.StartTestServer(t, func(c *app.Config) { c.RuntimeConfig = map[string]string{"batch/v1": "false"} })
	framework.Expect(t, s.Get(t, "/apis/batch/v1"), http.StatusNotFound, "/apis/batch/v1 when disabled")
	framework.Expect(t, s.Get(t, "/apis/apps/v1"), http.StatusOK, "/apis/apps/v1")
	resp := s.Get(t, "/apis")
	if strings.Contains(string(resp.Body), `"batch/v1"`) {
		t.Errorf("/apis still lists batch/v1: %s", resp.Body)
	}
}

func TestOpenAPIV3IndexesTheGroupVersions(t *testing.T) {
	s := framework.StartTestServer(t)
	resp := s.Get(t, "/openapi/v3")
	framework.Expect(t, resp, http.StatusOK, "/openapi/v3")
	var index struct {
		Paths map[string]struct {
			ServerRelativeURL string `json:"serverRelativeURL"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(resp.Body, &index); err != nil {
		t.Fatal(err)
	}
	apps, ok := index.Paths["apis/apps/v1"]
	if !ok {
		t.Fatalf("no apis/apps/v1 in the OpenAPI v3 index: %s", resp.Body)
	}
	framework.Expect(t, s.Get(t, apps.ServerRelativeURL), http.StatusOK, apps.ServerRelativeURL)
}

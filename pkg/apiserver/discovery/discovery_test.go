package discovery

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"keel.dev/apimachinery/pkg/runtime/schema"
)

// kubectlAccept is what kubectl 1.32 sends on /api and /apis.
const kubectlAccept = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json"

func newTestHandler(t *testing.T, runtimeConfig map[string]string) *Handler {
	t.Helper()
	res := testResources()
	var gvs []schema.GroupVersion
	seen := map[schema.GroupVersion]bool{}
	for _, r := range res {
		if !seen[r.GroupVersion()] {
			seen[r.GroupVersion()] = true
			gvs = append(gvs, r.GroupVersion())
		}
	}
	enabled, err := ResolveRuntimeConfig(gvs, runtimeConfig)
	if err != nil {
		t.Fatal(err)
	}
	h, err := New(Config{Resources: res, Enabled: enabled, ServerAddress: "10.0.0.1:6443"})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func get(t *testing.T, h http.Handler, path, accept string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest("GET", path, nil)
	if accept != "" {
		r.Header.Set("Accept", accept)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// decode unmarshals JSON into generic values for comparison.
func decode(t *testing.T, s string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("%v in %s", err, s)
	}
	return v
}

// find returns the element of list whose key field equals value.
func find(t *testing.T, list any, key, value string) any {
	t.Helper()
	for _, e := range list.([]any) {
		if m := e.(map[string]any); m[key] == value {
			return m
		}
	}
	t.Fatalf("no %s=%q in %v", key, value, list)
	return nil
}

func field(v any, keys ...string) any {
	for _, k := range keys {
		v = v.(map[string]any)[k]
	}
	return v
}

func TestLegacyCoreDocuments(t *testing.T) {
	h := newTestHandler(t, nil)
	w := get(t, h, "/api", kubectlAccept[strings.LastIndex(kubectlAccept, ",")+1:])
	if w.Code != 200 || w.Header().Get("Content-Type") != "application/json" {
		t.Fatalf("%d %q", w.Code, w.Header().Get("Content-Type"))
	}
	want := `{"kind":"APIVersions","versions":["v1"],"serverAddressByClientCIDRs":[{"clientCIDR":"0.0.0.0/0","serverAddress":"10.0.0.1:6443"}]}`
	if w.Body.String() != want {
		t.Errorf("/api = %s", w.Body)
	}

	w = get(t, h, "/api/v1", "")
	doc := decode(t, w.Body.String())
	if field(doc, "kind") != "APIResourceList" || field(doc, "groupVersion") != "v1" || field(doc, "apiVersion") != nil {
		t.Fatalf("/api/v1 header fields: %s", w.Body)
	}
	res := field(doc, "resources")
	// The entries below are Appendix B of KUBECTL.md (the real server's answer).
	for name, want := range map[string]string{
		"pods":          `{"name": "pods", "singularName": "pod", "namespaced": true, "kind": "Pod", "verbs": ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"], "shortNames": ["po"], "categories": ["all"], "storageVersionHash": "xPOwRZ+Yhw8="}`,
		"pods/eviction": `{"name": "pods/eviction", "singularName": "", "namespaced": true, "group": "policy", "version": "v1", "kind": "Eviction", "verbs": ["create"]}`,
		"pods/exec":     `{"name": "pods/exec", "singularName": "", "namespaced": true, "kind": "PodExecOptions", "verbs": ["create", "get"]}`,
		"pods/log":      `{"name": "pods/log", "singularName": "", "namespaced": true, "kind": "Pod", "verbs": ["get"]}`,
		"pods/status":   `{"name": "pods/status", "singularName": "", "namespaced": true, "kind": "Pod", "verbs": ["get", "patch", "update"]}`,
	} {
		if diff := cmp.Diff(decode(t, want), find(t, res, "name", name)); diff != "" {
			t.Errorf("%s (-want +got)\n%s", name, diff)
		}
	}
	var names []string
	for _, r := range res.([]any) {
		names = append(names, r.(map[string]any)["name"].(string))
	}
	wantNames := []string{"configmaps", "namespaces", "namespaces/finalize", "namespaces/status",
		"pods", "pods/eviction", "pods/exec", "pods/log", "pods/status"}
	if diff := cmp.Diff(wantNames, names); diff != "" {
		t.Errorf("resource order (-want +got)\n%s", diff)
	}
}

func TestLegacyGroupDocuments(t *testing.T) {
	h := newTestHandler(t, nil)
	w := get(t, h, "/apis", "application/json")
	want := `{"kind":"APIGroupList","apiVersion":"v1","groups":[` +
		`{"name":"apps","versions":[{"groupVersion":"apps/v1","version":"v1"}],"preferredVersion":{"groupVersion":"apps/v1","version":"v1"}},` +
		`{"name":"batch","versions":[{"groupVersion":"batch/v1","version":"v1"}],"preferredVersion":{"groupVersion":"batch/v1","version":"v1"}},` +
		`{"name":"a.example.io","versions":[{"groupVersion":"a.example.io/v1","version":"v1"},{"groupVersion":"a.example.io/v1beta1","version":"v1beta1"}],"preferredVersion":{"groupVersion":"a.example.io/v1","version":"v1"}}]}`
	if w.Body.String() != want {
		t.Errorf("/apis\n got %s\nwant %s", w.Body, want)
	}
	w = get(t, h, "/apis/apps", "")
	if want := `{"kind":"APIGroup","apiVersion":"v1","name":"apps","versions":[{"groupVersion":"apps/v1","version":"v1"}],"preferredVersion":{"groupVersion":"apps/v1","version":"v1"}}`; w.Body.String() != want {
		t.Errorf("/apis/apps = %s", w.Body)
	}
	w = get(t, h, "/apis/apps/v1", "")
	doc := decode(t, w.Body.String())
	if field(doc, "kind") != "APIResourceList" || field(doc, "apiVersion") != "v1" || field(doc, "groupVersion") != "apps/v1" {
		t.Fatalf("/apis/apps/v1 = %s", w.Body)
	}
	scale := find(t, field(doc, "resources"), "name", "deployments/scale")
	if diff := cmp.Diff(decode(t, `{"name":"deployments/scale","singularName":"","namespaced":true,"group":"autoscaling","version":"v1","kind":"Scale","verbs":["get","patch","update"]}`), scale); diff != "" {
		t.Errorf("deployments/scale (-want +got)\n%s", diff)
	}
}

func TestAggregatedDocuments(t *testing.T) {
	h := newTestHandler(t, nil)
	w := get(t, h, "/api", kubectlAccept)
	if ct := w.Header().Get("Content-Type"); ct != "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList" {
		t.Fatalf("Content-Type %q", ct)
	}
	if w.Header().Get("ETag") == "" || w.Header().Get("Vary") != "Accept" {
		t.Errorf("headers %v", w.Header())
	}
	doc := decode(t, w.Body.String())
	if field(doc, "kind") != "APIGroupDiscoveryList" || field(doc, "apiVersion") != "apidiscovery.k8s.io/v2" {
		t.Fatalf("%s", w.Body)
	}
	items := field(doc, "items").([]any)
	if len(items) != 1 {
		t.Fatalf("core list has %d groups", len(items))
	}
	v1 := find(t, field(items[0], "versions"), "version", "v1")
	if field(v1, "freshness") != "Current" {
		t.Errorf("freshness %v", field(v1, "freshness"))
	}
	// Appendix B of KUBECTL.md, with exactly the subresources of the test pods.
	wantPods := `{"resource": "pods", "responseKind": {"group": "", "version": "", "kind": "Pod"}, "scope": "Namespaced", "singularResource": "pod", "verbs": ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"], "shortNames": ["po"], "categories": ["all"], "subresources": [{"subresource": "eviction", "responseKind": {"group": "policy", "version": "v1", "kind": "Eviction"}, "verbs": ["create"]}, {"subresource": "exec", "responseKind": {"group": "", "version": "", "kind": "PodExecOptions"}, "verbs": ["create", "get"]}, {"subresource": "log", "responseKind": {"group": "", "version": "", "kind": "Pod"}, "verbs": ["get"]}, {"subresource": "status", "responseKind": {"group": "", "version": "", "kind": "Pod"}, "verbs": ["get", "patch", "update"]}]}`
	if diff := cmp.Diff(decode(t, wantPods), find(t, field(v1, "resources"), "resource", "pods")); diff != "" {
		t.Errorf("pods (-want +got)\n%s", diff)
	}
	ns := find(t, field(v1, "resources"), "resource", "namespaces")
	if field(ns, "scope") != "Cluster" {
		t.Errorf("namespaces scope %v", field(ns, "scope"))
	}

	w = get(t, h, "/apis", kubectlAccept)
	if w.Header().Get("Content-Type") != AggregatedContentType {
		t.Fatalf("Content-Type %q", w.Header().Get("Content-Type"))
	}
	doc = decode(t, w.Body.String())
	var groups []string
	for _, it := range field(doc, "items").([]any) {
		groups = append(groups, field(it, "metadata", "name").(string))
	}
	if diff := cmp.Diff([]string{"apps", "batch", "a.example.io"}, groups); diff != "" {
		t.Errorf("group order (-want +got)\n%s", diff)
	}
	appsV1 := find(t, field(field(doc, "items").([]any)[0], "versions"), "version", "v1")
	wantDeploy := `{"resource": "deployments", "responseKind": {"group": "", "version": "", "kind": "Deployment"}, "scope": "Namespaced", "singularResource": "deployment", "verbs": ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"], "shortNames": ["deploy"], "categories": ["all"], "subresources": [{"subresource": "scale", "responseKind": {"group": "autoscaling", "version": "v1", "kind": "Scale"}, "verbs": ["get", "patch", "update"]}, {"subresource": "status", "responseKind": {"group": "", "version": "", "kind": "Deployment"}, "verbs": ["get", "patch", "update"]}]}`
	if diff := cmp.Diff(decode(t, wantDeploy), find(t, field(appsV1, "resources"), "resource", "deployments")); diff != "" {
		t.Errorf("deployments (-want +got)\n%s", diff)
	}
	example := field(doc, "items").([]any)[2]
	var versions []string
	for _, v := range field(example, "versions").([]any) {
		versions = append(versions, field(v, "version").(string))
	}
	if diff := cmp.Diff([]string{"v1", "v1beta1"}, versions); diff != "" {
		t.Errorf("versions, preferred first (-want +got)\n%s", diff)
	}
}

func TestNegotiation(t *testing.T) {
	h := newTestHandler(t, nil)
	cases := []struct {
		name, accept, wantType string
		wantCode               int
	}{
		{"kubectl's header gets the aggregated form", kubectlAccept, AggregatedContentType, 200},
		{"plain JSON gets the legacy form", "application/json", "application/json", 200},
		{"no Accept gets the legacy form", "", "application/json", 200},
		{"a wildcard gets the legacy form", "*/*", "application/json", 200},
		{"JSON preferred over aggregated by q gets legacy", "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList;q=0.5,application/json", "application/json", 200},
		{"protobuf alone is answered with JSON", "application/vnd.kubernetes.protobuf", "application/json", 200},
		{"only v2beta1 aggregated is not acceptable", "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList", "application/json", 406},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := get(t, h, "/apis", c.accept)
			if w.Code != c.wantCode || w.Header().Get("Content-Type") != c.wantType {
				t.Fatalf("%d %q", w.Code, w.Header().Get("Content-Type"))
			}
		})
	}
}

func TestETagRevalidation(t *testing.T) {
	h := newTestHandler(t, nil)
	w := get(t, h, "/apis", kubectlAccept)
	r := httptest.NewRequest("GET", "/apis", nil)
	r.Header.Set("Accept", kubectlAccept)
	r.Header.Set("If-None-Match", w.Header().Get("ETag"))
	w2 := httptest.NewRecorder()
	h.ServeHTTP(w2, r)
	if w2.Code != http.StatusNotModified || w2.Body.Len() != 0 {
		t.Fatalf("%d %s", w2.Code, w2.Body)
	}
	if legacy := get(t, h, "/apis", "application/json"); legacy.Header().Get("ETag") == w.Header().Get("ETag") {
		t.Error("the legacy and aggregated answers share an ETag")
	}
}

func TestRuntimeConfigHidesGroups(t *testing.T) {
	cases := []struct {
		name       string
		cfg        map[string]string
		wantGroups string // names in /apis
		wantCore   bool
		gone       string // a path that must now be 404
	}{
		{"disabling batch/v1 hides batch", map[string]string{"batch/v1": "false"}, "apps,a.example.io", true, "/apis/batch/v1"},
		{"disabling one version keeps the other", map[string]string{"a.example.io/v1": "false"}, "apps,batch,a.example.io", true, "/apis/a.example.io/v1"},
		{"api/all=false with one group back serves only it", map[string]string{"api/all": "false", "apps/v1": "true"}, "apps", false, "/api/v1"},
		{"the core group is named v1", map[string]string{"v1": "false"}, "apps,batch,a.example.io", false, "/api/v1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newTestHandler(t, c.cfg)
			var legacy struct {
				Groups []struct{ Name string }
			}
			if err := json.Unmarshal(get(t, h, "/apis", "").Body.Bytes(), &legacy); err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, g := range legacy.Groups {
				names = append(names, g.Name)
			}
			if strings.Join(names, ",") != c.wantGroups {
				t.Errorf("/apis groups %v", names)
			}
			var agg struct {
				Items []struct {
					Metadata struct{ Name string }
				}
			}
			if err := json.Unmarshal(get(t, h, "/apis", kubectlAccept).Body.Bytes(), &agg); err != nil {
				t.Fatal(err)
			}
			if len(agg.Items) != len(names) {
				t.Errorf("aggregated /apis has %d groups, legacy %d", len(agg.Items), len(names))
			}
			var core struct{ Items []any }
			_ = json.Unmarshal(get(t, h, "/api", kubectlAccept).Body.Bytes(), &core)
			if (len(core.Items) == 1) != c.wantCore {
				t.Errorf("aggregated /api has %d groups", len(core.Items))
			}
			if w := get(t, h, c.gone, ""); w.Code != 404 || !strings.Contains(w.Body.String(), `"reason":"NotFound"`) {
				t.Errorf("%s answered %d %s", c.gone, w.Code, w.Body)
			}
		})
	}
}

func TestResolveRuntimeConfigErrors(t *testing.T) {
	gvs := []schema.GroupVersion{{Version: "v1"}, {Group: "apps", Version: "v1"}}
	for name, cfg := range map[string]map[string]string{
		"an unknown group version":  {"nope/v1": "false"},
		"a value that is not bool":  {"apps/v1": "maybe"},
		"a key with too many parts": {"a/b/c": "true"},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := ResolveRuntimeConfig(gvs, cfg); err == nil {
				t.Fatal("no error")
			}
		})
	}
	e, err := ResolveRuntimeConfig(gvs, map[string]string{"api/v1": "false", "apps/v1": ""})
	if err != nil || e.Has(schema.GroupVersion{Version: "v1"}) || !e.Has(schema.GroupVersion{Group: "apps", Version: "v1"}) {
		t.Fatalf("%v %v", e, err)
	}
}

func TestCompareVersions(t *testing.T) {
	vs := []string{"v1alpha1", "v1beta1", "v2", "v1", "v1beta2", "foo", "v10"}
	for i := 0; i < len(vs); i++ {
		for j := i + 1; j < len(vs); j++ {
			if CompareVersions(vs[j], vs[i]) < 0 {
				vs[i], vs[j] = vs[j], vs[i]
			}
		}
	}
	if got := strings.Join(vs, ","); got != "v10,v2,v1,v1beta2,v1beta1,v1alpha1,foo" {
		t.Errorf("order %s", got)
	}
}

func TestMethodNotAllowed(t *testing.T) {
	h := newTestHandler(t, nil)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("POST", "/apis", nil))
	if w.Code != 405 || !strings.Contains(w.Body.String(), `"reason":"MethodNotAllowed"`) {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
}

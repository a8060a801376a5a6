package discovery

import (
	"crypto/sha512"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"

	"keel.dev/apimachinery/pkg/runtime/schema"
)

func testSpecFS() fstest.MapFS {
	return fstest.MapFS{
		"swagger.json":                    {Data: []byte(`{"swagger":"2.0","paths":{"/api/v1/pods":{},"/apis/apps/v1/deployments":{},"/apis/batch/v1/jobs":{},"/apis/batch/":{},"/version/":{}},"definitions":{"x":{}}}`)},
		"v3/api__v1_openapi.json":         {Data: []byte(`{"openapi":"3.0.0","paths":{"/api/v1/pods":{}}}`)},
		"v3/apis__apps__v1_openapi.json":  {Data: []byte(`{"openapi":"3.0.0","paths":{"/apis/apps/v1/deployments":{}}}`)},
		"v3/apis__apps_openapi.json":      {Data: []byte(`{"openapi":"3.0.0","paths":{"/apis/apps/":{}}}`)},
		"v3/apis__batch__v1_openapi.json": {Data: []byte(`{"openapi":"3.0.0","paths":{"/apis/batch/v1/jobs":{}}}`)},
		"v3/apis_openapi.json":            {Data: []byte(`{"openapi":"3.0.0","paths":{"/apis/":{}}}`)},
		".keep":                           {Data: nil},
	}
}

var servedCoreAndApps = []schema.GroupVersion{{Version: "v1"}, {Group: "apps", Version: "v1"}}

func TestOpenAPIV3Index(t *testing.T) {
	o, err := NewOpenAPI(testSpecFS(), servedCoreAndApps)
	if err != nil {
		t.Fatal(err)
	}
	w := get(t, o, "/openapi/v3", "")
	if w.Code != 200 || w.Header().Get("Content-Type") != "application/json" || w.Header().Get("ETag") == "" {
		t.Fatalf("%d %v", w.Code, w.Header())
	}
	var idx struct {
		Paths map[string]struct {
			ServerRelativeURL string `json:"serverRelativeURL"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &idx); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for k := range idx.Paths {
		keys = append(keys, k)
	}
	if len(keys) != 4 || idx.Paths["apis/batch/v1"].ServerRelativeURL != "" {
		t.Fatalf("index keys %v: batch/v1 is not served and must be absent", keys)
	}
	sum := sha512.Sum512(testSpecFS()["v3/apis__apps__v1_openapi.json"].Data)
	if want := fmt.Sprintf("/openapi/v3/apis/apps/v1?hash=%X", sum); idx.Paths["apis/apps/v1"].ServerRelativeURL != want {
		t.Errorf("serverRelativeURL %q, want %q", idx.Paths["apis/apps/v1"].ServerRelativeURL, want)
	}
}

func TestOpenAPIV3Document(t *testing.T) {
	o, err := NewOpenAPI(testSpecFS(), servedCoreAndApps)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha512.Sum512(testSpecFS()["v3/apis__apps__v1_openapi.json"].Data)
	hash := fmt.Sprintf("%X", sum)
	cases := []struct {
		name         string
		url          string
		wantCode     int
		wantCache    string
		wantLocation string
	}{
		{"the current hash is cached as immutable", "/openapi/v3/apis/apps/v1?hash=" + hash, 200, "public, immutable", ""},
		{"no hash is served without immutable caching", "/openapi/v3/apis/apps/v1", 200, "", ""},
		{"an old hash redirects to the current one", "/openapi/v3/apis/apps/v1?hash=ABC", 301, "", "/openapi/v3/apis/apps/v1?hash=" + hash},
		{"a disabled group version is not found", "/openapi/v3/apis/batch/v1", 404, "", ""},
		{"an unknown key is not found", "/openapi/v3/apis/nope/v1", 404, "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := get(t, o, c.url, "application/json")
			if w.Code != c.wantCode || w.Header().Get("Cache-Control") != c.wantCache || w.Header().Get("Location") != c.wantLocation {
				t.Fatalf("%d %v", w.Code, w.Header())
			}
			if c.wantCode == 200 {
				if w.Body.String() != string(testSpecFS()["v3/apis__apps__v1_openapi.json"].Data) {
					t.Errorf("body %s", w.Body)
				}
				if w.Header().Get("ETag") != `"`+hash+`"` {
					t.Errorf("ETag %s", w.Header().Get("ETag"))
				}
			}
		})
	}
	r := httptest.NewRequest("GET", "/openapi/v3/apis/apps/v1?hash="+hash, nil)
	r.Header.Set("If-None-Match", `"`+hash+`"`)
	w := httptest.NewRecorder()
	o.ServeHTTP(w, r)
	if w.Code != http.StatusNotModified {
		t.Errorf("revalidation answered %d", w.Code)
	}
}

func TestOpenAPIV2(t *testing.T) {
	o, err := NewOpenAPI(testSpecFS(), servedCoreAndApps)
	if err != nil {
		t.Fatal(err)
	}
	w := get(t, o, "/openapi/v2", "application/json")
	var doc struct {
		Paths       map[string]any `json:"paths"`
		Definitions map[string]any `json:"definitions"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &doc); err != nil || w.Code != 200 {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
	for _, p := range []string{"/api/v1/pods", "/apis/apps/v1/deployments", "/version/"} {
		if _, ok := doc.Paths[p]; !ok {
			t.Errorf("served path %s dropped", p)
		}
	}
	for _, p := range []string{"/apis/batch/v1/jobs", "/apis/batch/"} {
		if _, ok := doc.Paths[p]; ok {
			t.Errorf("path %s of a disabled group kept", p)
		}
	}
	if doc.Definitions["x"] == nil {
		t.Error("definitions dropped")
	}
	w = get(t, o, "/openapi/v2", OpenAPIV2ProtobufType)
	if w.Code != http.StatusNotAcceptable || !strings.Contains(w.Body.String(), `"reason":"NotAcceptable"`) {
		t.Errorf("protobuf-only Accept answered %d %s", w.Code, w.Body)
	}
}

func TestOpenAPIWithoutDocuments(t *testing.T) {
	o, err := NewOpenAPI(fstest.MapFS{".keep": {}}, servedCoreAndApps)
	if err != nil {
		t.Fatal(err)
	}
	if w := get(t, o, "/openapi/v2", ""); w.Code != 404 {
		t.Errorf("/openapi/v2 answered %d", w.Code)
	}
	if w := get(t, o, "/openapi/v3", ""); w.Code != 200 || w.Body.String() != `{"paths":{}}` {
		t.Errorf("/openapi/v3 answered %d %s", w.Code, w.Body)
	}
}

func TestVersion(t *testing.T) {
	w := get(t, VersionHandler(DefaultVersion()), "/version?timeout=5s", "")
	var v map[string]string
	if err := json.Unmarshal(w.Body.Bytes(), &v); err != nil || w.Code != 200 {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
	for _, k := range []string{"major", "minor", "gitVersion", "gitCommit", "gitTreeState", "buildDate", "goVersion", "compiler", "platform"} {
		if _, ok := v[k]; !ok {
			t.Errorf("no %s in %s", k, w.Body)
		}
	}
	if v["major"] != "1" || v["minor"] != "32" || !strings.HasPrefix(v["gitVersion"], "v1.32.") || v["compiler"] != "gc" {
		t.Errorf("%s", w.Body)
	}
}

package discovery

import (
	"encoding/json"
	"io/fs"
	"strings"
	"testing"

	"keel.dev/apimachinery/pkg/runtime/schema"
	"keel.dev/keel/api"
)

// TestEmbeddedSpec serves the checked-in documents with only core v1
// enabled: every v3 document of another group version must disappear.
func TestEmbeddedSpec(t *testing.T) {
	spec := api.OpenAPISpec()
	o, err := NewOpenAPI(spec, []schema.GroupVersion{{Version: "v1"}})
	if err != nil {
		t.Fatal(err)
	}
	files, _ := fs.Glob(spec, "v3/*_openapi.json")
	if len(files) == 0 {
		t.Skip("no generated OpenAPI documents yet")
	}
	served := map[string]bool{}
	for _, k := range o.V3Keys() {
		served[k] = true
	}
	for _, f := range files {
		key := strings.ReplaceAll(strings.TrimSuffix(strings.TrimPrefix(f, "v3/"), "_openapi.json"), "__", "/")
		want := key == "api/v1" || !strings.HasPrefix(key, "api")
		want = want || key == "api" || key == "apis"
		if served[key] != want {
			t.Errorf("%s served=%v, want %v", key, served[key], want)
		}
	}
	if o.v2 != nil {
		var doc struct{ Paths map[string]any }
		if err := json.Unmarshal(o.v2, &doc); err != nil {
			t.Fatal(err)
		}
		for p := range doc.Paths {
			if strings.HasPrefix(p, "/apis/apps/") {
				t.Errorf("v2 kept %s of a disabled group", p)
			}
		}
	}
}

package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/keel/hack/tools/openapi-gen/internal/fixture"
)

func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("../../..")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// buildFixture generates the documents of the fixture group and decodes them.
func buildFixture(t *testing.T) (map[string][]byte, map[string]map[string]any) {
	t.Helper()
	s := runtime.NewScheme()
	if err := fixture.AddToScheme(s); err != nil {
		t.Fatal(err)
	}
	var warn bytes.Buffer
	files, err := Build(s, repoRoot(t), &warn)
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	docs := map[string]map[string]any{}
	for name, data := range files {
		var doc map[string]any
		if err := json.Unmarshal(data, &doc); err != nil {
			t.Fatalf("%s is not JSON: %v", name, err)
		}
		docs[name] = doc
	}
	return files, docs
}

// get walks a decoded JSON document along keys.
func get(t *testing.T, v any, keys ...string) any {
	t.Helper()
	for i, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			t.Fatalf("at %q: %T is not an object", strings.Join(keys[:i], "/"), v)
		}
		if v, ok = m[k]; !ok {
			t.Fatalf("missing %q", strings.Join(keys[:i+1], "/"))
		}
	}
	return v
}

const (
	v3Widgets = v3Dir + "/apis__widgets.example.io__v1_openapi.json"
	widgetDef = "io.k8s.keel.hack.tools.openapi-gen.internal.fixture.Widget"
	specDef   = "io.k8s.keel.hack.tools.openapi-gen.internal.fixture.WidgetSpec"
	gadgetDef = "io.k8s.keel.hack.tools.openapi-gen.internal.fixture.Gadget"
)

func TestDocumentsAreWritten(t *testing.T) {
	files, _ := buildFixture(t)
	want := []string{v2File, v3Widgets, v3Dir + "/apis_openapi.json", v3Dir + "/apis__widgets.example.io_openapi.json"}
	for _, w := range want {
		if _, ok := files[w]; !ok {
			t.Errorf("no %s among %v", w, keys(files))
		}
	}
	if len(files) != len(want) {
		t.Errorf("got %d files, want %d: %v", len(files), len(want), keys(files))
	}
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func TestSchemas(t *testing.T) {
	_, docs := buildFixture(t)
	v2defs := get(t, docs[v2File], "definitions")
	v3defs := get(t, docs[v3Widgets], "components", "schemas")
	cases := []struct {
		name string
		doc  any
		path []string
		want any
	}{
		{"a quantity is a string in v2", v2defs, []string{"io.k8s.apimachinery.pkg.api.resource.Quantity", "type"}, "string"},
		{"a quantity is a string or a number in v3", v3defs, []string{"io.k8s.apimachinery.pkg.api.resource.Quantity", "oneOf"}, []any{map[string]any{"type": "string"}, map[string]any{"type": "number"}}},
		{"an int-or-string has its format", v2defs, []string{"io.k8s.apimachinery.pkg.util.intstr.IntOrString", "format"}, "int-or-string"},
		{"a time is a date-time string", v2defs, []string{"io.k8s.apimachinery.pkg.apis.meta.v1.Time", "format"}, "date-time"},
		{"a raw extension is an object", v2defs, []string{"io.k8s.apimachinery.pkg.runtime.RawExtension", "type"}, "object"},
		{"a kind carries its group-version-kind", v2defs, []string{widgetDef, "x-kubernetes-group-version-kind"}, []any{map[string]any{"group": "widgets.example.io", "version": "v1", "kind": "Widget"}}},
		{"the type comment is the description", v2defs, []string{specDef, "description"}, "WidgetSpec covers the field shapes.\n\nIt has two paragraphs."},
		{"the field comment is the property description", v2defs, []string{specDef, "properties", "size", "description"}, "Size is required: no omitempty."},
		{"int32 has its format", v2defs, []string{specDef, "properties", "size", "format"}, "int32"},
		{"float64 is a double", v2defs, []string{specDef, "properties", "ratio", "format"}, "double"},
		{"bytes are a byte string", v2defs, []string{specDef, "properties", "data", "format"}, "byte"},
		{"a map has additionalProperties", v2defs, []string{specDef, "properties", "labels", "additionalProperties", "type"}, "string"},
		{"inline TypeMeta is flattened", v2defs, []string{widgetDef, "properties", "apiVersion", "type"}, "string"},
		{"embedded ObjectMeta is a reference in v2", v2defs, []string{widgetDef, "properties", "metadata", "$ref"}, "#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"},
		{"a described reference is wrapped in allOf in v3", v3defs, []string{widgetDef, "properties", "metadata", "allOf"}, []any{map[string]any{"$ref": "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"}}},
		{"a non-pointer struct defaults to {} in v3", v3defs, []string{widgetDef, "properties", "spec", "default"}, map[string]any{}},
		{"patch strategy comes from the struct tag", v2defs, []string{specDef, "properties", "parts", "x-kubernetes-patch-strategy"}, "merge"},
		{"patch merge key comes from the struct tag", v2defs, []string{specDef, "properties", "parts", "x-kubernetes-patch-merge-key"}, "name"},
		{"list type comes from the marker", v2defs, []string{specDef, "properties", "parts", "x-kubernetes-list-type"}, "map"},
		{"list map keys come from the marker", v2defs, []string{specDef, "properties", "parts", "x-kubernetes-list-map-keys"}, []any{"name"}},
		{"structType=atomic gives the map type", v2defs, []string{gadgetDef, "x-kubernetes-map-type"}, "atomic"},
		{"required lists the fields without omitempty or +optional", v2defs, []string{specDef, "required"}, []any{"size"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := get(t, c.doc, c.path...)
			gj, _ := json.Marshal(got)
			wj, _ := json.Marshal(c.want)
			if !bytes.Equal(gj, wj) {
				t.Errorf("%s = %s, want %s", strings.Join(c.path, "/"), gj, wj)
			}
		})
	}
	t.Run("a json:\"-\" field is left out", func(t *testing.T) {
		props := get(t, v2defs, specDef, "properties").(map[string]any)
		if _, ok := props["Hidden"]; ok {
			t.Errorf("Hidden is a property")
		}
	})
}

// paramNames lists the names of an operation's parameters.
func paramNames(t *testing.T, op any) []string {
	t.Helper()
	var out []string
	ps, _ := get(t, op, "parameters").([]any)
	for _, p := range ps {
		out = append(out, p.(map[string]any)["name"].(string))
	}
	return out
}

func TestPaths(t *testing.T) {
	_, docs := buildFixture(t)
	v2 := get(t, docs[v2File], "paths").(map[string]any)
	v3 := get(t, docs[v3Widgets], "paths").(map[string]any)
	root := "/apis/widgets.example.io/v1"
	t.Run("every resource path of a namespaced resource is laid out", func(t *testing.T) {
		for _, p := range []string{
			root + "/", root + "/namespaces/{namespace}/widgets", root + "/namespaces/{namespace}/widgets/{name}",
			root + "/namespaces/{namespace}/widgets/{name}/status", root + "/widgets",
			root + "/watch/namespaces/{namespace}/widgets", root + "/watch/namespaces/{namespace}/widgets/{name}", root + "/watch/widgets",
		} {
			if _, ok := v3[p]; !ok {
				t.Errorf("v3 lacks %s", p)
			}
			if _, ok := v2[p]; !ok {
				t.Errorf("v2 lacks %s", p)
			}
		}
	})
	t.Run("a cluster-scoped resource serves only its verbs", func(t *testing.T) {
		item := get(t, v3, root+"/gadgets/{name}").(map[string]any)
		if _, ok := item["get"]; !ok {
			t.Errorf("gadgets/{name} has no get")
		}
		for _, m := range []string{"put", "patch", "delete"} {
			if _, ok := item[m]; ok {
				t.Errorf("gadgets/{name} has %s although the resource does not serve it", m)
			}
		}
		if _, ok := v3[root+"/watch/gadgets"]; ok {
			t.Errorf("gadgets has a watch path without the watch verb")
		}
	})
	item := root + "/namespaces/{namespace}/widgets/{name}"
	cases := []struct {
		name string
		path []string
		want any
	}{
		{"patch is a patch action", []string{item, "patch", "x-kubernetes-action"}, "patch"},
		{"create is a post action", []string{root + "/namespaces/{namespace}/widgets", "post", "x-kubernetes-action"}, "post"},
		{"list is a list action", []string{root + "/namespaces/{namespace}/widgets", "get", "x-kubernetes-action"}, "list"},
		{"delete collection is a deletecollection action", []string{root + "/namespaces/{namespace}/widgets", "delete", "x-kubernetes-action"}, "deletecollection"},
		{"operation ids follow Kubernetes", []string{item, "patch", "operationId"}, "patchWidgetsExampleIoV1NamespacedWidget"},
		{"all-namespace lists have their own id", []string{root + "/widgets", "get", "operationId"}, "listWidgetsExampleIoV1WidgetForAllNamespaces"},
		{"subresource ids end with the subresource", []string{item + "/status", "put", "operationId"}, "replaceWidgetsExampleIoV1NamespacedWidgetStatus"},
		{"operations carry the group-version-kind", []string{item, "get", "x-kubernetes-group-version-kind"}, map[string]any{"group": "widgets.example.io", "version": "v1", "kind": "Widget"}},
		{"v3 responses refer to components", []string{item, "get", "responses", "200", "content", "application/json", "schema", "$ref"}, "#/components/schemas/" + widgetDef},
		{"watch returns watch events", []string{root + "/watch/widgets", "get", "x-kubernetes-action"}, "watchlist"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := get(t, v3, c.path...)
			gj, _ := json.Marshal(got)
			wj, _ := json.Marshal(c.want)
			if !bytes.Equal(gj, wj) {
				t.Errorf("%s = %s, want %s", strings.Join(c.path, " "), gj, wj)
			}
		})
	}
	t.Run("PATCH takes fieldValidation and the four patch types, as kubectl apply needs", func(t *testing.T) {
		op := get(t, v3, item, "patch")
		for _, p := range []string{"dryRun", "fieldManager", "fieldValidation", "force"} {
			if !slices.Contains(paramNames(t, op), p) {
				t.Errorf("patch lacks the %s parameter", p)
			}
		}
		content := get(t, op, "requestBody", "content").(map[string]any)
		if got := keys(content); !slices.Equal(got, mediaPatch) {
			t.Errorf("patch consumes %v, want %v", got, mediaPatch)
		}
		if got := get(t, v2, item, "patch", "consumes"); len(got.([]any)) != 4 {
			t.Errorf("v2 patch consumes %v", got)
		}
	})
	t.Run("list takes the selector and paging parameters", func(t *testing.T) {
		got := paramNames(t, get(t, v3, root+"/namespaces/{namespace}/widgets", "get"))
		for _, p := range []string{"labelSelector", "fieldSelector", "limit", "continue", "resourceVersion", "watch"} {
			if !slices.Contains(got, p) {
				t.Errorf("list lacks %s (has %v)", p, got)
			}
		}
	})
	t.Run("path parameters are on the path item", func(t *testing.T) {
		got := paramNames(t, get(t, v3, item))
		if !slices.Equal(got, []string{"name", "namespace", "pretty"}) {
			t.Errorf("path parameters = %v", got)
		}
	})
}

func TestV3DocumentsAreSelfContained(t *testing.T) {
	files, docs := buildFixture(t)
	refRE := regexp.MustCompile(`"\$ref": "([^"]*)"`)
	for name, data := range files {
		if !strings.HasPrefix(name, v3Dir) {
			continue
		}
		t.Run(name, func(t *testing.T) {
			schemas := get(t, docs[name], "components", "schemas").(map[string]any)
			for _, m := range refRE.FindAllStringSubmatch(string(data), -1) {
				def, ok := strings.CutPrefix(m[1], "#/components/schemas/")
				if !ok {
					t.Errorf("reference %s does not point into components", m[1])
					continue
				}
				if _, ok := schemas[def]; !ok {
					t.Errorf("reference to %s, which the document lacks", def)
				}
			}
		})
	}
}

func TestBuildIsDeterministic(t *testing.T) {
	a, _ := buildFixture(t)
	b, _ := buildFixture(t)
	for name := range a {
		if !bytes.Equal(a[name], b[name]) {
			t.Errorf("%s differs between two builds", name)
		}
	}
}

func TestSyncReportsAndFixesStaleFiles(t *testing.T) {
	files, _ := buildFixture(t)
	root := t.TempDir()
	stray := filepath.Join(root, v3Dir, "apis__gone__v1_openapi.json")
	if err := os.MkdirAll(filepath.Dir(stray), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(stray, []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	stale, err := sync(root, files, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(stale) != len(files)+1 {
		t.Errorf("verify reported %d stale files, want %d: %v", len(stale), len(files)+1, stale)
	}
	if _, err := sync(root, files, true); err != nil {
		t.Fatal(err)
	}
	if stale, _ := sync(root, files, false); len(stale) != 0 {
		t.Errorf("after writing, %v are still stale", stale)
	}
	if _, err := os.Stat(stray); err == nil {
		t.Errorf("the document of a removed group version was kept")
	}
}

func TestNames(t *testing.T) {
	cases := []struct{ name, got, want string }{
		{"the core group's tag is core", groupTag(""), "core"},
		{"a dotted group's tag is camel-cased without k8s.io", groupTag("rbac.authorization.k8s.io"), "rbacAuthorization"},
		{"a plain group's tag is its name", groupTag("apps"), "apps"},
		{"core v1's file", v3FileName("api/v1"), "api__v1_openapi.json"},
		{"a group version's file", v3FileName("apis/apps/v1"), "apis__apps__v1_openapi.json"},
		{"a file maps back to its key", v3Key("apis__rbac.authorization.k8s.io__v1_openapi.json"), "apis/rbac.authorization.k8s.io/v1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.got != c.want {
				t.Errorf("got %q, want %q", c.got, c.want)
			}
		})
	}
}

func TestV3Index(t *testing.T) {
	data, err := V3Index(map[string][]byte{"api/v1": []byte("{}")})
	if err != nil {
		t.Fatal(err)
	}
	var idx map[string]any
	if err := json.Unmarshal(data, &idx); err != nil {
		t.Fatal(err)
	}
	url := get(t, idx, "paths", "api/v1", "serverRelativeURL").(string)
	if !regexp.MustCompile(`^/openapi/v3/api/v1\?hash=[0-9A-F]{128}$`).MatchString(url) {
		t.Errorf("serverRelativeURL = %q", url)
	}
}

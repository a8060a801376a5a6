package main

import (
	"bytes"
	"encoding/json"
	"io"
	"reflect"
	"slices"
	"testing"
)

// TestCheckedInDocumentsAreCurrent regenerates the documents from the real
// scheme and compares them with api/openapi-spec: it fails when a type,
// a doc comment or a resource changed without
// `go run ./hack/tools/openapi-gen` being run.
func TestCheckedInDocumentsAreCurrent(t *testing.T) {
	root := repoRoot(t)
	files, err := Build(newScheme(), root, io.Discard)
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	stale, err := sync(root, files, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range stale {
		t.Errorf("%s is stale; run go run ./hack/tools/openapi-gen", f)
	}
}

// TestEveryResourceHasItsKindSchema checks that kubectl explain and apply can
// find, for every resource, its kind's schema by x-kubernetes-group-version-kind
// in the v3 document of its group version, and in the v2 document.
func TestEveryResourceHasItsKindSchema(t *testing.T) {
	s := newScheme()
	files, err := Build(s, repoRoot(t), io.Discard)
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	decode := func(name string) map[string]any {
		var doc map[string]any
		if err := json.Unmarshal(files[name], &doc); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return doc
	}
	v2defs := get(t, decode(v2File), "definitions").(map[string]any)
	for _, r := range s.Resources() {
		gvk := r.GroupVersionKind()
		obj, err := s.New(gvk)
		if err != nil {
			t.Errorf("resource %s: kind %v is not registered", r.Resource, gvk)
			continue
		}
		name := defName(reflect.TypeOf(obj).Elem())
		want := map[string]any{"group": gvk.Group, "version": gvk.Version, "kind": gvk.Kind}
		v3 := v3Dir + "/" + v3FileName(docKey(r.GroupVersion()))
		if files[v3] == nil {
			t.Errorf("resource %s: no v3 document %s", r.Resource, v3)
			continue
		}
		for doc, defs := range map[string]map[string]any{
			v2File: v2defs,
			v3:     get(t, decode(v3), "components", "schemas").(map[string]any),
		} {
			def, ok := defs[name].(map[string]any)
			if !ok {
				t.Errorf("resource %s: %s has no schema %s", r.Resource, doc, name)
				continue
			}
			gvks, _ := def["x-kubernetes-group-version-kind"].([]any)
			found := false
			for _, g := range gvks {
				if reflect.DeepEqual(g, want) {
					found = true
				}
			}
			if !found {
				t.Errorf("resource %s: %s schema %s lacks x-kubernetes-group-version-kind %v (has %v)", r.Resource, doc, name, want, gvks)
			}
		}
		item := "/" + map[bool]string{true: "api", false: "apis/" + gvk.Group}[gvk.Group == ""] + "/" + gvk.Version
		if r.Namespaced {
			item += "/namespaces/{namespace}"
		}
		item += "/" + r.Resource + "/{name}"
		if !bytes.Contains(files[v3], []byte(`"`+item+`"`)) && slices.Contains(r.Verbs, "get") {
			t.Errorf("resource %s: v3 document lacks the path %s", r.Resource, item)
		}
	}
}

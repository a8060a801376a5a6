package main

import (
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"sort"
	"strings"
)

// Schema is one OpenAPI schema in a form that renders to both v2 and v3.
type Schema struct {
	Ref                  string // definition name, without the "#/definitions/" prefix
	Type                 string
	Format               string
	Description          string
	Items                *Schema
	AdditionalProperties *Schema
	Properties           map[string]*Schema
	Required             []string
	OneOfTypes           []string // v3 only: the JSON types the value may take
	Default              any      // v3 only, when HasDefault
	HasDefault           bool
	Ext                  map[string]any // x-kubernetes-* extensions
}

// refPrefix is where references point in each OpenAPI version.
func refPrefix(v3 bool) string {
	if v3 {
		return "#/components/schemas/"
	}
	return "#/definitions/"
}

// render returns the JSON form of s for OpenAPI v2 or v3.
func (s *Schema) render(v3 bool) map[string]any {
	m := map[string]any{}
	if s.Ref != "" {
		ref := refPrefix(v3) + s.Ref
		if v3 && (s.Description != "" || s.HasDefault || len(s.Ext) > 0) {
			// v3 ignores siblings of $ref, so Kubernetes wraps the reference.
			m["allOf"] = []any{map[string]any{"$ref": ref}}
		} else {
			m["$ref"] = ref
		}
	}
	if v3 && len(s.OneOfTypes) > 0 {
		var one []any
		for _, t := range s.OneOfTypes {
			one = append(one, map[string]any{"type": t})
		}
		m["oneOf"] = one
	} else if s.Type != "" {
		m["type"] = s.Type
	}
	if s.Format != "" {
		m["format"] = s.Format
	}
	if s.Description != "" {
		m["description"] = s.Description
	}
	if s.Items != nil {
		m["items"] = s.Items.render(v3)
	}
	if s.AdditionalProperties != nil {
		m["additionalProperties"] = s.AdditionalProperties.render(v3)
	}
	if len(s.Properties) > 0 {
		props := map[string]any{}
		for k, p := range s.Properties {
			props[k] = p.render(v3)
		}
		m["properties"] = props
	}
	if len(s.Required) > 0 {
		m["required"] = append([]string(nil), s.Required...)
	}
	if v3 && s.HasDefault {
		m["default"] = s.Default
	}
	for k, v := range s.Ext {
		m[k] = v
	}
	return m
}

// walkRefs calls fn for every definition s refers to directly.
func (s *Schema) walkRefs(fn func(string)) {
	if s == nil {
		return
	}
	if s.Ref != "" {
		fn(s.Ref)
	}
	s.Items.walkRefs(fn)
	s.AdditionalProperties.walkRefs(fn)
	for _, p := range s.Properties {
		p.walkRefs(fn)
	}
}

// The Go types whose JSON form is not their struct layout.
const (
	metav1Pkg   = "keel.dev/apimachinery/pkg/apis/meta/v1"
	runtimePkg  = "keel.dev/apimachinery/pkg/runtime"
	resourcePkg = "keel.dev/apimachinery/pkg/api/resource"
	intstrPkg   = "keel.dev/apimachinery/pkg/util/intstr"
)

// specialDef returns the fixed definition of a type that serializes
// specially (a string, a free-form object), or nil.
func specialDef(t reflect.Type) *Schema {
	switch t.PkgPath() + "." + t.Name() {
	case metav1Pkg + ".Time":
		return &Schema{Type: "string", Format: "date-time", Description: "Time is a timestamp in RFC 3339 form with second precision."}
	case metav1Pkg + ".MicroTime":
		return &Schema{Type: "string", Format: "date-time", Description: "MicroTime is a timestamp in RFC 3339 form with microsecond precision."}
	case metav1Pkg + ".Duration":
		return &Schema{Type: "string", Description: "Duration is a duration in Go's notation, such as \"1h2m3s\"."}
	case metav1Pkg + ".FieldsV1":
		return &Schema{Type: "object", Description: "FieldsV1 is a set of fields encoded as a JSON trie, as recorded in managedFields."}
	case runtimePkg + ".RawExtension":
		return &Schema{Type: "object", Description: "RawExtension holds a complete embedded object in its serialized form."}
	case resourcePkg + ".Quantity":
		return &Schema{Type: "string", OneOfTypes: []string{"string", "number"},
			Description: "Quantity is a fixed-point number written as a string with an optional SI or binary suffix, such as \"100m\", \"1.5Gi\" or \"2e3\"."}
	case intstrPkg + ".IntOrString":
		return &Schema{Type: "string", Format: "int-or-string", OneOfTypes: []string{"integer", "string"},
			Description: "IntOrString holds either an integer or a string, such as 8080 or \"http\"."}
	}
	return nil
}

// patchDefName is the definition of PATCH request bodies.
const patchDefName = "io.k8s.apimachinery.pkg.apis.meta.v1.Patch"

// defName is the Kubernetes definition name of a Go type:
// keel.dev/api/core/v1.Pod becomes io.k8s.api.core.v1.Pod.
func defName(t reflect.Type) string {
	path := t.PkgPath()
	if rest, ok := strings.CutPrefix(path, "keel.dev/"); ok {
		return "io.k8s." + strings.ReplaceAll(rest, "/", ".") + "." + t.Name()
	}
	return strings.ReplaceAll(path, "/", ".") + "." + t.Name()
}

// builder turns Go types into OpenAPI definitions.
type builder struct {
	docs *docIndex
	warn io.Writer
	defs map[string]*Schema
	// types remembers which Go type each definition came from, to catch
	// two types claiming one name.
	types map[string]reflect.Type
}

func newBuilder(docs *docIndex, warn io.Writer) *builder {
	b := &builder{docs: docs, warn: warn, defs: map[string]*Schema{}, types: map[string]reflect.Type{}}
	b.defs[patchDefName] = &Schema{Type: "object", Description: "Patch is the body of a PATCH request, in the format its content type names."}
	return b
}

var jsonMarshaler = reflect.TypeFor[json.Marshaler]()

// ref makes sure the definition of the named type t exists and returns its name.
func (b *builder) ref(t reflect.Type) string {
	name := defName(t)
	if prev, ok := b.types[name]; ok {
		if prev != t {
			fmt.Fprintf(b.warn, "openapi-gen: %v and %v both map to %s\n", prev, t, name)
		}
		return name
	}
	b.types[name] = t
	if s := specialDef(t); s != nil {
		b.defs[name] = s
		return name
	}
	def := &Schema{Type: "object"}
	b.defs[name] = def // before the fields, so recursive types terminate
	if reflect.PointerTo(t).Implements(jsonMarshaler) || t.Implements(jsonMarshaler) {
		fmt.Fprintf(b.warn, "openapi-gen: %v has its own JSON form; its schema follows its fields\n", t)
	}
	td := b.docs.lookup(t.PkgPath(), t.Name())
	def.Description = td.doc
	if v := td.markers["structType"]; len(v) > 0 && v[0] == "atomic" {
		def.Ext = map[string]any{"x-kubernetes-map-type": "atomic"}
	}
	def.Properties, def.Required = b.properties(t)
	return name
}

// properties returns the JSON properties of struct t, flattening inlined
// embedded structs, and the names of the required ones.
func (b *builder) properties(t reflect.Type) (map[string]*Schema, []string) {
	props := map[string]*Schema{}
	var required []string
	td := b.docs.lookup(t.PkgPath(), t.Name())
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		inline := strings.Contains(","+opts+",", ",inline,")
		ft := f.Type
		if f.Anonymous && (name == "" || inline) {
			et := ft
			if et.Kind() == reflect.Pointer {
				et = et.Elem()
			}
			if et.Kind() == reflect.Struct {
				p, r := b.properties(et)
				for k, v := range p {
					if _, dup := props[k]; !dup {
						props[k] = v
					}
				}
				required = append(required, r...)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		omitempty := strings.Contains(","+opts+",", ",omitempty,") || strings.Contains(","+opts+",", ",omitzero,")
		fd := td.fields[f.Name]
		s := b.fieldSchema(ft, omitempty)
		s.Description = fd.doc
		if ps := f.Tag.Get("patchStrategy"); ps != "" {
			s.ext()["x-kubernetes-patch-strategy"] = ps
		}
		if pk := f.Tag.Get("patchMergeKey"); pk != "" {
			s.ext()["x-kubernetes-patch-merge-key"] = pk
		}
		if v := fd.markers["listType"]; len(v) > 0 {
			s.ext()["x-kubernetes-list-type"] = v[0]
		}
		if v := fd.markers["listMapKey"]; len(v) > 0 {
			s.ext()["x-kubernetes-list-map-keys"] = append([]string(nil), v...)
		}
		if v := fd.markers["mapType"]; len(v) > 0 {
			s.ext()["x-kubernetes-map-type"] = v[0]
		}
		_, optional := fd.markers["optional"]
		_, req := fd.markers["required"]
		if req || (!omitempty && !optional) {
			required = append(required, name)
		}
		props[name] = s
	}
	return props, required
}

func (s *Schema) ext() map[string]any {
	if s.Ext == nil {
		s.Ext = map[string]any{}
	}
	return s.Ext
}

// fieldSchema is the schema of a field of type t, with the v3 default
// Kubernetes gives non-pointer fields.
func (b *builder) fieldSchema(t reflect.Type, omitempty bool) *Schema {
	s := b.schemaFor(t)
	if t.Kind() == reflect.Struct && s.Ref != "" && specialDef(t) == nil {
		s.Default, s.HasDefault = map[string]any{}, true
	} else if !omitempty {
		if z, ok := zeroValue(t); ok {
			s.Default, s.HasDefault = z, true
		}
	}
	return s
}

// elemSchema is the schema of a slice or map element, defaulted like a field.
func (b *builder) elemSchema(t reflect.Type) *Schema {
	return b.fieldSchema(t, false)
}

// zeroValue is the JSON zero value of a basic type.
func zeroValue(t reflect.Type) (any, bool) {
	switch t.Kind() {
	case reflect.String:
		return "", true
	case reflect.Bool:
		return false, true
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		return 0, true
	}
	return nil, false
}

// schemaFor is the schema of a value of type t.
func (b *builder) schemaFor(t reflect.Type) *Schema {
	if t.Kind() == reflect.Pointer {
		return b.schemaFor(t.Elem())
	}
	if t.Name() != "" && t.PkgPath() != "" && (t.Kind() == reflect.Struct || specialDef(t) != nil) {
		return &Schema{Ref: b.ref(t)}
	}
	switch t.Kind() {
	case reflect.String:
		return &Schema{Type: "string"}
	case reflect.Bool:
		return &Schema{Type: "boolean"}
	case reflect.Int8, reflect.Int16, reflect.Int32, reflect.Uint8, reflect.Uint16, reflect.Int:
		return &Schema{Type: "integer", Format: "int32"}
	case reflect.Int64, reflect.Uint, reflect.Uint32, reflect.Uint64:
		return &Schema{Type: "integer", Format: "int64"}
	case reflect.Float32:
		return &Schema{Type: "number", Format: "float"}
	case reflect.Float64:
		return &Schema{Type: "number", Format: "double"}
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return &Schema{Type: "string", Format: "byte"}
		}
		return &Schema{Type: "array", Items: b.elemSchema(t.Elem())}
	case reflect.Map:
		return &Schema{Type: "object", AdditionalProperties: b.elemSchema(t.Elem())}
	case reflect.Interface:
		return &Schema{Type: "object"}
	case reflect.Struct: // anonymous struct
		props, req := b.properties(t)
		return &Schema{Type: "object", Properties: props, Required: req}
	}
	fmt.Fprintf(b.warn, "openapi-gen: no schema for %v\n", t)
	return &Schema{}
}

// addGVK records on t's definition that t is served as gvk.
func (b *builder) addGVK(t reflect.Type, group, version, kind string) {
	def := b.defs[b.ref(t)]
	gvks, _ := def.ext()["x-kubernetes-group-version-kind"].([]map[string]string)
	for _, g := range gvks {
		if g["group"] == group && g["version"] == version && g["kind"] == kind {
			return
		}
	}
	gvks = append(gvks, map[string]string{"group": group, "version": version, "kind": kind})
	sort.Slice(gvks, func(i, j int) bool {
		a, c := gvks[i], gvks[j]
		if a["group"] != c["group"] {
			return a["group"] < c["group"]
		}
		if a["version"] != c["version"] {
			return a["version"] < c["version"]
		}
		return a["kind"] < c["kind"]
	})
	def.ext()["x-kubernetes-group-version-kind"] = gvks
}

// closure returns the definitions reachable from roots, roots included.
func (b *builder) closure(roots []string) []string {
	seen := map[string]bool{}
	var visit func(string)
	visit = func(name string) {
		if seen[name] {
			return
		}
		seen[name] = true
		b.defs[name].walkRefs(visit)
	}
	for _, r := range roots {
		visit(r)
	}
	out := make([]string, 0, len(seen))
	for n := range seen {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

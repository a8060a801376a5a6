package main

import (
	"bytes"
	"crypto/sha512"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"
)

// The output locations, relative to the repository root.
const (
	specDir   = "api/openapi-spec"
	v2File    = specDir + "/swagger.json"
	v3Dir     = specDir + "/v3"
	v3Suffix  = "_openapi.json"
	infoTitle = "Kubernetes"
)

// v3FileName is the file of the v3 document served at /openapi/v3/<key>:
// "apis/apps/v1" is written to apis__apps__v1_openapi.json.
func v3FileName(key string) string {
	return strings.ReplaceAll(key, "/", "__") + v3Suffix
}

// Build generates every OpenAPI document for the scheme and returns them by
// path relative to the repository root. Doc comments are read from the
// sources under root.
func Build(s *runtime.Scheme, root string, warn io.Writer) (map[string][]byte, error) {
	b := newBuilder(newDocIndex(root), warn)
	for _, gv := range s.GroupVersions() {
		kinds := s.KnownKinds(gv)
		names := make([]string, 0, len(kinds))
		for k := range kinds {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, k := range names {
			b.addGVK(kinds[k], gv.Group, gv.Version, k)
		}
	}
	pb := &pathBuilder{scheme: s, b: b, warn: func(format string, args ...any) {
		fmt.Fprintf(warn, format+"\n", args...)
	}}
	var items []*PathItem
	var gvs []schema.GroupVersion
	seenGV := map[schema.GroupVersion]bool{}
	for _, r := range s.Resources() {
		if gv := r.GroupVersion(); !seenGV[gv] {
			seenGV[gv] = true
			gvs = append(gvs, gv)
		}
		items = append(items, pb.resourcePaths(r)...)
	}
	items = append(items, pb.discoveryPaths(gvs)...)

	byPath := map[string]*PathItem{}
	for _, it := range items {
		if prev, ok := byPath[it.Path]; ok {
			return nil, fmt.Errorf("path %s laid out twice (documents %s and %s)", it.Path, prev.Doc, it.Doc)
		}
		byPath[it.Path] = it
	}

	out := map[string][]byte{}

	// OpenAPI v2: every path and every definition.
	v2Paths := map[string]any{}
	for _, it := range items {
		v2Paths[it.Path] = renderPathItem(it, false)
	}
	v2Defs := map[string]any{}
	for name, d := range b.defs {
		v2Defs[name] = d.render(false)
	}
	v2 := map[string]any{
		"swagger":     "2.0",
		"info":        map[string]any{"title": infoTitle, "version": "unversioned"},
		"paths":       v2Paths,
		"definitions": v2Defs,
		"securityDefinitions": map[string]any{"BearerToken": map[string]any{
			"description": "Bearer Token authentication", "in": "header", "name": "authorization", "type": "apiKey",
		}},
		"security": []any{map[string]any{"BearerToken": []any{}}},
	}
	data, err := marshal(v2)
	if err != nil {
		return nil, err
	}
	out[v2File] = data

	// OpenAPI v3: one document per group version (and for /api, /apis and
	// each group), holding its paths and the schemas they reach.
	docs := map[string][]*PathItem{}
	for _, it := range items {
		docs[it.Doc] = append(docs[it.Doc], it)
	}
	kindsByDoc := map[string][]string{}
	for _, gv := range gvs {
		for _, t := range s.KnownKinds(gv) {
			kindsByDoc[docKey(gv)] = append(kindsByDoc[docKey(gv)], b.ref(t))
		}
	}
	for key, its := range docs {
		paths := map[string]any{}
		var roots []string
		for _, it := range its {
			paths[it.Path] = renderPathItem(it, true)
			for _, o := range it.Ops {
				o.walkRefs(func(r string) { roots = append(roots, r) })
			}
		}
		roots = append(roots, kindsByDoc[key]...)
		schemas := map[string]any{}
		for _, name := range b.closure(roots) {
			schemas[name] = b.defs[name].render(true)
		}
		doc := map[string]any{
			"openapi":    "3.0.0",
			"info":       map[string]any{"title": infoTitle, "version": "unversioned"},
			"paths":      paths,
			"components": map[string]any{"schemas": schemas},
		}
		data, err := marshal(doc)
		if err != nil {
			return nil, err
		}
		out[v3Dir+"/"+v3FileName(key)] = data
	}
	return out, nil
}

// walkRefs calls fn for every definition the operation's body and responses refer to.
func (o *Operation) walkRefs(fn func(string)) {
	o.Body.walkRefs(fn)
	for _, r := range o.Responses {
		r.Schema.walkRefs(fn)
	}
}

// marshal writes v as indented JSON with sorted keys and a final newline.
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func renderParam(p Param, v3 bool) map[string]any {
	m := map[string]any{"name": p.Name, "in": p.In, "description": p.Description}
	if v3 {
		m["schema"] = map[string]any{"type": p.Type, "uniqueItems": true}
	} else {
		m["type"] = p.Type
		m["uniqueItems"] = true
	}
	if p.Required {
		m["required"] = true
	}
	return m
}

func renderPathItem(it *PathItem, v3 bool) map[string]any {
	m := map[string]any{}
	if len(it.Params) > 0 {
		var ps []any
		for _, p := range it.Params {
			ps = append(ps, renderParam(p, v3))
		}
		m["parameters"] = ps
	}
	for _, o := range it.Ops {
		m[o.Method] = renderOperation(o, v3)
	}
	return m
}

func renderOperation(o *Operation, v3 bool) map[string]any {
	m := map[string]any{
		"description": o.Description,
		"operationId": o.ID,
		"tags":        []any{o.Tag},
	}
	var params []any
	if o.Body != nil && !v3 {
		params = append(params, map[string]any{"name": "body", "in": "body", "required": o.BodyRequired, "schema": o.Body.render(false)})
	}
	for _, p := range o.Params {
		params = append(params, renderParam(p, v3))
	}
	if len(params) > 0 {
		m["parameters"] = params
	}
	responses := map[string]any{"401": map[string]any{"description": "Unauthorized"}}
	for _, r := range o.Responses {
		resp := map[string]any{"description": r.Description}
		if r.Schema != nil {
			if v3 {
				content := map[string]any{}
				for _, mt := range o.Produces {
					content[mt] = map[string]any{"schema": r.Schema.render(true)}
				}
				resp["content"] = content
			} else {
				resp["schema"] = r.Schema.render(false)
			}
		}
		responses[r.Code] = resp
	}
	m["responses"] = responses
	if v3 {
		if o.Body != nil {
			content := map[string]any{}
			for _, mt := range o.Consumes {
				content[mt] = map[string]any{"schema": o.Body.render(true)}
			}
			body := map[string]any{"content": content}
			if o.BodyRequired {
				body["required"] = true
			}
			m["requestBody"] = body
		}
	} else {
		m["consumes"] = append([]string(nil), o.Consumes...)
		m["produces"] = append([]string(nil), o.Produces...)
		m["schemes"] = []any{"https"}
	}
	if o.Action != "" {
		m["x-kubernetes-action"] = o.Action
	}
	if o.GVK != nil {
		m["x-kubernetes-group-version-kind"] = map[string]any{"group": o.GVK.Group, "version": o.GVK.Version, "kind": o.GVK.Kind}
	}
	return m
}

// V3Index returns the root document of /openapi/v3 for the given v3
// documents (keyed by their path below /openapi/v3, e.g. "apis/apps/v1"):
// each is listed with a serverRelativeURL carrying the hash of its bytes,
// which clients use to cache it.
func V3Index(docs map[string][]byte) ([]byte, error) {
	paths := map[string]any{}
	for key, data := range docs {
		sum := sha512.Sum512(data)
		paths[key] = map[string]any{"serverRelativeURL": fmt.Sprintf("/openapi/v3/%s?hash=%X", key, sum)}
	}
	return marshal(map[string]any{"paths": paths})
}

// v3Key turns a v3 file name back into its document key.
func v3Key(file string) string {
	return strings.ReplaceAll(strings.TrimSuffix(file, v3Suffix), "__", "/")
}

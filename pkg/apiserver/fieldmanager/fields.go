package fieldmanager

import (
	"bytes"
	"encoding/json"
	"reflect"
	"sort"

	"keel.dev/apimachinery/pkg/util/typeschema"
)

// ignoredMetadata are metadata members the server owns; they never appear in
// managed field sets.
var ignoredMetadata = map[string]bool{
	"name": true, "namespace": true, "uid": true, "resourceVersion": true, "generation": true,
	"creationTimestamp": true, "deletionTimestamp": true, "deletionGracePeriodSeconds": true,
	"managedFields": true, "selfLink": true, "generateName": true,
}

// ignoredTop are top-level members outside field management.
var ignoredTop = map[string]bool{"apiVersion": true, "kind": true}

// FieldsOf returns the set of fields obj sets, under the schema of t. With
// subresource "" the status is left out (it belongs to the status
// subresource); with "status" only the status is kept.
func FieldsOf(obj map[string]any, t reflect.Type, subresource string) *Set {
	s := NewSet()
	for k, v := range obj {
		if ignoredTop[k] {
			continue
		}
		if subresource == "" && k == "status" {
			continue
		}
		if subresource == "status" && k != "status" {
			continue
		}
		if k == "metadata" {
			if m, ok := v.(map[string]any); ok {
				meta := s.child("f:metadata")
				for mk, mv := range m {
					if ignoredMetadata[mk] {
						continue
					}
					addValue(meta.child("f:"+mk), mv, typeschema.Lookup(typeschema.Lookup(t, "metadata").Type, mk))
				}
			}
			continue
		}
		addValue(s.child("f:"+k), v, typeschema.Lookup(t, k))
	}
	return s
}

// addValue records v (the value of the member described by fi) below node n.
func addValue(n *Set, v any, fi typeschema.Field) {
	switch c := v.(type) {
	case map[string]any:
		if len(c) == 0 {
			n.Self = true
			return
		}
		// A map (labels, annotations, data) is itself a member besides its
		// keys, which FieldsV1 writes as ".": structs are not.
		if t := typeschema.Deref(fi.Type); t != nil && t.Kind() == reflect.Map {
			n.Self = true
		}
		for k, cv := range c {
			addValue(n.child("f:"+k), cv, typeschema.Lookup(fi.Type, k))
		}
	case []any:
		switch fi.ListKind() {
		case typeschema.Associative:
			et := typeschema.Elem(fi.Type)
			for _, e := range c {
				em, ok := e.(map[string]any)
				if !ok {
					continue
				}
				en := n.child(keyOf(em, fi.MergeKey))
				en.Self = true
				for k, cv := range em {
					addValue(en.child("f:"+k), cv, typeschema.Lookup(et, k))
				}
			}
			if len(c) == 0 {
				n.Self = true
			}
		case typeschema.SetList:
			for _, e := range c {
				n.child("v:" + jsonString(e)).Self = true
			}
			if len(c) == 0 {
				n.Self = true
			}
		default:
			n.Self = true
		}
	default:
		n.Self = true
	}
}

// keyOf renders the "k:" path element of an associative list element.
func keyOf(elem map[string]any, mergeKey string) string {
	return "k:" + jsonString(map[string]any{mergeKey: elem[mergeKey]})
}

func jsonString(v any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v) // map keys come out sorted
	return string(bytes.TrimSuffix(b.Bytes(), []byte("\n")))
}

// lookupPath returns the value at a set path within obj, and whether it exists.
func lookupPath(obj any, path []string, t reflect.Type) (any, bool) {
	cur := obj
	ct := t
	var fi typeschema.Field
	for _, p := range path {
		switch {
		case len(p) > 2 && p[:2] == "f:":
			m, ok := cur.(map[string]any)
			if !ok {
				return nil, false
			}
			v, ok := m[p[2:]]
			if !ok {
				return nil, false
			}
			fi = typeschema.Lookup(ct, p[2:])
			cur, ct = v, fi.Type
		case len(p) > 2 && p[:2] == "k:":
			l, ok := cur.([]any)
			if !ok {
				return nil, false
			}
			i := indexOfKey(l, p)
			if i < 0 {
				return nil, false
			}
			cur, ct = l[i], typeschema.Elem(ct)
		case len(p) > 2 && p[:2] == "v:":
			l, ok := cur.([]any)
			if !ok {
				return nil, false
			}
			found := false
			for _, e := range l {
				if "v:"+jsonString(e) == p {
					cur, found = e, true
					break
				}
			}
			if !found {
				return nil, false
			}
		default:
			return nil, false
		}
	}
	return cur, true
}

// indexOfKey finds the associative list element whose key renders as p.
func indexOfKey(l []any, p string) int {
	var key map[string]any
	if err := json.Unmarshal([]byte(p[2:]), &key); err != nil {
		return -1
	}
	for i, e := range l {
		em, ok := e.(map[string]any)
		if !ok {
			continue
		}
		match := true
		for k, v := range key {
			if jsonString(em[k]) != jsonString(v) {
				match = false
				break
			}
		}
		if match {
			return i
		}
	}
	return -1
}

// removePath deletes the member at path from obj (in place).
func removePath(obj map[string]any, path []string) {
	if len(path) == 0 {
		return
	}
	var parent any = obj
	for i, p := range path {
		last := i == len(path)-1
		switch {
		case p[:2] == "f:":
			m, ok := parent.(map[string]any)
			if !ok {
				return
			}
			if last {
				delete(m, p[2:])
				return
			}
			next, ok := m[p[2:]]
			if !ok {
				return
			}
			// Lists are edited in place through their parent map.
			if l, isList := next.([]any); isList && i+1 < len(path) && len(path) == i+2 {
				m[p[2:]] = removeElement(l, path[i+1])
				return
			}
			parent = next
		case p[:2] == "k:":
			l, ok := parent.([]any)
			if !ok {
				return
			}
			j := indexOfKey(l, p)
			if j < 0 {
				return
			}
			parent = l[j]
		default:
			return
		}
	}
}

func removeElement(l []any, p string) []any {
	switch p[:2] {
	case "k:":
		if j := indexOfKey(l, p); j >= 0 {
			return append(l[:j:j], l[j+1:]...)
		}
	case "v:":
		for j, e := range l {
			if "v:"+jsonString(e) == p {
				return append(l[:j:j], l[j+1:]...)
			}
		}
	}
	return l
}

// leafPaths lists the paths of s sorted, deepest members included.
func leafPaths(s *Set) [][]string {
	paths := s.Paths()
	sort.Slice(paths, func(i, j int) bool { return PathString(paths[i]) < PathString(paths[j]) })
	return paths
}

package strategicpatch

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"

	"keel.dev/apimachinery/pkg/util/typeschema"
)

// Directive keys and values.
const (
	directiveMarker        = "$patch"
	replaceDirective       = "replace"
	deleteDirective        = "delete"
	mergeDirective         = "merge"
	retainKeysDirective    = "$retainKeys"
	setElementOrderPrefix  = "$setElementOrder/"
	deleteFromPrimitivePfx = "$deleteFromPrimitiveList/"
)

func decodeObject(b []byte, what string) (map[string]any, error) {
	var v any
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	if err := d.Decode(&v); err != nil {
		return nil, fmt.Errorf("invalid %s: %w", what, err)
	}
	if v == nil {
		return map[string]any{}, nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("invalid %s: not a JSON object", what)
	}
	return m, nil
}

// Apply applies the strategic merge patch to the JSON document doc, using the
// Go type of dataStruct (a pointer to or value of an API struct) as schema.
func Apply(doc, patch []byte, dataStruct any) ([]byte, error) {
	d, err := decodeObject(doc, "JSON document")
	if err != nil {
		return nil, err
	}
	p, err := decodeObject(patch, "strategic merge patch")
	if err != nil {
		return nil, err
	}
	out, err := ApplyMap(d, p, reflect.TypeOf(dataStruct))
	if err != nil {
		return nil, err
	}
	return json.Marshal(out)
}

// ApplyMap merges patch into original (which it may modify) for type t.
func ApplyMap(original, patch map[string]any, t reflect.Type) (map[string]any, error) {
	out, deleted, err := mergeMap(original, patch, t)
	if err != nil {
		return nil, err
	}
	if deleted {
		return map[string]any{}, nil
	}
	return out, nil
}

// mergeMap merges patch into orig. deleted reports a `$patch: delete`.
func mergeMap(orig, patch map[string]any, t reflect.Type) (out map[string]any, deleted bool, err error) {
	if orig == nil {
		orig = map[string]any{}
	}
	if d, ok := patch[directiveMarker]; ok {
		switch d {
		case replaceDirective:
			return clean(patch, t), false, nil
		case deleteDirective:
			return nil, true, nil
		case mergeDirective:
		default:
			return nil, false, fmt.Errorf("unknown patch directive %v", d)
		}
	}

	var retain []any
	hasRetain := false
	orders := map[string][]any{}
	for k, v := range patch {
		switch {
		case k == directiveMarker:
		case k == retainKeysDirective:
			list, ok := v.([]any)
			if !ok {
				return nil, false, fmt.Errorf("%s must be a list", retainKeysDirective)
			}
			retain, hasRetain = list, true
		case strings.HasPrefix(k, setElementOrderPrefix):
			list, ok := v.([]any)
			if !ok {
				return nil, false, fmt.Errorf("%s must be a list", k)
			}
			orders[strings.TrimPrefix(k, setElementOrderPrefix)] = list
		case strings.HasPrefix(k, deleteFromPrimitivePfx):
			name := strings.TrimPrefix(k, deleteFromPrimitivePfx)
			del, ok := v.([]any)
			if !ok {
				return nil, false, fmt.Errorf("%s must be a list", k)
			}
			if cur, ok := orig[name].([]any); ok {
				orig[name] = removeValues(cur, del)
			}
		}
	}

	for k, v := range patch {
		if strings.HasPrefix(k, "$") {
			continue
		}
		if v == nil {
			delete(orig, k)
			continue
		}
		fi := typeschema.Lookup(t, k)
		switch pv := v.(type) {
		case map[string]any:
			cur, _ := orig[k].(map[string]any)
			if cur == nil {
				orig[k] = clean(pv, fi.Type)
				if d, _ := pv[directiveMarker].(string); d == deleteDirective {
					delete(orig, k)
				}
				continue
			}
			merged, del, err := mergeMap(cur, pv, fi.Type)
			if err != nil {
				return nil, false, fmt.Errorf("%s: %w", k, err)
			}
			if del {
				delete(orig, k)
			} else {
				orig[k] = merged
			}
		case []any:
			cur, _ := orig[k].([]any)
			merged, err := mergeList(cur, pv, fi)
			if err != nil {
				return nil, false, fmt.Errorf("%s: %w", k, err)
			}
			orig[k] = merged
		default:
			orig[k] = v
		}
	}

	for name, order := range orders {
		if cur, ok := orig[name].([]any); ok {
			orig[name] = reorder(cur, order, typeschema.Lookup(t, name).MergeKey)
		}
	}
	if hasRetain {
		keep := map[string]bool{}
		for _, k := range retain {
			if s, ok := k.(string); ok {
				keep[s] = true
			}
		}
		for k := range orig {
			if !keep[k] {
				delete(orig, k)
			}
		}
	}
	return orig, false, nil
}

// mergeList merges a patch list into the current list per the member's strategy.
func mergeList(cur, patch []any, fi typeschema.Field) ([]any, error) {
	et := typeschema.Elem(fi.Type)
	// A {"$patch": "replace"} element replaces the whole list.
	for _, e := range patch {
		if m, ok := e.(map[string]any); ok && m[directiveMarker] == replaceDirective && len(m) == 1 {
			out := make([]any, 0, len(patch))
			for _, e := range patch {
				if m, ok := e.(map[string]any); ok && m[directiveMarker] == replaceDirective && len(m) == 1 {
					continue
				}
				out = append(out, cleanValue(e, et))
			}
			return out, nil
		}
	}
	if !fi.HasStrategy("merge") {
		out := make([]any, 0, len(patch))
		for _, e := range patch {
			out = append(out, cleanValue(e, et))
		}
		return out, nil
	}
	if fi.MergeKey == "" {
		// A merged list of primitives: the union, patch values appended.
		out := append([]any(nil), cur...)
		for _, e := range patch {
			if indexOfValue(out, e) < 0 {
				out = append(out, e)
			}
		}
		return out, nil
	}
	out := append([]any(nil), cur...)
	for _, e := range patch {
		pm, ok := e.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("list with merge key %q holds a non-object element", fi.MergeKey)
		}
		key, ok := pm[fi.MergeKey]
		if !ok {
			return nil, fmt.Errorf("element is missing its merge key %q", fi.MergeKey)
		}
		i := indexByKey(out, fi.MergeKey, key)
		if pm[directiveMarker] == deleteDirective {
			if i >= 0 {
				out = append(out[:i:i], out[i+1:]...)
			}
			continue
		}
		if i < 0 {
			out = append(out, clean(pm, et))
			continue
		}
		cm, _ := out[i].(map[string]any)
		merged, del, err := mergeMap(cm, pm, et)
		if err != nil {
			return nil, err
		}
		if del {
			out = append(out[:i:i], out[i+1:]...)
		} else {
			out[i] = merged
		}
	}
	return out, nil
}

func indexByKey(list []any, key string, val any) int {
	for i, e := range list {
		if m, ok := e.(map[string]any); ok && jsonEqual(m[key], val) {
			return i
		}
	}
	return -1
}

func indexOfValue(list []any, v any) int {
	for i, e := range list {
		if jsonEqual(e, v) {
			return i
		}
	}
	return -1
}

func removeValues(list, del []any) []any {
	out := list[:0:0]
	for _, e := range list {
		if indexOfValue(del, e) < 0 {
			out = append(out, e)
		}
	}
	return out
}

// reorder sorts list so that elements named in order come first, in that
// order; the rest keep their relative order after them.
func reorder(list, order []any, mergeKey string) []any {
	ident := func(e any) any {
		if mergeKey != "" {
			if m, ok := e.(map[string]any); ok {
				return m[mergeKey]
			}
		}
		return e
	}
	out := make([]any, 0, len(list))
	used := make([]bool, len(list))
	for _, o := range order {
		want := ident(o)
		for i, e := range list {
			if !used[i] && jsonEqual(ident(e), want) {
				out = append(out, e)
				used[i] = true
				break
			}
		}
	}
	for i, e := range list {
		if !used[i] {
			out = append(out, e)
		}
	}
	return out
}

// clean drops directives and nulls from a patch fragment that lands where the
// original had nothing.
func clean(m map[string]any, t reflect.Type) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		if strings.HasPrefix(k, "$") || v == nil {
			continue
		}
		out[k] = cleanValue(v, typeschema.Lookup(t, k).Type)
	}
	return out
}

func cleanValue(v any, t reflect.Type) any {
	switch c := v.(type) {
	case map[string]any:
		return clean(c, t)
	case []any:
		et := typeschema.Elem(t)
		out := make([]any, 0, len(c))
		for _, e := range c {
			if m, ok := e.(map[string]any); ok && m[directiveMarker] == deleteDirective {
				continue
			}
			out = append(out, cleanValue(e, et))
		}
		return out
	}
	return v
}

func jsonEqual(a, b any) bool {
	if an, ok := a.(json.Number); ok {
		if bn, ok := b.(json.Number); ok {
			return an.String() == bn.String()
		}
	}
	ab, err1 := json.Marshal(a)
	bb, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && bytes.Equal(ab, bb)
}

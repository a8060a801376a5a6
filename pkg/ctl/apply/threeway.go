package apply

import (
	"encoding/json"
	"fmt"
	"reflect"

	"keel.dev/apimachinery/pkg/util/typeschema"
)

// LastAppliedAnnotation keeps the manifest of the last client-side apply.
const LastAppliedAnnotation = "kubectl.kubernetes.io/last-applied-configuration"

// ThreeWayPatch returns the patch that turns current into modified while
// deleting the fields that original had and modified dropped. t is the Go
// type of the kind (nil for a JSON merge patch, where every list is atomic).
// An empty patch is returned as "{}".
func ThreeWayPatch(original, modified, current []byte, t reflect.Type) ([]byte, error) {
	var o, m, c map[string]any
	if len(original) > 0 {
		if err := json.Unmarshal(original, &o); err != nil {
			return nil, fmt.Errorf("decoding last applied configuration: %w", err)
		}
	}
	if err := json.Unmarshal(modified, &m); err != nil {
		return nil, fmt.Errorf("decoding manifest: %w", err)
	}
	if err := json.Unmarshal(current, &c); err != nil {
		return nil, fmt.Errorf("decoding live object: %w", err)
	}
	p := diffMaps(o, m, c, t)
	return json.Marshal(p)
}

func diffMaps(o, m, c map[string]any, t reflect.Type) map[string]any {
	p := map[string]any{}
	for k := range o {
		if _, ok := m[k]; !ok {
			if _, live := c[k]; live || c == nil {
				p[k] = nil
			}
		}
	}
	for k, mv := range m {
		cv, ok := c[k]
		if !ok {
			p[k] = mv
			continue
		}
		var field typeschema.Field
		if t != nil {
			field = typeschema.Lookup(t, k)
		}
		switch mvt := mv.(type) {
		case map[string]any:
			cvt, ok := cv.(map[string]any)
			if !ok {
				p[k] = mv
				continue
			}
			ov, _ := o[k].(map[string]any)
			var sub map[string]any
			if t != nil && field.Type != nil && typeschema.Deref(field.Type).Kind() == reflect.Map {
				sub = diffMaps(ov, mvt, cvt, typeschema.Deref(field.Type))
			} else {
				sub = diffMaps(ov, mvt, cvt, derefOrNil(field.Type))
			}
			if len(sub) > 0 {
				p[k] = sub
			}
		case []any:
			cvt, ok := cv.([]any)
			if !ok {
				p[k] = mv
				continue
			}
			ov, _ := o[k].([]any)
			switch {
			case t != nil && field.ListKind() == typeschema.Associative && field.MergeKey != "":
				items := diffAssociative(ov, mvt, cvt, field.MergeKey, typeschema.Deref(typeschema.Elem(field.Type)))
				if len(items) > 0 {
					p[k] = items
					order := make([]any, 0, len(mvt))
					for _, e := range mvt {
						if em, ok := e.(map[string]any); ok {
							order = append(order, map[string]any{field.MergeKey: em[field.MergeKey]})
						}
					}
					p["$setElementOrder/"+k] = order
				}
			case t != nil && field.ListKind() == typeschema.SetList:
				var add, del []any
				for _, e := range mvt {
					if !contains(cvt, e) {
						add = append(add, e)
					}
				}
				for _, e := range ov {
					if !contains(mvt, e) && contains(cvt, e) {
						del = append(del, e)
					}
				}
				if len(add) > 0 {
					p[k] = add
				}
				if len(del) > 0 {
					p["$deleteFromPrimitiveList/"+k] = del
				}
			default:
				if !reflect.DeepEqual(mv, cv) {
					p[k] = mv
				}
			}
		default:
			if !reflect.DeepEqual(mv, cv) {
				p[k] = mv
			}
		}
	}
	return p
}

func derefOrNil(t reflect.Type) reflect.Type {
	if t == nil {
		return nil
	}
	return typeschema.Deref(t)
}

func contains(l []any, v any) bool {
	for _, e := range l {
		if reflect.DeepEqual(e, v) {
			return true
		}
	}
	return false
}

func findByKey(l []any, key string, val any) map[string]any {
	for _, e := range l {
		if m, ok := e.(map[string]any); ok && reflect.DeepEqual(m[key], val) {
			return m
		}
	}
	return nil
}

// diffAssociative patches a list merged by key: changed or new elements
// (with their key), and `$patch: delete` for elements dropped from the manifest.
func diffAssociative(o, m, c []any, key string, elem reflect.Type) []any {
	var out []any
	for _, e := range m {
		em, ok := e.(map[string]any)
		if !ok {
			continue
		}
		cur := findByKey(c, key, em[key])
		if cur == nil {
			out = append(out, em)
			continue
		}
		sub := diffMaps(findByKey(o, key, em[key]), em, cur, elem)
		if len(sub) > 0 {
			sub[key] = em[key]
			out = append(out, sub)
		}
	}
	for _, e := range o {
		eo, ok := e.(map[string]any)
		if !ok {
			continue
		}
		if findByKey(m, key, eo[key]) == nil && findByKey(c, key, eo[key]) != nil {
			out = append(out, map[string]any{key: eo[key], "$patch": "delete"})
		}
	}
	return out
}

// Package typeschema reads the merge schema of API Go types from their struct
// tags: JSON member names (following inline and embedded structs) and the
// `patchStrategy`/`patchMergeKey` tags that say how lists merge. Strategic
// merge patch and server-side apply both use it.
package typeschema

import (
	"reflect"
	"strings"
	"sync"
)

// Field is what merging needs to know about one JSON member of a struct.
type Field struct {
	// Type is the member's Go type (nil when unknown).
	Type reflect.Type
	// Strategy is the patchStrategy tag: "merge", "replace", "retainKeys",
	// "merge,retainKeys" or "".
	Strategy string
	// MergeKey is the patchMergeKey of a merged list of objects.
	MergeKey string
}

// HasStrategy reports whether the field's patch strategy includes s.
func (f Field) HasStrategy(s string) bool {
	for _, p := range strings.Split(f.Strategy, ",") {
		if p == s {
			return true
		}
	}
	return false
}

// ListKind says how a list member merges.
type ListKind int

// The list kinds.
const (
	// Atomic lists are replaced whole.
	Atomic ListKind = iota
	// Associative lists merge element by element, keyed by MergeKey.
	Associative
	// SetList lists of scalars merge as sets.
	SetList
)

// ListKind classifies a list member.
func (f Field) ListKind() ListKind {
	if !f.HasStrategy("merge") {
		return Atomic
	}
	if f.MergeKey != "" {
		return Associative
	}
	return SetList
}

var cache sync.Map // reflect.Type -> map[string]Field

// Deref strips pointers.
func Deref(t reflect.Type) reflect.Type {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

// Fields returns the JSON members of struct type t.
func Fields(t reflect.Type) map[string]Field {
	t = Deref(t)
	if t == nil || t.Kind() != reflect.Struct {
		return nil
	}
	if v, ok := cache.Load(t); ok {
		return v.(map[string]Field)
	}
	out := map[string]Field{}
	collect(t, out)
	cache.Store(t, out)
	return out
}

func collect(t reflect.Type, out map[string]Field) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if (f.Anonymous && name == "") || strings.Contains(","+opts+",", ",inline,") {
			if ft := Deref(f.Type); ft.Kind() == reflect.Struct {
				collect(ft, out)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[name] = Field{Type: f.Type, Strategy: f.Tag.Get("patchStrategy"), MergeKey: f.Tag.Get("patchMergeKey")}
	}
}

// Lookup returns member key of t: a struct field, or the value type of a map.
// Anything without a schema yields the zero Field (merge as plain JSON).
func Lookup(t reflect.Type, key string) Field {
	t = Deref(t)
	if t == nil {
		return Field{}
	}
	switch t.Kind() {
	case reflect.Struct:
		return Fields(t)[key]
	case reflect.Map:
		return Field{Type: t.Elem()}
	}
	return Field{}
}

// Elem returns the element type of a list type, or nil.
func Elem(t reflect.Type) reflect.Type {
	t = Deref(t)
	if t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
		return t.Elem()
	}
	return nil
}

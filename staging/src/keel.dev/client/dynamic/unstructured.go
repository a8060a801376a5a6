package dynamic

import (
	"encoding/json"
	"maps"

	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"
	"keel.dev/apimachinery/pkg/types"
)

// Unstructured is an object held as its JSON map.
type Unstructured struct {
	Object map[string]any
}

var _ runtime.Object = (*Unstructured)(nil)

// GetObjectKind returns the object itself, which reads and writes
// apiVersion and kind in the map.
func (u *Unstructured) GetObjectKind() schema.ObjectKind { return u }

// DeepCopyObject returns a deep copy.
func (u *Unstructured) DeepCopyObject() runtime.Object { return u.DeepCopy() }

// DeepCopy returns a deep copy.
func (u *Unstructured) DeepCopy() *Unstructured {
	if u == nil {
		return nil
	}
	return &Unstructured{Object: deepCopyMap(u.Object)}
}

func deepCopyMap(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = deepCopyValue(v)
	}
	return out
}

func deepCopyValue(v any) any {
	switch x := v.(type) {
	case map[string]any:
		return deepCopyMap(x)
	case []any:
		out := make([]any, len(x))
		for i := range x {
			out[i] = deepCopyValue(x[i])
		}
		return out
	default:
		return x
	}
}

// GroupVersionKind reads apiVersion and kind.
func (u *Unstructured) GroupVersionKind() schema.GroupVersionKind {
	gv, _ := schema.ParseGroupVersion(u.GetAPIVersion())
	return gv.WithKind(u.GetKind())
}

// SetGroupVersionKind writes apiVersion and kind.
func (u *Unstructured) SetGroupVersionKind(gvk schema.GroupVersionKind) {
	u.set(gvk.GroupVersion().String(), "apiVersion")
	u.set(gvk.Kind, "kind")
}

// MarshalJSON encodes the map.
func (u *Unstructured) MarshalJSON() ([]byte, error) { return json.Marshal(u.Object) }

// UnmarshalJSON decodes into the map.
func (u *Unstructured) UnmarshalJSON(b []byte) error {
	u.Object = nil
	return json.Unmarshal(b, &u.Object)
}

// NestedField returns the value at path.
func (u *Unstructured) NestedField(path ...string) (any, bool) {
	var cur any = u.Object
	for _, p := range path {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[p]; !ok {
			return nil, false
		}
	}
	return cur, true
}

// SetNestedField sets the value at path, creating maps on the way.
func (u *Unstructured) SetNestedField(v any, path ...string) {
	if u.Object == nil {
		u.Object = map[string]any{}
	}
	m := u.Object
	for _, p := range path[:len(path)-1] {
		next, ok := m[p].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[p] = next
		}
		m = next
	}
	m[path[len(path)-1]] = v
}

func (u *Unstructured) str(path ...string) string {
	v, _ := u.NestedField(path...)
	s, _ := v.(string)
	return s
}

func (u *Unstructured) set(v string, path ...string) { u.SetNestedField(v, path...) }

func (u *Unstructured) strMap(path ...string) map[string]string {
	v, _ := u.NestedField(path...)
	m, _ := v.(map[string]any)
	if m == nil {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, x := range m {
		if s, ok := x.(string); ok {
			out[k] = s
		}
	}
	return out
}

func toAny(m map[string]string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range maps.All(m) {
		out[k] = v
	}
	return out
}

// GetAPIVersion returns apiVersion.
func (u *Unstructured) GetAPIVersion() string { return u.str("apiVersion") }

// GetKind returns kind.
func (u *Unstructured) GetKind() string { return u.str("kind") }

// GetName returns metadata.name.
func (u *Unstructured) GetName() string { return u.str("metadata", "name") }

// SetName sets metadata.name.
func (u *Unstructured) SetName(n string) { u.set(n, "metadata", "name") }

// GetNamespace returns metadata.namespace.
func (u *Unstructured) GetNamespace() string { return u.str("metadata", "namespace") }

// SetNamespace sets metadata.namespace.
func (u *Unstructured) SetNamespace(ns string) { u.set(ns, "metadata", "namespace") }

// GetResourceVersion returns metadata.resourceVersion.
func (u *Unstructured) GetResourceVersion() string { return u.str("metadata", "resourceVersion") }

// SetResourceVersion sets metadata.resourceVersion.
func (u *Unstructured) SetResourceVersion(rv string) { u.set(rv, "metadata", "resourceVersion") }

// GetUID returns metadata.uid.
func (u *Unstructured) GetUID() types.UID { return types.UID(u.str("metadata", "uid")) }

// GetLabels returns metadata.labels.
func (u *Unstructured) GetLabels() map[string]string { return u.strMap("metadata", "labels") }

// SetLabels sets metadata.labels.
func (u *Unstructured) SetLabels(l map[string]string) {
	u.SetNestedField(toAny(l), "metadata", "labels")
}

// GetAnnotations returns metadata.annotations.
func (u *Unstructured) GetAnnotations() map[string]string {
	return u.strMap("metadata", "annotations")
}

// SetAnnotations sets metadata.annotations.
func (u *Unstructured) SetAnnotations(a map[string]string) {
	u.SetNestedField(toAny(a), "metadata", "annotations")
}

// UnstructuredList is a list of unstructured objects.
type UnstructuredList struct {
	// Object holds the list's apiVersion, kind and metadata.
	Object map[string]any
	// Items are the objects.
	Items []Unstructured
}

// GetResourceVersion returns metadata.resourceVersion.
func (l *UnstructuredList) GetResourceVersion() string {
	u := Unstructured{Object: l.Object}
	return u.str("metadata", "resourceVersion")
}

// GetContinue returns metadata.continue.
func (l *UnstructuredList) GetContinue() string {
	u := Unstructured{Object: l.Object}
	return u.str("metadata", "continue")
}

// UnmarshalJSON decodes a list document.
func (l *UnstructuredList) UnmarshalJSON(b []byte) error {
	var doc struct {
		Items []map[string]any `json:"items"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return err
	}
	if err := json.Unmarshal(b, &l.Object); err != nil {
		return err
	}
	delete(l.Object, "items")
	l.Items = make([]Unstructured, len(doc.Items))
	for i, it := range doc.Items {
		l.Items[i] = Unstructured{Object: it}
	}
	return nil
}

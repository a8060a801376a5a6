package storagetest

import (
	"encoding/json"
	"maps"
	"slices"

	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
)

// Widget is a minimal namespaced kind for storage tests.
type Widget struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	Spec              WidgetSpec `json:"spec,omitempty"`
}

// WidgetSpec is the desired state of a Widget.
type WidgetSpec struct {
	Color string `json:"color,omitempty"`
	Node  string `json:"node,omitempty"`
	Count int64  `json:"count,omitempty"`
	Data  string `json:"data,omitempty"`
}

// WidgetList is a list of Widgets.
type WidgetList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []Widget `json:"items"`
}

// NewWidget returns an empty Widget (a storage NewFunc).
func NewWidget() runtime.Object { return &Widget{} }

// MakeWidget returns a Widget with the given namespace, name and labels.
func MakeWidget(ns, name string, labels map[string]string) *Widget {
	return &Widget{
		TypeMeta:   metav1.TypeMeta{Kind: "Widget", APIVersion: "test.keel.dev/v1"},
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, Labels: labels},
	}
}

// DeepCopyObject implements runtime.Object (hand-written: test type only).
func (w *Widget) DeepCopyObject() runtime.Object {
	if w == nil {
		return nil
	}
	out := *w
	out.Labels = maps.Clone(w.Labels)
	out.Annotations = maps.Clone(w.Annotations)
	out.Finalizers = slices.Clone(w.Finalizers)
	out.OwnerReferences = slices.Clone(w.OwnerReferences)
	out.ManagedFields = slices.Clone(w.ManagedFields)
	if w.DeletionTimestamp != nil {
		t := *w.DeletionTimestamp
		out.DeletionTimestamp = &t
	}
	if w.DeletionGracePeriodSeconds != nil {
		g := *w.DeletionGracePeriodSeconds
		out.DeletionGracePeriodSeconds = &g
	}
	return &out
}

// DeepCopyObject implements runtime.Object (hand-written: test type only).
func (l *WidgetList) DeepCopyObject() runtime.Object {
	out := *l
	out.Items = make([]Widget, len(l.Items))
	for i := range l.Items {
		out.Items[i] = *l.Items[i].DeepCopyObject().(*Widget)
	}
	return &out
}

// JSONCodec is a storage.Codec over encoding/json.
type JSONCodec struct{}

// Encode implements storage.Codec.
func (JSONCodec) Encode(obj runtime.Object) ([]byte, error) { return json.Marshal(obj) }

// Decode implements storage.Codec.
func (JSONCodec) Decode(data []byte, into runtime.Object) error { return json.Unmarshal(data, into) }

package dctest

import "keel.dev/apimachinery/pkg/runtime/schema"

// DeepCopyInto is written by hand; it counts its calls in the source.
func (in *HandMade) DeepCopyInto(out *HandMade) {
	*out = *in
	if in.Values != nil {
		out.Values = append([]int(nil), in.Values...)
	}
	if in.copies != nil {
		*in.copies++
	}
}

// GetObjectKind makes Event a runtime.Object once DeepCopyObject is generated.
func (e *Event) GetObjectKind() schema.ObjectKind { return schema.EmptyObjectKind }

package runtime

import "keel.dev/apimachinery/pkg/runtime/schema"

// Object is any API object: it can report its kind and copy itself deeply.
// Every kind in keel.dev/api implements it through an embedded TypeMeta and a
// generated DeepCopyObject.
type Object interface {
	GetObjectKind() schema.ObjectKind
	DeepCopyObject() Object
}

// RawExtension holds an embedded object in its serialized form (Raw) or
// decoded (Object). It marshals to the raw JSON it holds.
type RawExtension struct {
	// Raw is the serialized object.
	Raw []byte `json:"-" protobuf:"bytes,1,opt,name=raw"`
	// Object is the decoded object, when known; it is encoded in place of Raw.
	Object Object `json:"-"`
}

// Unknown is the protobuf envelope Kubernetes wraps every object in: the
// TypeMeta of the payload and its raw bytes.
type Unknown struct {
	TypeMeta `json:",inline" protobuf:"bytes,1,opt,name=typeMeta"`
	// Raw is the encoded object.
	Raw []byte `json:"-" protobuf:"bytes,2,opt,name=raw"`
	// ContentEncoding names how Raw is encoded (usually empty).
	ContentEncoding string `json:"contentEncoding" protobuf:"bytes,3,opt,name=contentEncoding"`
	// ContentType names the media type of Raw (usually empty, meaning protobuf).
	ContentType string `json:"contentType" protobuf:"bytes,4,opt,name=contentType"`
}

// TypeMeta is the apiVersion/kind pair inside the Unknown envelope (the
// runtime package's own, with protobuf tags, unlike metav1.TypeMeta).
type TypeMeta struct {
	APIVersion string `json:"apiVersion,omitempty" yaml:"apiVersion,omitempty" protobuf:"bytes,1,opt,name=apiVersion"`
	Kind       string `json:"kind,omitempty" yaml:"kind,omitempty" protobuf:"bytes,2,opt,name=kind"`
}

// GetObjectKind implements Object.
func (u *Unknown) GetObjectKind() schema.ObjectKind { return &u.TypeMeta }

// DeepCopyObject implements Object.
func (u *Unknown) DeepCopyObject() Object {
	if u == nil {
		return nil
	}
	out := *u
	out.Raw = append([]byte(nil), u.Raw...)
	return &out
}

// SetGroupVersionKind implements schema.ObjectKind.
func (t *TypeMeta) SetGroupVersionKind(gvk schema.GroupVersionKind) {
	t.APIVersion, t.Kind = gvk.ToAPIVersionAndKind()
}

// GroupVersionKind implements schema.ObjectKind.
func (t *TypeMeta) GroupVersionKind() schema.GroupVersionKind {
	return schema.FromAPIVersionAndKind(t.APIVersion, t.Kind)
}

// DeepCopyInto copies the extension into out.
func (in *RawExtension) DeepCopyInto(out *RawExtension) {
	*out = *in
	if in.Raw != nil {
		out.Raw = append([]byte(nil), in.Raw...)
	}
	if in.Object != nil {
		out.Object = in.Object.DeepCopyObject()
	}
}

// DeepCopy returns a deep copy.
func (in *RawExtension) DeepCopy() *RawExtension {
	if in == nil {
		return nil
	}
	out := new(RawExtension)
	in.DeepCopyInto(out)
	return out
}

package protobuf

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"google.golang.org/protobuf/encoding/protowire"

	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"
)

// Magic is the prefix of every enveloped protobuf object.
var Magic = []byte("k8s\x00")

// Serializer encodes objects as Magic followed by a runtime.Unknown
// envelope {typeMeta = 1 {apiVersion = 1, kind = 2}, raw = 2,
// contentEncoding = 3, contentType = 4}, and decodes them back through the
// scheme.
type Serializer struct {
	scheme *runtime.Scheme
}

var _ runtime.Serializer = (*Serializer)(nil)

// NewSerializer returns the enveloped protobuf serializer of scheme.
func NewSerializer(scheme *runtime.Scheme) *Serializer {
	return &Serializer{scheme: scheme}
}

// Encode writes obj in the envelope. apiVersion and kind come from the
// scheme, or from obj's TypeMeta when its type is not registered. A
// *runtime.Unknown is written as it is.
func (s *Serializer) Encode(obj runtime.Object, w io.Writer) error {
	if buf, ok := w.(*bytes.Buffer); ok {
		// Encode straight into the buffer's spare room.
		b, err := s.AppendEncode(buf.AvailableBuffer(), obj)
		if err != nil {
			return err
		}
		_, err = buf.Write(b)
		return err
	}
	b, err := s.AppendEncode(nil, obj)
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// AppendEncode appends the enveloped encoding of obj to b.
func (s *Serializer) AppendEncode(b []byte, obj runtime.Object) ([]byte, error) {
	if unk, ok := obj.(*runtime.Unknown); ok {
		return appendEnvelope(b, unk.APIVersion, unk.Kind, unk.Raw, unk.ContentEncoding, unk.ContentType), nil
	}
	gvk, err := kindOf(s.scheme, obj)
	if err != nil {
		return b, err
	}
	e, err := prepare(obj)
	if err != nil {
		return b, err
	}
	defer e.release()
	apiVersion, kind := gvk.ToAPIVersionAndKind()
	tmSize := typeMetaSize(apiVersion, kind)
	total := len(Magic) + 1 + protowire.SizeBytes(tmSize) + 1 + protowire.SizeBytes(e.size) + 4
	b = growBytes(b, total)
	b = appendEnvelopeHead(b, apiVersion, kind, tmSize)
	b = protowire.AppendVarint(append(b, 0x12), uint64(e.size))
	if b, err = e.appendTo(b); err != nil {
		return b, err
	}
	return append(b, 0x1a, 0x00, 0x22, 0x00), nil
}

// kindOf returns the kind obj is encoded as.
func kindOf(scheme *runtime.Scheme, obj runtime.Object) (schema.GroupVersionKind, error) {
	if scheme != nil {
		gvk, err := scheme.ObjectKind(obj)
		if err == nil {
			return gvk, nil
		}
		if !runtime.IsNotRegisteredError(err) {
			return gvk, err
		}
	}
	gvk := obj.GetObjectKind().GroupVersionKind()
	if gvk.Kind == "" {
		return gvk, fmt.Errorf("protobuf: cannot encode %T: its kind is unknown", obj)
	}
	return gvk, nil
}

func typeMetaSize(apiVersion, kind string) int {
	return 2 + protowire.SizeBytes(len(apiVersion)) + protowire.SizeBytes(len(kind))
}

func appendEnvelopeHead(b []byte, apiVersion, kind string, tmSize int) []byte {
	b = append(b, Magic...)
	b = protowire.AppendVarint(append(b, 0x0a), uint64(tmSize))
	b = protowire.AppendString(append(b, 0x0a), apiVersion)
	return protowire.AppendString(append(b, 0x12), kind)
}

func appendEnvelope(b []byte, apiVersion, kind string, raw []byte, contentEncoding, contentType string) []byte {
	b = appendEnvelopeHead(b, apiVersion, kind, typeMetaSize(apiVersion, kind))
	if raw != nil {
		b = protowire.AppendBytes(append(b, 0x12), raw)
	}
	b = protowire.AppendString(append(b, 0x1a), contentEncoding)
	return protowire.AppendString(append(b, 0x22), contentType)
}

// ParseEnvelope reads an enveloped object (Magic included) without decoding
// its payload; Raw aliases data.
func ParseEnvelope(data []byte) (*runtime.Unknown, error) {
	switch {
	case len(data) == 0:
		return nil, errors.New("protobuf: empty data")
	case !bytes.HasPrefix(data, Magic):
		return nil, fmt.Errorf("protobuf: the data does not start with the prefix %q of a Kubernetes protobuf message", Magic)
	case len(data) == len(Magic):
		return nil, errors.New("protobuf: empty body")
	}
	unk := &runtime.Unknown{}
	err := rangeMessage(data[len(Magic):], func(num protowire.Number, wt protowire.Type, v []byte) error {
		if wt != protowire.BytesType {
			return nil
		}
		switch num {
		case 1:
			return rangeMessage(v, func(num protowire.Number, wt protowire.Type, v []byte) error {
				switch {
				case wt != protowire.BytesType:
				case num == 1:
					unk.APIVersion = string(v)
				case num == 2:
					unk.Kind = string(v)
				}
				return nil
			})
		case 2:
			unk.Raw = v
		case 3:
			unk.ContentEncoding = string(v)
		case 4:
			unk.ContentType = string(v)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("protobuf: bad envelope: %w", err)
	}
	return unk, nil
}

// rangeMessage calls fn with every field of message b; v is the value of
// length-delimited fields and nil otherwise.
func rangeMessage(b []byte, fn func(num protowire.Number, wt protowire.Type, v []byte) error) error {
	for len(b) > 0 {
		num, wt, n := protowire.ConsumeTag(b)
		if n < 0 {
			return protowire.ParseError(n)
		}
		b = b[n:]
		var v []byte
		if wt == protowire.BytesType {
			v, n = protowire.ConsumeBytes(b)
		} else {
			n = protowire.ConsumeFieldValue(num, wt, b)
		}
		if n < 0 {
			return protowire.ParseError(n)
		}
		b = b[n:]
		if err := fn(num, wt, v); err != nil {
			return err
		}
	}
	return nil
}

// Decode reads an enveloped object. The kind comes from the envelope, with
// defaults filling what it leaves empty. into is used when it has the
// envelope's kind (or is not registered); a *runtime.Unknown receives the
// envelope itself. Otherwise the object is created through the scheme.
func (s *Serializer) Decode(data []byte, defaults *schema.GroupVersionKind, into runtime.Object) (runtime.Object, *schema.GroupVersionKind, error) {
	unk, err := ParseEnvelope(data)
	if err != nil {
		return nil, nil, err
	}
	actual := unk.GroupVersionKind()
	fillKind(&actual, defaults)
	if u, ok := into.(*runtime.Unknown); ok && u != nil {
		*u = *unk
		u.Raw = append([]byte(nil), unk.Raw...)
		if bytes.HasPrefix(u.Raw, Magic) {
			u.ContentType = runtime.ContentTypeProtobuf
		}
		return u, &actual, nil
	}
	return decodeInto(s.scheme, unk.Raw, &actual, into)
}

// fillKind fills the empty parts of gvk from defaults.
func fillKind(gvk *schema.GroupVersionKind, defaults *schema.GroupVersionKind) {
	if defaults == nil {
		return
	}
	if gvk.Kind == "" {
		gvk.Kind = defaults.Kind
	}
	if gvk.Version == "" && gvk.Group == "" {
		gvk.Group, gvk.Version = defaults.Group, defaults.Version
	}
}

// decodeInto decodes the message body raw as the kind actual, into into when
// that fits, else into a new object from the scheme.
func decodeInto(scheme *runtime.Scheme, raw []byte, actual *schema.GroupVersionKind, into runtime.Object) (runtime.Object, *schema.GroupVersionKind, error) {
	if into != nil {
		kinds, err := scheme.ObjectKinds(into)
		switch {
		case runtime.IsNotRegisteredError(err):
			if err := Unmarshal(raw, into); err != nil {
				return nil, actual, err
			}
			return into, actual, nil
		case err != nil:
			return nil, actual, err
		}
		fillKind(actual, &kinds[0])
		for _, k := range kinds {
			if k == *actual {
				if err := Unmarshal(raw, into); err != nil {
					return nil, actual, err
				}
				into.GetObjectKind().SetGroupVersionKind(*actual)
				return into, actual, nil
			}
		}
	}
	if actual.Kind == "" {
		return nil, actual, errors.New("protobuf: the object has no kind")
	}
	if actual.Version == "" {
		return nil, actual, fmt.Errorf("protobuf: the object of kind %q has no version", actual.Kind)
	}
	obj, err := scheme.New(*actual)
	if err != nil {
		return nil, actual, err
	}
	if err := Unmarshal(raw, obj); err != nil {
		return nil, actual, err
	}
	obj.GetObjectKind().SetGroupVersionKind(*actual)
	return obj, actual, nil
}

// RawSerializer encodes objects as bare protobuf messages, without Magic or
// envelope: the form of watch events on a protobuf stream. Decoding needs
// into or a default kind.
type RawSerializer struct {
	scheme *runtime.Scheme
}

var _ runtime.Serializer = (*RawSerializer)(nil)

// NewRawSerializer returns the bare-message serializer of scheme.
func NewRawSerializer(scheme *runtime.Scheme) *RawSerializer {
	return &RawSerializer{scheme: scheme}
}

// Encode writes obj's message body.
func (s *RawSerializer) Encode(obj runtime.Object, w io.Writer) error {
	b, err := Marshal(obj)
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// Decode reads a message body as the kind of into, or else of defaults.
func (s *RawSerializer) Decode(data []byte, defaults *schema.GroupVersionKind, into runtime.Object) (runtime.Object, *schema.GroupVersionKind, error) {
	var actual schema.GroupVersionKind
	fillKind(&actual, defaults)
	return decodeInto(s.scheme, data, &actual, into)
}

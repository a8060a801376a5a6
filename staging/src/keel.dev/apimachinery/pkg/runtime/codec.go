package runtime

import (
	"io"
	"strings"

	"keel.dev/apimachinery/pkg/runtime/schema"
)

// The media types the API serves.
const (
	ContentTypeJSON     = "application/json"
	ContentTypeYAML     = "application/yaml"
	ContentTypeProtobuf = "application/vnd.kubernetes.protobuf"
)

// Encoder writes an object in one serialization.
type Encoder interface {
	Encode(obj Object, w io.Writer) error
}

// Decoder reads an object. defaults fills in what the data leaves out of its
// group/version/kind; into, when non-nil, is decoded into if it has the
// right type. It returns the object and the kind the data named.
type Decoder interface {
	Decode(data []byte, defaults *schema.GroupVersionKind, into Object) (Object, *schema.GroupVersionKind, error)
}

// Serializer encodes and decodes one serialization.
type Serializer interface {
	Encoder
	Decoder
}

// StrictDecodingError lists the unknown and duplicate fields a strict decode
// found (`unknown field "spec.foo"`, `duplicate field "replicas"`). The
// decoder returns it with a fully decoded object, so the caller may warn
// (fieldValidation=Warn) or reject (Strict).
type StrictDecodingError struct {
	Errors []string
}

func (e *StrictDecodingError) Error() string {
	return "strict decoding error: " + strings.Join(e.Errors, ", ")
}

package resource

import (
	"bytes"
	"fmt"
	"strings"

	"google.golang.org/protobuf/encoding/protowire"
)

// MarshalJSON writes q as a JSON string in canonical form.
func (q Quantity) MarshalJSON() ([]byte, error) {
	out := make([]byte, 0, len(q.s)+20)
	out = append(out, '"')
	if q.s != "" {
		out = append(out, q.s...)
	} else {
		out = q.appendCanonical(out)
	}
	return append(out, '"'), nil
}

// UnmarshalJSON reads a JSON string or number; surrounding spaces inside the
// string are ignored and null sets q to zero.
func (q *Quantity) UnmarshalJSON(data []byte) error {
	if bytes.Equal(data, []byte("null")) {
		// Kubernetes keeps the format (and, by accident, the cached text);
		// we keep the format only.
		q.i, q.d, q.s = scaledInt{}, nil, ""
		return nil
	}
	if n := len(data); n >= 2 && data[0] == '"' && data[n-1] == '"' {
		data = data[1 : n-1]
	}
	parsed, err := ParseQuantity(strings.TrimSpace(string(data)))
	if err != nil {
		return err
	}
	*q = parsed
	return nil
}

// ToUnstructured returns the canonical string, the form q takes in
// unstructured (map-based) objects.
func (q Quantity) ToUnstructured() any { return q.String() }

// OpenAPISchemaType returns the OpenAPI v2 type of a Quantity.
func (Quantity) OpenAPISchemaType() []string { return []string{"string"} }

// OpenAPISchemaFormat returns the OpenAPI format of a Quantity (none).
func (Quantity) OpenAPISchemaFormat() string { return "" }

// OpenAPIV3OneOfTypes returns the OpenAPI v3 types a Quantity accepts.
func (Quantity) OpenAPIV3OneOfTypes() []string { return []string{"string", "number"} }

// appendText appends the text q is written as (canonical or verbatim).
func (q *Quantity) appendText(out []byte) []byte {
	if q.s != "" {
		return append(out, q.s...)
	}
	return q.appendCanonical(out)
}

// MarshalProto returns the body of Quantity's protobuf message: field 1
// (string) holding the canonical text, always present.
func (q Quantity) MarshalProto() ([]byte, error) {
	return q.AppendProto(nil), nil
}

// ProtoSize returns the length of the message body AppendProto writes.
func (q *Quantity) ProtoSize() int {
	var buf [40]byte
	n := len(q.appendText(buf[:0]))
	return 1 + protowire.SizeVarint(uint64(n)) + n
}

// AppendProto appends the message body MarshalProto returns.
func (q *Quantity) AppendProto(b []byte) []byte {
	var buf [40]byte
	text := q.appendText(buf[:0])
	b = protowire.AppendTag(b, 1, protowire.BytesType)
	return protowire.AppendBytes(b, text)
}

// UnmarshalProto parses the body of Quantity's protobuf message; unknown
// fields are skipped and an absent field 1 leaves q unchanged.
func (q *Quantity) UnmarshalProto(data []byte) error {
	for len(data) > 0 {
		num, typ, n := protowire.ConsumeTag(data)
		if n < 0 {
			return fmt.Errorf("proto: Quantity: %w", protowire.ParseError(n))
		}
		data = data[n:]
		if num != 1 {
			n = protowire.ConsumeFieldValue(num, typ, data)
			if n < 0 {
				return fmt.Errorf("proto: Quantity: field %d: %w", num, protowire.ParseError(n))
			}
			data = data[n:]
			continue
		}
		if typ != protowire.BytesType {
			return fmt.Errorf("proto: wrong wireType = %d for field String_", typ)
		}
		v, n := protowire.ConsumeBytes(data)
		if n < 0 {
			return fmt.Errorf("proto: Quantity: field 1: %w", protowire.ParseError(n))
		}
		data = data[n:]
		parsed, err := ParseQuantity(string(v))
		if err != nil {
			return err
		}
		*q = parsed
	}
	return nil
}

// QuantityValue adapts Quantity to the flag.Value and pflag.Value interfaces.
type QuantityValue struct {
	Quantity
}

// Set parses s into the value.
func (q *QuantityValue) Set(s string) error {
	parsed, err := ParseQuantity(s)
	if err != nil {
		return err
	}
	q.Quantity = parsed
	return nil
}

// Type names the flag type for pflag.
func (q QuantityValue) Type() string { return "quantity" }

// DeepCopy returns an independent copy of q, or nil.
func (q *QuantityValue) DeepCopy() *QuantityValue {
	if q == nil {
		return nil
	}
	out := new(QuantityValue)
	q.DeepCopyInto(out)
	return out
}

// DeepCopyInto copies q into out.
func (q *QuantityValue) DeepCopyInto(out *QuantityValue) {
	out.Quantity = q.Quantity.DeepCopy()
}

package intstr

import (
	"fmt"

	"google.golang.org/protobuf/encoding/protowire"
)

// MarshalProto returns the body of IntOrString's protobuf message. Like
// Kubernetes, all three fields (type=1, intVal=2, strVal=3) are always
// written, even when zero.
func (v IntOrString) MarshalProto() ([]byte, error) {
	return v.AppendProto(make([]byte, 0, v.ProtoSize())), nil
}

// ProtoSize returns the length of the message body AppendProto writes.
func (v *IntOrString) ProtoSize() int {
	return 3 + protowire.SizeVarint(uint64(v.Type)) + protowire.SizeVarint(uint64(v.IntVal)) +
		protowire.SizeBytes(len(v.StrVal))
}

// AppendProto appends the message body MarshalProto returns.
func (v *IntOrString) AppendProto(b []byte) []byte {
	b = protowire.AppendTag(b, 1, protowire.VarintType)
	b = protowire.AppendVarint(b, uint64(v.Type))
	b = protowire.AppendTag(b, 2, protowire.VarintType)
	b = protowire.AppendVarint(b, uint64(v.IntVal)) // negative values sign-extend to 10 bytes
	b = protowire.AppendTag(b, 3, protowire.BytesType)
	return protowire.AppendString(b, v.StrVal)
}

// UnmarshalProto parses the body of IntOrString's protobuf message into v,
// setting only the fields present and skipping unknown ones.
func (v *IntOrString) UnmarshalProto(data []byte) error {
	for len(data) > 0 {
		num, typ, n := protowire.ConsumeTag(data)
		if n < 0 {
			return fmt.Errorf("proto: IntOrString: %w", protowire.ParseError(n))
		}
		data = data[n:]
		var name string
		var want protowire.Type
		switch num {
		case 1:
			name, want = "Type", protowire.VarintType
		case 2:
			name, want = "IntVal", protowire.VarintType
		case 3:
			name, want = "StrVal", protowire.BytesType
		default:
			n = protowire.ConsumeFieldValue(num, typ, data)
			if n < 0 {
				return fmt.Errorf("proto: IntOrString: field %d: %w", num, protowire.ParseError(n))
			}
			data = data[n:]
			continue
		}
		if typ != want {
			return fmt.Errorf("proto: wrong wireType = %d for field %s", typ, name)
		}
		if num == 3 {
			b, n := protowire.ConsumeBytes(data)
			if n < 0 {
				return fmt.Errorf("proto: IntOrString: field %s: %w", name, protowire.ParseError(n))
			}
			v.StrVal = string(b)
			data = data[n:]
			continue
		}
		x, n := protowire.ConsumeVarint(data)
		if n < 0 {
			return fmt.Errorf("proto: IntOrString: field %s: %w", name, protowire.ParseError(n))
		}
		if num == 1 {
			v.Type = Type(x)
		} else {
			v.IntVal = int32(x)
		}
		data = data[n:]
	}
	return nil
}

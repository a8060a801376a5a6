package runtime

import (
	"encoding/json"
	"errors"

	"google.golang.org/protobuf/encoding/protowire"
)

// MarshalProto returns the protobuf form of the extension, {raw = 1}: Raw
// when set (omitted when nil, as Kubernetes writes it), else Object encoded
// as JSON, the same bytes MarshalJSON writes.
func (re *RawExtension) MarshalProto() ([]byte, error) {
	raw := re.Raw
	if raw == nil && re.Object != nil {
		var err error
		if raw, err = json.Marshal(re.Object); err != nil {
			return nil, err
		}
	}
	if raw == nil {
		return nil, nil
	}
	return protowire.AppendBytes([]byte{0x0a}, raw), nil
}

// UnmarshalProto reads {raw = 1} into Raw (a copy) and clears Object.
func (re *RawExtension) UnmarshalProto(b []byte) error {
	re.Raw, re.Object = nil, nil
	for len(b) > 0 {
		num, wt, n := protowire.ConsumeTag(b)
		if n < 0 {
			return errors.New("malformed RawExtension")
		}
		b = b[n:]
		if num == 1 && wt == protowire.BytesType {
			v, vn := protowire.ConsumeBytes(b)
			if vn < 0 {
				return errors.New("malformed RawExtension")
			}
			re.Raw = append([]byte{}, v...)
			n = vn
		} else if n = protowire.ConsumeFieldValue(num, wt, b); n < 0 {
			return errors.New("malformed RawExtension")
		}
		b = b[n:]
	}
	return nil
}

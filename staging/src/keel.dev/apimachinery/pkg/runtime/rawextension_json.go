package runtime

import (
	"bytes"
	"encoding/json"
)

// MarshalJSON writes Raw verbatim, or Object encoded as JSON, or null.
func (re RawExtension) MarshalJSON() ([]byte, error) {
	if re.Raw == nil {
		if re.Object != nil {
			return json.Marshal(re.Object)
		}
		return []byte("null"), nil
	}
	return re.Raw, nil
}

// UnmarshalJSON keeps the raw bytes; "null" leaves Raw nil.
func (re *RawExtension) UnmarshalJSON(in []byte) error {
	if re == nil {
		return nil
	}
	if !bytes.Equal(in, []byte("null")) {
		re.Raw = append(re.Raw[0:0], in...)
	}
	return nil
}

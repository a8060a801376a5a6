package intstr

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Type says which member of IntOrString is set.
type Type int64

// The IntOrString types.
const (
	Int    Type = iota // the IntVal member
	String             // the StrVal member
)

// IntOrString holds an int32 or a string; JSON is the bare number or string.
type IntOrString struct {
	Type   Type   `protobuf:"varint,1,opt,name=type,casttype=Type"`
	IntVal int32  `protobuf:"varint,2,opt,name=intVal"`
	StrVal string `protobuf:"bytes,3,opt,name=strVal"`
}

// FromInt32 returns an IntOrString holding i.
func FromInt32(i int32) IntOrString { return IntOrString{Type: Int, IntVal: i} }

// FromInt returns an IntOrString holding i (truncated to int32).
func FromInt(i int) IntOrString { return FromInt32(int32(i)) }

// FromString returns an IntOrString holding s.
func FromString(s string) IntOrString { return IntOrString{Type: String, StrVal: s} }

// Parse returns an int when s is a decimal integer, a string otherwise.
func Parse(s string) IntOrString {
	i, err := strconv.ParseInt(s, 10, 32)
	if err != nil {
		return FromString(s)
	}
	return FromInt32(int32(i))
}

// String renders the value.
func (v *IntOrString) String() string {
	if v == nil {
		return "<nil>"
	}
	if v.Type == String {
		return v.StrVal
	}
	return strconv.Itoa(int(v.IntVal))
}

// IntValue returns the int, or the string parsed as an int (0 when it is not one).
func (v *IntOrString) IntValue() int {
	if v.Type == String {
		i, _ := strconv.Atoi(v.StrVal)
		return i
	}
	return int(v.IntVal)
}

// MarshalJSON writes a bare number or string.
func (v IntOrString) MarshalJSON() ([]byte, error) {
	switch v.Type {
	case Int:
		return strconv.AppendInt(nil, int64(v.IntVal), 10), nil
	case String:
		return json.Marshal(v.StrVal)
	}
	return []byte{}, fmt.Errorf("impossible IntOrString.Type")
}

// UnmarshalJSON reads a number or a string. Like Kubernetes, it sets only the
// member named by the new type and leaves the other one as it was.
func (v *IntOrString) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		v.Type = String
		return json.Unmarshal(b, &v.StrVal)
	}
	v.Type = Int
	return json.Unmarshal(b, &v.IntVal)
}

// OpenAPISchemaType returns the OpenAPI v2 type of an IntOrString.
func (IntOrString) OpenAPISchemaType() []string { return []string{"string"} }

// OpenAPISchemaFormat returns the OpenAPI format of an IntOrString.
func (IntOrString) OpenAPISchemaFormat() string { return "int-or-string" }

// OpenAPIV3OneOfTypes returns the OpenAPI v3 types an IntOrString accepts.
func (IntOrString) OpenAPIV3OneOfTypes() []string { return []string{"integer", "string"} }

// ValueOrDefault returns v, or a pointer to def when v is nil.
func ValueOrDefault(v *IntOrString, def IntOrString) *IntOrString {
	if v == nil {
		return &def
	}
	return v
}

// GetScaledValueFromIntOrPercent resolves v against total: an int is taken
// as is, a string must be a percentage ("25%") of total, rounded up or down.
// Any other string is an error.
func GetScaledValueFromIntOrPercent(v *IntOrString, total int, roundUp bool) (int, error) {
	return resolve(v, total, roundUp, true)
}

// GetValueFromIntOrPercent is the lenient, deprecated form of
// GetScaledValueFromIntOrPercent: every string counts as a percentage, with
// or without '%' signs.
//
// Deprecated: use GetScaledValueFromIntOrPercent.
func GetValueFromIntOrPercent(v *IntOrString, total int, roundUp bool) (int, error) {
	return resolve(v, total, roundUp, false)
}

func resolve(v *IntOrString, total int, roundUp, strict bool) (int, error) {
	if v == nil {
		return 0, errors.New("nil value for IntOrString")
	}
	n, percent, err := v.intOrPercent(strict)
	if err != nil {
		return 0, fmt.Errorf("invalid value for IntOrString: %w", err)
	}
	if !percent {
		return n, nil
	}
	scaled := float64(n) * float64(total) / 100
	if roundUp {
		return int(math.Ceil(scaled)), nil
	}
	return int(math.Floor(scaled)), nil
}

// intOrPercent returns the number v holds and whether it is a percentage.
// In strict mode a string must end in a single '%'; otherwise every '%' is
// dropped.
func (v *IntOrString) intOrPercent(strict bool) (int, bool, error) {
	switch v.Type {
	case Int:
		return v.IntValue(), false, nil
	case String:
		digits := strings.ReplaceAll(v.StrVal, "%", "")
		if strict {
			var ok bool
			if digits, ok = strings.CutSuffix(v.StrVal, "%"); !ok {
				return 0, false, errors.New("invalid type: string is not a percentage")
			}
		}
		n, err := strconv.Atoi(digits)
		if err != nil {
			return 0, false, fmt.Errorf("invalid value %q: %w", v.StrVal, err)
		}
		return n, true, nil
	}
	return 0, false, errors.New("invalid type: neither int nor percentage")
}

// DeepCopyInto copies v into out.
func (v *IntOrString) DeepCopyInto(out *IntOrString) { *out = *v }

// DeepCopy returns a copy of v.
func (v *IntOrString) DeepCopy() *IntOrString {
	if v == nil {
		return nil
	}
	out := *v
	return &out
}

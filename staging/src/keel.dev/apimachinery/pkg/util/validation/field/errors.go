package field

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
)

// ErrorType says what is wrong with a field; its string is the Status cause
// reason ("FieldValueInvalid", …).
type ErrorType string

// The error types, with the cause reasons Kubernetes uses.
const (
	ErrorTypeNotFound     ErrorType = "FieldValueNotFound"
	ErrorTypeRequired     ErrorType = "FieldValueRequired"
	ErrorTypeDuplicate    ErrorType = "FieldValueDuplicate"
	ErrorTypeInvalid      ErrorType = "FieldValueInvalid"
	ErrorTypeNotSupported ErrorType = "FieldValueNotSupported"
	ErrorTypeForbidden    ErrorType = "FieldValueForbidden"
	ErrorTypeTooLong      ErrorType = "FieldValueTooLong"
	ErrorTypeTooMany      ErrorType = "FieldValueTooMany"
	ErrorTypeInternal     ErrorType = "InternalError"
	ErrorTypeTypeInvalid  ErrorType = "FieldValueTypeInvalid"
)

// String gives the human phrase for the type ("Invalid value", "Required value", …).
func (t ErrorType) String() string {
	switch t {
	case ErrorTypeNotFound:
		return "Not found"
	case ErrorTypeRequired:
		return "Required value"
	case ErrorTypeDuplicate:
		return "Duplicate value"
	case ErrorTypeInvalid:
		return "Invalid value"
	case ErrorTypeNotSupported:
		return "Unsupported value"
	case ErrorTypeForbidden:
		return "Forbidden"
	case ErrorTypeTooLong:
		return "Too long"
	case ErrorTypeTooMany:
		return "Too many"
	case ErrorTypeInternal:
		return "Internal error"
	case ErrorTypeTypeInvalid:
		return "Invalid value"
	default:
		return fmt.Sprintf("unrecognized validation error %q", string(t))
	}
}

// omitValue marks an Error whose BadValue should not be printed.
type omitValue struct{}

// OmitValueType is the BadValue of errors that do not show the value.
var OmitValueType = omitValue{}

// Error is one problem with one field.
type Error struct {
	Type     ErrorType
	Field    string
	BadValue any
	Detail   string
}

var _ error = (*Error)(nil)

// Error renders "field: Type: detail" as Kubernetes prints it.
func (e *Error) Error() string {
	return fmt.Sprintf("%s: %s", e.Field, e.ErrorBody())
}

// ErrorBody renders the error without its field: `Invalid value: "x": detail`.
func (e *Error) ErrorBody() string {
	var s string
	switch {
	case e.Type == ErrorTypeRequired, e.Type == ErrorTypeForbidden, e.Type == ErrorTypeTooLong, e.Type == ErrorTypeInternal:
		s = e.Type.String()
	case e.BadValue == OmitValueType:
		s = e.Type.String()
	default:
		s = fmt.Sprintf("%s: %s", e.Type, formatValue(e.BadValue))
	}
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	return s
}

func formatValue(v any) string {
	if v == nil {
		return "null"
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return "null"
		}
		rv = rv.Elem()
		v = rv.Interface()
	}
	switch rv.Kind() {
	case reflect.String:
		return strconv.Quote(rv.String())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64, reflect.Bool:
		return fmt.Sprintf("%v", v)
	}
	if s, ok := v.(fmt.Stringer); ok {
		return strconv.Quote(s.String())
	}
	if b, err := json.Marshal(v); err == nil {
		return string(b)
	}
	return fmt.Sprintf("%#v", v)
}

// NotFound says a referenced value does not exist.
func NotFound(p *Path, value any) *Error {
	return &Error{ErrorTypeNotFound, p.String(), value, ""}
}

// Required says a field must be set.
func Required(p *Path, detail string) *Error {
	return &Error{ErrorTypeRequired, p.String(), "", detail}
}

// Duplicate says a value occurs more than once where it must be unique.
func Duplicate(p *Path, value any) *Error {
	return &Error{ErrorTypeDuplicate, p.String(), value, ""}
}

// Invalid says a value is malformed.
func Invalid(p *Path, value any, detail string) *Error {
	return &Error{ErrorTypeInvalid, p.String(), value, detail}
}

// NotSupported says a value is not one of the allowed ones.
func NotSupported[T ~string](p *Path, value any, valid []T) *Error {
	detail := ""
	if len(valid) > 0 {
		q := make([]string, len(valid))
		for i, v := range valid {
			q[i] = strconv.Quote(string(v))
		}
		detail = "supported values: " + strings.Join(q, ", ")
	}
	return &Error{ErrorTypeNotSupported, p.String(), value, detail}
}

// Forbidden says a field may not be set or changed here.
func Forbidden(p *Path, detail string) *Error {
	return &Error{ErrorTypeForbidden, p.String(), "", detail}
}

// TooLong says a value exceeds its length limit.
func TooLong(p *Path, value any, maxLength int) *Error {
	detail := "value is too long"
	if maxLength >= 0 {
		detail = fmt.Sprintf("may not be more than %d bytes", maxLength)
	}
	return &Error{ErrorTypeTooLong, p.String(), value, detail}
}

// TooMany says a list has more items than allowed.
func TooMany(p *Path, actual, max int) *Error {
	detail := fmt.Sprintf("must have at most %d items", max)
	return &Error{ErrorTypeTooMany, p.String(), actual, detail}
}

// InternalError says validation itself failed.
func InternalError(p *Path, err error) *Error {
	return &Error{ErrorTypeInternal, p.String(), nil, err.Error()}
}

// ErrorList is a list of field errors; nil means valid.
type ErrorList []*Error

// ToAggregate renders the list as one error, or nil when empty.
func (l ErrorList) ToAggregate() error {
	if len(l) == 0 {
		return nil
	}
	return aggregate(l)
}

type aggregate ErrorList

func (a aggregate) Error() string {
	if len(a) == 1 {
		return a[0].Error()
	}
	parts := make([]string, 0, len(a))
	seen := map[string]bool{}
	for _, e := range a {
		s := e.Error()
		if !seen[s] {
			seen[s] = true
			parts = append(parts, s)
		}
	}
	if len(parts) == 1 {
		return parts[0]
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

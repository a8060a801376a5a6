package protobuf

import (
	"errors"
	"fmt"
	"reflect"
	"sync"
	"unsafe"
)

// NotMarshalableError reports a type that has no protobuf form, such as
// metav1.Table, whose cells are arbitrary JSON values.
type NotMarshalableError struct {
	Type reflect.Type
}

func (e *NotMarshalableError) Error() string {
	return fmt.Sprintf("object %v does not implement the protobuf marshalling interface and cannot be encoded to a protobuf message", e.Type)
}

var statePool = sync.Pool{New: func() any { return new(encState) }}

// encoding is a message sized and ready to be appended.
type encoding struct {
	st     *encState
	custom Marshaler
	blob   []byte
	msg    *message
	p      unsafe.Pointer
	size   int
}

// prepare runs the size pass over v, a pointer to a struct (or a Marshaler).
// The caller must call release.
func prepare(v any) (*encoding, error) {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return nil, fmt.Errorf("protobuf: cannot encode %T: need a non-nil pointer", v)
	}
	if m, ok := v.(Marshaler); ok {
		if _, ok := v.(Unmarshaler); ok {
			b, err := m.MarshalProto()
			if err != nil {
				return nil, err
			}
			return &encoding{blob: b, size: len(b)}, nil
		}
	}
	t := rv.Type().Elem()
	if t.Kind() != reflect.Struct {
		return nil, fmt.Errorf("protobuf: cannot encode %T: not a struct", v)
	}
	msg, err := planFor(t)
	if err != nil {
		return nil, fmt.Errorf("protobuf: %w", err)
	}
	if !msg.tagged {
		return nil, &NotMarshalableError{Type: rv.Type()}
	}
	st := statePool.Get().(*encState)
	st.reset()
	e := &encoding{st: st, msg: msg, p: rv.UnsafePointer()}
	e.size = msg.bodySize(e.p, st)
	if st.err != nil {
		err := st.err
		e.release()
		return nil, fmt.Errorf("protobuf: %w", err)
	}
	return e, nil
}

// appendTo appends the message body; it may be called once.
func (e *encoding) appendTo(b []byte) ([]byte, error) {
	if e.msg == nil {
		return append(b, e.blob...), nil
	}
	start := len(b)
	b = e.msg.appendBody(b, e.p, e.st)
	if e.st.err != nil {
		return b, fmt.Errorf("protobuf: %w", e.st.err)
	}
	if len(b)-start != e.size {
		return b, fmt.Errorf("protobuf: %v changed while being encoded (%d bytes written, %d sized)", e.msg.typ, len(b)-start, e.size)
	}
	return b, nil
}

func (e *encoding) release() {
	if e.st != nil {
		if cap(e.st.sizes) <= 1<<20 {
			e.st.reset()
			statePool.Put(e.st)
		}
		e.st = nil
	}
}

// Size returns the length of the protobuf message v encodes to.
func Size(v any) (int, error) {
	e, err := prepare(v)
	if err != nil {
		return 0, err
	}
	defer e.release()
	return e.size, nil
}

// Marshal returns the protobuf message body of v, a pointer to a struct
// with protobuf tags (or to a Marshaler).
func Marshal(v any) ([]byte, error) {
	return MarshalAppend(nil, v)
}

// MarshalAppend appends the protobuf message body of v to b.
func MarshalAppend(b []byte, v any) ([]byte, error) {
	e, err := prepare(v)
	if err != nil {
		return b, err
	}
	defer e.release()
	b = growBytes(b, e.size)
	return e.appendTo(b)
}

// growBytes makes room for n more bytes in b.
func growBytes(b []byte, n int) []byte {
	if cap(b)-len(b) >= n {
		return b
	}
	nb := make([]byte, len(b), len(b)+n)
	copy(nb, b)
	return nb
}

// Unmarshal replaces the value v points to with the message body b. Unknown
// fields are skipped; malformed input gives an error, never a panic.
func Unmarshal(b []byte, v any) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return fmt.Errorf("protobuf: cannot decode into %T: need a non-nil pointer", v)
	}
	if u, ok := v.(Unmarshaler); ok {
		if _, ok := v.(Marshaler); ok {
			return u.UnmarshalProto(b)
		}
	}
	t := rv.Type().Elem()
	if t.Kind() != reflect.Struct {
		return fmt.Errorf("protobuf: cannot decode into %T: not a struct", v)
	}
	msg, err := planFor(t)
	if err != nil {
		return fmt.Errorf("protobuf: %w", err)
	}
	if !msg.tagged {
		return &NotMarshalableError{Type: rv.Type()}
	}
	rv.Elem().SetZero()
	if err := msg.decodeBody(b, rv.UnsafePointer()); err != nil {
		return fmt.Errorf("protobuf: %w", err)
	}
	return nil
}

// IsNotMarshalable reports whether err says a type has no protobuf form.
func IsNotMarshalable(err error) bool {
	var nm *NotMarshalableError
	return errors.As(err, &nm)
}

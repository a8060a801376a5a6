package protobuf

import (
	"fmt"
	"reflect"
	"unsafe"

	"google.golang.org/protobuf/encoding/protowire"
)

// always sets f up for a value that is written even when zero: non-pointer
// scalars, strings and embedded messages.
func (f *field) always(vc *valueCoder) {
	tag := tagBytes(f.num, vc.wireType)
	tl := len(tag)
	f.tag = tag
	switch {
	case vc == stringCoder:
		f.kind = kindString
	case vc == int32Coder:
		f.kind = kindInt32
	case vc == int64Coder:
		f.kind = kindInt64
	case vc == boolCoder:
		f.kind = kindBool
	case vc.msg != nil:
		f.kind, f.msg = kindMessage, vc.msg
	}
	// The closures serve pointer fields built on this one and map values.
	switch vc {
	case stringCoder:
		f.size = func(p unsafe.Pointer, _ *encState) int {
			return tl + protowire.SizeBytes(len(*(*string)(p)))
		}
		f.appendTo = func(b []byte, p unsafe.Pointer, _ *encState) []byte {
			return protowire.AppendString(append(b, tag...), *(*string)(p))
		}
	case int32Coder:
		f.size = func(p unsafe.Pointer, _ *encState) int {
			return tl + protowire.SizeVarint(uint64(int64(*(*int32)(p))))
		}
		f.appendTo = func(b []byte, p unsafe.Pointer, _ *encState) []byte {
			return protowire.AppendVarint(append(b, tag...), uint64(int64(*(*int32)(p))))
		}
	case int64Coder:
		f.size = func(p unsafe.Pointer, _ *encState) int {
			return tl + protowire.SizeVarint(uint64(*(*int64)(p)))
		}
		f.appendTo = func(b []byte, p unsafe.Pointer, _ *encState) []byte {
			return protowire.AppendVarint(append(b, tag...), uint64(*(*int64)(p)))
		}
	case boolCoder:
		f.size = func(unsafe.Pointer, *encState) int { return tl + 1 }
		f.appendTo = func(b []byte, p unsafe.Pointer, _ *encState) []byte {
			return append(append(b, tag...), byte(protowire.EncodeBool(*(*bool)(p))))
		}
	default:
		f.size = func(p unsafe.Pointer, st *encState) int {
			return tl + vc.size(p, st)
		}
		f.appendTo = func(b []byte, p unsafe.Pointer, st *encState) []byte {
			return vc.appendTo(append(b, tag...), p, st)
		}
	}
	f.decode = vc.decode
}

// pointer sets f up for a pointer field, written only when non-nil.
func (f *field) pointer(elem reflect.Type, vc *valueCoder) {
	tag := tagBytes(f.num, vc.wireType)
	tl := len(tag)
	// Scalars behind pointers get direct paths, as in always.
	var scalar field
	switch vc {
	case stringCoder, int32Coder, int64Coder, boolCoder:
		scalar.num = f.num
		scalar.always(vc)
	}
	switch {
	case scalar.size != nil:
		f.size = func(p unsafe.Pointer, st *encState) int {
			q := *(*unsafe.Pointer)(p)
			if q == nil {
				return 0
			}
			return scalar.size(q, st)
		}
		f.appendTo = func(b []byte, p unsafe.Pointer, st *encState) []byte {
			q := *(*unsafe.Pointer)(p)
			if q == nil {
				return b
			}
			return scalar.appendTo(b, q, st)
		}
	default:
		f.size = func(p unsafe.Pointer, st *encState) int {
			q := *(*unsafe.Pointer)(p)
			if q == nil {
				return 0
			}
			return tl + vc.size(q, st)
		}
		f.appendTo = func(b []byte, p unsafe.Pointer, st *encState) []byte {
			q := *(*unsafe.Pointer)(p)
			if q == nil {
				return b
			}
			return vc.appendTo(append(b, tag...), q, st)
		}
	}
	f.decode = func(b []byte, wt protowire.Type, p unsafe.Pointer) (int, error) {
		q := *(*unsafe.Pointer)(p)
		if q == nil {
			q = reflect.New(elem).UnsafePointer()
			*(*unsafe.Pointer)(p) = q
		}
		return vc.decode(b, wt, q)
	}
}

// bytes sets f up for a []byte field, written only when non-nil.
func (f *field) bytes() {
	tag := tagBytes(f.num, protowire.BytesType)
	tl := len(tag)
	f.size = func(p unsafe.Pointer, _ *encState) int {
		s := *(*[]byte)(p)
		if s == nil {
			return 0
		}
		return tl + protowire.SizeBytes(len(s))
	}
	f.appendTo = func(b []byte, p unsafe.Pointer, _ *encState) []byte {
		s := *(*[]byte)(p)
		if s == nil {
			return b
		}
		return protowire.AppendBytes(append(b, tag...), s)
	}
	f.decode = bytesCoder.decode
}

// nonNilSlice sets f up for a named slice written as a wrapper message when
// non-nil (an empty slice is written as an empty message).
func (f *field) nonNilSlice(vc *valueCoder) {
	tag := tagBytes(f.num, vc.wireType)
	tl := len(tag)
	f.size = func(p unsafe.Pointer, st *encState) int {
		if (*sliceHeader)(p).data == nil {
			return 0
		}
		return tl + vc.size(p, st)
	}
	f.appendTo = func(b []byte, p unsafe.Pointer, st *encState) []byte {
		if (*sliceHeader)(p).data == nil {
			return b
		}
		return vc.appendTo(append(b, tag...), p, st)
	}
	f.decode = vc.decode
}

// repeated sets f up for an unnamed slice: one field per element, scalars
// unpacked; decoding also accepts packed scalars.
func (f *field) repeated(t reflect.Type) error {
	elem := t.Elem()
	var vc *valueCoder
	var err error
	isPtr := elem.Kind() == reflect.Pointer
	if isPtr {
		if elem.Elem().Kind() != reflect.Struct {
			return fmt.Errorf("unsupported slice type %v", t)
		}
		vc, err = valueCoderFor(elem.Elem())
	} else {
		if elem.Kind() == reflect.Slice && elem.Elem().Kind() != reflect.Uint8 && elem.Name() == "" {
			return fmt.Errorf("unsupported slice type %v", t)
		}
		vc, err = valueCoderFor(elem)
	}
	if err != nil {
		return err
	}
	tag := tagBytes(f.num, vc.wireType)
	tl := len(tag)
	es := elem.Size()

	var zero unsafe.Pointer
	if isPtr {
		zero = reflect.New(elem.Elem()).UnsafePointer()
	}
	at := func(h *sliceHeader, i int) unsafe.Pointer {
		q := unsafe.Add(h.data, uintptr(i)*es)
		if isPtr {
			if q = *(*unsafe.Pointer)(q); q == nil {
				q = zero
			}
		}
		return q
	}
	f.size = func(p unsafe.Pointer, st *encState) int {
		h := (*sliceHeader)(p)
		n := 0
		for i := 0; i < h.len; i++ {
			n += tl + vc.size(at(h, i), st)
		}
		return n
	}
	f.appendTo = func(b []byte, p unsafe.Pointer, st *encState) []byte {
		h := (*sliceHeader)(p)
		for i := 0; i < h.len; i++ {
			b = vc.appendTo(append(b, tag...), at(h, i), st)
		}
		return b
	}

	// grow appends a zero element and returns its address. rest is the
	// remainder of the enclosing message, starting at the element: when the
	// slice is still empty, the other occurrences of the field in it are
	// counted so that the slice is allocated once.
	grow := func(p unsafe.Pointer, rest []byte, wt protowire.Type) unsafe.Pointer {
		if elem.Kind() == reflect.String {
			s := (*[]string)(p)
			if *s == nil {
				*s = make([]string, 0, countField(rest, f.num, wt))
			}
			*s = append(*s, "")
			return unsafe.Pointer(&(*s)[len(*s)-1])
		}
		var q unsafe.Pointer
		if h := (*sliceHeader)(p); h.len < h.cap {
			// Spare capacity is always zero: the decoder starts from zeroed
			// values and only grows slices through reflect, which zeroes.
			q = unsafe.Add(h.data, uintptr(h.len)*es)
			h.len++
		} else {
			s := reflect.NewAt(t, p).Elem()
			n := s.Len()
			if n == 0 {
				s.Grow(countField(rest, f.num, wt))
			} else {
				s.Grow(1)
			}
			s.SetLen(n + 1)
			q = s.Index(n).Addr().UnsafePointer()
		}
		if isPtr {
			np := reflect.New(elem.Elem()).UnsafePointer()
			*(*unsafe.Pointer)(q) = np
			q = np
		}
		return q
	}
	f.decode = func(b []byte, wt protowire.Type, p unsafe.Pointer) (int, error) {
		if wt == vc.wireType {
			return vc.decode(b, wt, grow(p, b, wt))
		}
		if !vc.packable || wt != protowire.BytesType {
			return 0, errWireType(wt)
		}
		v, n, err := consumeBytes(b, wt)
		if err != nil {
			return 0, err
		}
		for len(v) > 0 {
			en, err := vc.decode(v, vc.wireType, grow(p, nil, wt))
			if err != nil {
				return 0, err
			}
			v = v[en:]
		}
		return n, nil
	}
	return nil
}

// countField counts the values of field num in rest, a message remainder
// that starts with one such value of wire type wt (after its tag). The
// result only sizes a first allocation.
func countField(rest []byte, num protowire.Number, wt protowire.Type) int {
	if rest == nil {
		return 1
	}
	n := 1
	vn := protowire.ConsumeFieldValue(num, wt, rest)
	for vn >= 0 && len(rest) > vn {
		rest = rest[vn:]
		tnum, twt, tn := protowire.ConsumeTag(rest)
		if tn < 0 {
			break
		}
		rest = rest[tn:]
		if tnum == num {
			n++
		}
		vn = protowire.ConsumeFieldValue(tnum, twt, rest)
	}
	return n
}

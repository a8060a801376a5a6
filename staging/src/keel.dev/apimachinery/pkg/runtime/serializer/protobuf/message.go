package protobuf

import (
	"fmt"
	"reflect"
	"unsafe"

	"google.golang.org/protobuf/encoding/protowire"
)

// encState carries what the size pass learns to the append pass: the body
// length of every nested message (in pre-order), the bytes of hand-written
// types that only implement Marshaler, and the sorted entries of maps.
type encState struct {
	sizes    []int
	nextSize int
	blobs    [][]byte
	nextBlob int
	maps     []sortedMap
	nextMap  int
	arenas   map[reflect.Type]*mapArena
	ints     []int // backing of the maps' orders
	iter     reflect.MapIter
	keys     []string // scratch for sorting map[string]string keys
	err      error
}

// arena returns the entry arena of map type t.
func (st *encState) arena(t reflect.Type) *mapArena {
	a := st.arenas[t]
	if a == nil {
		if st.arenas == nil {
			st.arenas = map[reflect.Type]*mapArena{}
		}
		a = &mapArena{}
		st.arenas[t] = a
	}
	return a
}

func (st *encState) reserve() int {
	st.sizes = append(st.sizes, 0)
	return len(st.sizes) - 1
}

func (st *encState) take() int {
	n := st.sizes[st.nextSize]
	st.nextSize++
	return n
}

func (st *encState) reset() {
	st.sizes = st.sizes[:0]
	st.nextSize = 0
	clear(st.blobs)
	st.blobs = st.blobs[:0]
	st.nextBlob = 0
	clear(st.maps)
	st.maps = st.maps[:0]
	st.nextMap = 0
	for _, a := range st.arenas {
		a.clear()
	}
	st.ints = st.ints[:0]
	clear(st.keys)
	st.keys = st.keys[:0]
	st.err = nil
}

// bodySize returns the length of the message body at p.
func (m *message) bodySize(p unsafe.Pointer, st *encState) int {
	n := 0
	for i := range m.fields {
		f := &m.fields[i]
		fp := unsafe.Add(p, f.offset)
		switch f.kind {
		case kindString:
			l := len(*(*string)(fp))
			n += len(f.tag) + protowire.SizeVarint(uint64(l)) + l
		case kindInt32:
			n += len(f.tag) + protowire.SizeVarint(uint64(int64(*(*int32)(fp))))
		case kindInt64:
			n += len(f.tag) + protowire.SizeVarint(uint64(*(*int64)(fp)))
		case kindBool:
			n += len(f.tag) + 1
		case kindMessage:
			j := st.reserve()
			bn := f.msg.bodySize(fp, st)
			st.sizes[j] = bn
			n += len(f.tag) + protowire.SizeVarint(uint64(bn)) + bn
		default:
			n += f.size(fp, st)
		}
	}
	return n
}

// appendBody appends the message body at p.
func (m *message) appendBody(b []byte, p unsafe.Pointer, st *encState) []byte {
	for i := range m.fields {
		f := &m.fields[i]
		fp := unsafe.Add(p, f.offset)
		switch f.kind {
		case kindString:
			b = protowire.AppendString(append(b, f.tag...), *(*string)(fp))
		case kindInt32:
			b = protowire.AppendVarint(append(b, f.tag...), uint64(int64(*(*int32)(fp))))
		case kindInt64:
			b = protowire.AppendVarint(append(b, f.tag...), uint64(*(*int64)(fp)))
		case kindBool:
			b = append(append(b, f.tag...), byte(protowire.EncodeBool(*(*bool)(fp))))
		case kindMessage:
			b = protowire.AppendVarint(append(b, f.tag...), uint64(st.take()))
			b = f.msg.appendBody(b, fp, st)
		default:
			b = f.appendTo(b, fp, st)
		}
	}
	return b
}

// decodeBody merges the message body b into the struct at p. Unknown fields
// are skipped.
func (m *message) decodeBody(b []byte, p unsafe.Pointer) error {
	for len(b) > 0 {
		num, wt, n := protowire.ConsumeTag(b)
		if n < 0 {
			return fmt.Errorf("%v: bad field tag: %w", m.typ, protowire.ParseError(n))
		}
		b = b[n:]
		f := m.lookup(num)
		if f == nil {
			n = protowire.ConsumeFieldValue(num, wt, b)
			if n < 0 {
				return fmt.Errorf("%v: unknown field %d: %w", m.typ, num, protowire.ParseError(n))
			}
			b = b[n:]
			continue
		}
		n, err := f.decode(b, wt, unsafe.Add(p, f.offset))
		if err != nil {
			return fmt.Errorf("%v.%s: %w", m.typ, f.name, err)
		}
		b = b[n:]
	}
	return nil
}

// messageCoder returns the coder of an embedded message of struct type t.
func messageCoder(t reflect.Type) (*valueCoder, error) {
	m := planLocked(t)
	if m.err != nil {
		return nil, m.err
	}
	return &valueCoder{
		wireType:  protowire.BytesType,
		usesState: true,
		msg:       m,
		size: func(p unsafe.Pointer, st *encState) int {
			i := st.reserve()
			n := m.bodySize(p, st)
			st.sizes[i] = n
			return protowire.SizeVarint(uint64(n)) + n
		},
		appendTo: func(b []byte, p unsafe.Pointer, st *encState) []byte {
			b = protowire.AppendVarint(b, uint64(st.take()))
			return m.appendBody(b, p, st)
		},
		decode: func(b []byte, wt protowire.Type, p unsafe.Pointer) (int, error) {
			v, n, err := consumeBytes(b, wt)
			if err != nil {
				return 0, err
			}
			return n, m.decodeBody(v, p)
		},
	}, nil
}

// customCoder returns the coder of a type with a hand-written form.
func customCoder(t reflect.Type) *valueCoder {
	vc := &valueCoder{
		wireType:  protowire.BytesType,
		usesState: true,
		decode: func(b []byte, wt protowire.Type, p unsafe.Pointer) (int, error) {
			v, n, err := consumeBytes(b, wt)
			if err != nil {
				return 0, err
			}
			u := reflect.NewAt(t, p).Interface().(Unmarshaler)
			return n, u.UnmarshalProto(v)
		},
	}
	if reflect.PointerTo(t).Implements(appenderType) {
		vc.size = func(p unsafe.Pointer, st *encState) int {
			n := reflect.NewAt(t, p).Interface().(Appender).ProtoSize()
			st.sizes = append(st.sizes, n)
			return protowire.SizeVarint(uint64(n)) + n
		}
		vc.appendTo = func(b []byte, p unsafe.Pointer, st *encState) []byte {
			n := st.take()
			b = protowire.AppendVarint(b, uint64(n))
			start := len(b)
			b = reflect.NewAt(t, p).Interface().(Appender).AppendProto(b)
			if len(b)-start != n && st.err == nil {
				st.err = fmt.Errorf("%v: AppendProto wrote %d bytes, ProtoSize said %d", t, len(b)-start, n)
			}
			return b
		}
		return vc
	}
	vc.size = func(p unsafe.Pointer, st *encState) int {
		data, err := reflect.NewAt(t, p).Interface().(Marshaler).MarshalProto()
		if err != nil && st.err == nil {
			st.err = fmt.Errorf("%v: %w", t, err)
		}
		st.blobs = append(st.blobs, data)
		return protowire.SizeBytes(len(data))
	}
	vc.appendTo = func(b []byte, p unsafe.Pointer, st *encState) []byte {
		data := st.blobs[st.nextBlob]
		st.nextBlob++
		return protowire.AppendBytes(b, data)
	}
	return vc
}

// wrappedListCoder returns the coder of a named slice type, which gogo
// writes as a message whose field 1 holds the items (metav1.Verbs).
func wrappedListCoder(t reflect.Type) (*valueCoder, error) {
	items := field{num: 1, name: "Items"}
	if err := items.repeated(t); err != nil {
		return nil, err
	}
	return &valueCoder{
		wireType:  protowire.BytesType,
		usesState: true,
		size: func(p unsafe.Pointer, st *encState) int {
			i := st.reserve()
			n := items.size(p, st)
			st.sizes[i] = n
			return protowire.SizeVarint(uint64(n)) + n
		},
		appendTo: func(b []byte, p unsafe.Pointer, st *encState) []byte {
			b = protowire.AppendVarint(b, uint64(st.take()))
			return items.appendTo(b, p, st)
		},
		decode: func(b []byte, wt protowire.Type, p unsafe.Pointer) (int, error) {
			v, n, err := consumeBytes(b, wt)
			if err != nil {
				return 0, err
			}
			for len(v) > 0 {
				num, iwt, tn := protowire.ConsumeTag(v)
				if tn < 0 {
					return 0, protowire.ParseError(tn)
				}
				v = v[tn:]
				if num != 1 {
					tn = protowire.ConsumeFieldValue(num, iwt, v)
				} else {
					tn, err = items.decode(v, iwt, p)
				}
				if err != nil {
					return 0, err
				}
				if tn < 0 {
					return 0, protowire.ParseError(tn)
				}
				v = v[tn:]
			}
			if (*sliceHeader)(p).data == nil {
				reflect.NewAt(t, p).Elem().Set(reflect.MakeSlice(t, 0, 0))
			}
			return n, nil
		},
	}, nil
}

package protobuf

import (
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unsafe"

	"google.golang.org/protobuf/encoding/protowire"
)

// Marshaler is implemented by types whose protobuf message is written by
// hand. MarshalProto returns the message body: no field tag, no length.
type Marshaler interface {
	MarshalProto() ([]byte, error)
}

// Unmarshaler is the reverse of Marshaler: it replaces the receiver with the
// message body b.
type Unmarshaler interface {
	UnmarshalProto(b []byte) error
}

// Appender is an optional, allocation-free form of Marshaler: ProtoSize is
// the length of the body that AppendProto appends.
type Appender interface {
	ProtoSize() int
	AppendProto(b []byte) []byte
}

var (
	marshalerType   = reflect.TypeFor[Marshaler]()
	unmarshalerType = reflect.TypeFor[Unmarshaler]()
	appenderType    = reflect.TypeFor[Appender]()
	stringMapType   = reflect.TypeFor[map[string]string]()
)

// valueCoder encodes one value of a Go type without its field tag. size and
// appendTo are called in the same order over the same values: size records
// nested message lengths in the encState, appendTo consumes them.
type valueCoder struct {
	wireType protowire.Type
	// size returns the encoded length of the value at p (length prefix included).
	size func(p unsafe.Pointer, st *encState) int
	// appendTo appends the value at p.
	appendTo func(b []byte, p unsafe.Pointer, st *encState) []byte
	// decode reads one value of wire type wt from b into p and returns the
	// bytes consumed.
	decode func(b []byte, wt protowire.Type, p unsafe.Pointer) (int, error)
	// usesState says whether size records entries in the encState (nested
	// messages, hand-written types); map entries of such values are sorted
	// before sizing so both passes visit them in the same order.
	usesState bool
	// packable says whether a repeated field of this value may arrive packed.
	packable bool
	// msg is the plan of an embedded message's type (messageCoder only).
	msg *message
}

// fieldKind lets the message loops handle the commonest always-written
// fields inline instead of through their closures.
type fieldKind uint8

const (
	kindOther fieldKind = iota
	kindString
	kindInt32
	kindInt64
	kindBool
	kindMessage
)

// field is one tagged struct field.
type field struct {
	num    protowire.Number
	name   string
	offset uintptr
	kind   fieldKind
	tag    []byte   // the field's tag, for the inline kinds
	msg    *message // kindMessage: the embedded message's plan
	// size, appendTo and decode work on the field at p (tag included).
	size     func(p unsafe.Pointer, st *encState) int
	appendTo func(b []byte, p unsafe.Pointer, st *encState) []byte
	decode   func(b []byte, wt protowire.Type, p unsafe.Pointer) (int, error)
}

// message is the plan of a struct type.
type message struct {
	typ    reflect.Type
	fields []field
	// index maps a field number to its position in fields plus one.
	index []int32
	// tagged says whether any field carries a protobuf tag.
	tagged bool
	err    error
}

func (m *message) lookup(num protowire.Number) *field {
	if int(num) < len(m.index) {
		if i := m.index[num]; i > 0 {
			return &m.fields[i-1]
		}
	}
	return nil
}

var (
	plans   sync.Map // reflect.Type -> *message
	buildMu sync.Mutex
	// building holds plans under construction, so recursive types resolve.
	building = map[reflect.Type]*message{}
)

// planFor returns the cached plan of struct type t, building it on first use.
func planFor(t reflect.Type) (*message, error) {
	if m, ok := plans.Load(t); ok {
		m := m.(*message)
		return m, m.err
	}
	buildMu.Lock()
	defer buildMu.Unlock()
	m := planLocked(t)
	return m, m.err
}

func planLocked(t reflect.Type) *message {
	if m, ok := plans.Load(t); ok {
		return m.(*message)
	}
	if m, ok := building[t]; ok {
		return m
	}
	m := &message{typ: t}
	building[t] = m
	m.err = m.build()
	delete(building, t)
	plans.Store(t, m)
	return m
}

// parseTag returns the field number of a protobuf struct tag; ok is false
// for fields the codec skips (no tag, or "-").
func parseTag(tag string) (num protowire.Number, ok bool, err error) {
	if tag == "" || tag == "-" {
		return 0, false, nil
	}
	parts := strings.Split(tag, ",")
	if len(parts) < 2 {
		return 0, false, fmt.Errorf("malformed protobuf tag %q", tag)
	}
	n, err := strconv.Atoi(parts[1])
	if err != nil || n <= 0 || protowire.Number(n) > protowire.MaxValidNumber {
		return 0, false, fmt.Errorf("malformed protobuf tag %q: bad field number", tag)
	}
	return protowire.Number(n), true, nil
}

func (m *message) build() error {
	t := m.typ
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		num, ok, err := parseTag(sf.Tag.Get("protobuf"))
		if err != nil {
			return fmt.Errorf("%v.%s: %w", t, sf.Name, err)
		}
		if !ok {
			continue
		}
		m.tagged = true
		f, err := newField(sf.Type, num, sf.Tag)
		if err != nil {
			return fmt.Errorf("%v.%s: %w", t, sf.Name, err)
		}
		f.name = sf.Name
		f.offset = sf.Offset
		m.fields = append(m.fields, f)
	}
	sort.SliceStable(m.fields, func(i, j int) bool { return m.fields[i].num < m.fields[j].num })
	maxNum := protowire.Number(0)
	for i, f := range m.fields {
		if i > 0 && m.fields[i-1].num == f.num {
			return fmt.Errorf("%v: field number %d used twice", t, f.num)
		}
		maxNum = f.num
	}
	if maxNum > 1<<16 {
		return fmt.Errorf("%v: field number %d too large", t, maxNum)
	}
	m.index = make([]int32, maxNum+1)
	for i, f := range m.fields {
		m.index[f.num] = int32(i + 1)
	}
	return nil
}

// hasCustom reports whether *t has a hand-written protobuf form.
func hasCustom(t reflect.Type) bool {
	pt := reflect.PointerTo(t)
	return pt.Implements(marshalerType) && pt.Implements(unmarshalerType)
}

// newField builds the coder of a struct field of type t.
func newField(t reflect.Type, num protowire.Number, tag reflect.StructTag) (field, error) {
	f := field{num: num}
	switch {
	case hasCustom(t):
		vc := customCoder(t)
		f.always(vc)
	case t.Kind() == reflect.Pointer:
		vc, err := valueCoderFor(t.Elem())
		if err != nil {
			return f, err
		}
		f.pointer(t.Elem(), vc)
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8:
		f.bytes()
	case t.Kind() == reflect.Slice && t.Name() != "":
		vc, err := wrappedListCoder(t)
		if err != nil {
			return f, err
		}
		f.nonNilSlice(vc)
	case t.Kind() == reflect.Slice:
		return f, f.repeated(t)
	case t.Kind() == reflect.Map:
		return f, f.mapField(t, tag)
	default:
		vc, err := valueCoderFor(t)
		if err != nil {
			return f, err
		}
		f.always(vc)
	}
	return f, nil
}

// valueCoderFor returns the coder of a single value of type t.
func valueCoderFor(t reflect.Type) (*valueCoder, error) {
	if hasCustom(t) {
		return customCoder(t), nil
	}
	switch t.Kind() {
	case reflect.String:
		return stringCoder, nil
	case reflect.Bool:
		return boolCoder, nil
	case reflect.Int32:
		return int32Coder, nil
	case reflect.Int64, reflect.Int:
		if t.Size() == 8 {
			return int64Coder, nil
		}
		return int32Coder, nil
	case reflect.Uint32:
		return uint32Coder, nil
	case reflect.Uint64, reflect.Uint:
		if t.Size() == 8 {
			return uint64Coder, nil
		}
		return uint32Coder, nil
	case reflect.Int8, reflect.Int16, reflect.Uint8, reflect.Uint16:
		return smallIntCoder(t), nil
	case reflect.Float64:
		return float64Coder, nil
	case reflect.Float32:
		return float32Coder, nil
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return bytesCoder, nil
		}
		if t.Name() != "" {
			return wrappedListCoder(t)
		}
	case reflect.Struct:
		return messageCoder(t)
	}
	return nil, fmt.Errorf("unsupported type %v", t)
}

// Kinds are checked at plan time; these helpers keep the closures short.
func tagBytes(num protowire.Number, wt protowire.Type) []byte {
	return protowire.AppendTag(nil, num, wt)
}

func errWireType(wt protowire.Type) error {
	return fmt.Errorf("unexpected wire type %d", wt)
}

// sliceHeader mirrors the runtime layout of a slice.
type sliceHeader struct {
	data unsafe.Pointer
	len  int
	cap  int
}

package protobuf

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"unsafe"

	"google.golang.org/protobuf/encoding/protowire"
)

// Map entries are messages {key = 1, value = 2}, written in key order; gogo
// always writes the key and the value, except a nil []byte value.
const (
	entryKeyTag   = 0x0a // field 1, bytes
	entryValueTag = 0x12 // field 2, bytes
)

// sortedMap is a map's entries copied out in key order, made by the size
// pass and reused by the append pass.
type sortedMap struct {
	keys, vals unsafe.Pointer // first copied key and value
	order      []int
	ks, vs     uintptr
}

func (sm *sortedMap) key(i int) unsafe.Pointer {
	return unsafe.Add(sm.keys, uintptr(sm.order[i])*sm.ks)
}

func (sm *sortedMap) val(i int) unsafe.Pointer {
	return unsafe.Add(sm.vals, uintptr(sm.order[i])*sm.vs)
}

// mapArena holds the copied entries of every map of one type in an
// encoding, so that sorting a map allocates nothing in the steady state.
type mapArena struct {
	keys, vals reflect.Value // slices; [0, used) are taken
	used       int
}

// take returns room for n entries: the arena's slices and the index of
// the first entry. When the arena is full a new one replaces it; maps
// already taken keep the old backing arrays alive through their pointers.
func (a *mapArena) take(kt, vt reflect.Type, n int) (keys, vals reflect.Value, first int) {
	if !a.keys.IsValid() || a.used+n > a.keys.Len() {
		size := max(16, n)
		if a.keys.IsValid() {
			// Maps taken earlier in this encoding still point into the old
			// arrays, so they are dropped, not cleared.
			size = max(size, 2*a.keys.Len())
		}
		a.keys = reflect.MakeSlice(reflect.SliceOf(kt), size, size)
		a.vals = reflect.MakeSlice(reflect.SliceOf(vt), size, size)
		a.used = 0
	}
	first = a.used
	a.used += n
	return a.keys, a.vals, first
}

// clear drops the references the arena holds into encoded objects.
func (a *mapArena) clear() {
	if a.used > 0 {
		a.keys.Slice(0, a.used).Clear()
		a.vals.Slice(0, a.used).Clear()
	}
	a.used = 0
}

// mapField sets f up for a map field.
func (f *field) mapField(t reflect.Type, _ reflect.StructTag) error {
	if t == stringMapType {
		f.stringMap()
		return nil
	}
	kt, vt := t.Key(), t.Elem()
	switch kt.Kind() {
	case reflect.String, reflect.Bool, reflect.Int32, reflect.Int64, reflect.Int,
		reflect.Uint32, reflect.Uint64, reflect.Uint:
	default:
		return fmt.Errorf("unsupported map key type %v", kt)
	}
	kc, err := valueCoderFor(kt)
	if err != nil {
		return err
	}
	vc, err := valueCoderFor(vt)
	if err != nil {
		return err
	}
	nilableBytes := vt.Kind() == reflect.Slice && vt.Elem().Kind() == reflect.Uint8
	valueTag := tagBytes(2, vc.wireType)
	tag := tagBytes(f.num, protowire.BytesType)
	tl := len(tag)
	less := keyLess(kt)

	// valueSize is the size of the value field of an entry (zero when omitted).
	valueSize := func(vp unsafe.Pointer, st *encState) int {
		if nilableBytes && *(*[]byte)(vp) == nil {
			return 0
		}
		return len(valueTag) + vc.size(vp, st)
	}
	f.size = func(p unsafe.Pointer, st *encState) int {
		mv := reflect.NewAt(t, p).Elem()
		n := mv.Len()
		if n == 0 {
			return 0
		}
		keys, vals, first := st.arena(t).take(kt, vt, n)
		start := len(st.ints)
		it := &st.iter // reused: a MapIter on the stack would escape
		it.Reset(mv)
		for i := 0; it.Next(); i++ {
			keys.Index(first + i).SetIterKey(it)
			vals.Index(first + i).SetIterValue(it)
			st.ints = append(st.ints, i)
		}
		it.Reset(reflect.Value{})
		sm := sortedMap{
			keys:  unsafe.Add(keys.UnsafePointer(), uintptr(first)*kt.Size()),
			vals:  unsafe.Add(vals.UnsafePointer(), uintptr(first)*vt.Size()),
			order: st.ints[start:len(st.ints):len(st.ints)],
			ks:    kt.Size(),
			vs:    vt.Size(),
		}
		kb, ks := sm.keys, sm.ks
		slices.SortFunc(sm.order, func(a, b int) int {
			return less(unsafe.Add(kb, uintptr(a)*ks), unsafe.Add(kb, uintptr(b)*ks))
		})
		st.maps = append(st.maps, sm)
		total := 0
		for i := range sm.order {
			idx := st.reserve()
			e := 1 + kc.size(sm.key(i), st) + valueSize(sm.val(i), st)
			st.sizes[idx] = e
			total += tl + protowire.SizeVarint(uint64(e)) + e
		}
		return total
	}
	f.appendTo = func(b []byte, p unsafe.Pointer, st *encState) []byte {
		if reflect.NewAt(t, p).Elem().Len() == 0 {
			return b
		}
		sm := &st.maps[st.nextMap]
		st.nextMap++
		for i := range sm.order {
			b = append(b, tag...)
			b = protowire.AppendVarint(b, uint64(st.take()))
			b = append(b, entryKeyTag)
			b = kc.appendTo(b, sm.key(i), st)
			vp := sm.val(i)
			if nilableBytes && *(*[]byte)(vp) == nil {
				continue
			}
			b = vc.appendTo(append(b, valueTag...), vp, st)
		}
		return b
	}
	f.decode = func(b []byte, wt protowire.Type, p unsafe.Pointer) (int, error) {
		v, n, err := consumeBytes(b, wt)
		if err != nil {
			return 0, err
		}
		mv := reflect.NewAt(t, p).Elem()
		if mv.IsNil() {
			mv.Set(reflect.MakeMap(t))
		}
		k := reflect.New(kt)
		val := reflect.New(vt)
		if nilableBytes {
			val.Elem().SetBytes([]byte{})
		}
		for len(v) > 0 {
			num, ewt, tn := protowire.ConsumeTag(v)
			if tn < 0 {
				return 0, protowire.ParseError(tn)
			}
			v = v[tn:]
			switch num {
			case 1:
				tn, err = kc.decode(v, ewt, k.UnsafePointer())
			case 2:
				tn, err = vc.decode(v, ewt, val.UnsafePointer())
			default:
				tn = protowire.ConsumeFieldValue(num, ewt, v)
				if tn < 0 {
					err = protowire.ParseError(tn)
				}
			}
			if err != nil {
				return 0, err
			}
			v = v[tn:]
		}
		mv.SetMapIndex(k.Elem(), val.Elem())
		return n, nil
	}
	return nil
}

// keyLess returns a three-way comparison of map keys of type kt.
func keyLess(kt reflect.Type) func(a, b unsafe.Pointer) int {
	switch kt.Kind() {
	case reflect.String:
		return func(a, b unsafe.Pointer) int { return strings.Compare(*(*string)(a), *(*string)(b)) }
	case reflect.Bool:
		return func(a, b unsafe.Pointer) int {
			x, y := *(*bool)(a), *(*bool)(b)
			switch {
			case x == y:
				return 0
			case !x:
				return -1
			}
			return 1
		}
	case reflect.Int32:
		return func(a, b unsafe.Pointer) int { return cmp3(*(*int32)(a), *(*int32)(b)) }
	case reflect.Int64, reflect.Int:
		if kt.Size() == 4 {
			return func(a, b unsafe.Pointer) int { return cmp3(*(*int32)(a), *(*int32)(b)) }
		}
		return func(a, b unsafe.Pointer) int { return cmp3(*(*int64)(a), *(*int64)(b)) }
	case reflect.Uint32:
		return func(a, b unsafe.Pointer) int { return cmp3(*(*uint32)(a), *(*uint32)(b)) }
	default:
		if kt.Size() == 4 {
			return func(a, b unsafe.Pointer) int { return cmp3(*(*uint32)(a), *(*uint32)(b)) }
		}
		return func(a, b unsafe.Pointer) int { return cmp3(*(*uint64)(a), *(*uint64)(b)) }
	}
}

func cmp3[T int32 | int64 | uint32 | uint64](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// stringMap sets f up for map[string]string, the most common map (labels,
// annotations, selectors), without reflection.
func (f *field) stringMap() {
	tag := tagBytes(f.num, protowire.BytesType)
	tl := len(tag)
	entrySize := func(k, v string) int {
		return 2 + protowire.SizeBytes(len(k)) + protowire.SizeBytes(len(v))
	}
	f.size = func(p unsafe.Pointer, _ *encState) int {
		n := 0
		for k, v := range *(*map[string]string)(p) {
			e := entrySize(k, v)
			n += tl + protowire.SizeVarint(uint64(e)) + e
		}
		return n
	}
	f.appendTo = func(b []byte, p unsafe.Pointer, st *encState) []byte {
		m := *(*map[string]string)(p)
		if len(m) == 0 {
			return b
		}
		start := len(st.keys)
		for k := range m {
			st.keys = append(st.keys, k)
		}
		keys := st.keys[start:]
		slices.Sort(keys)
		for _, k := range keys {
			v := m[k]
			b = append(b, tag...)
			b = protowire.AppendVarint(b, uint64(entrySize(k, v)))
			b = append(b, entryKeyTag)
			b = protowire.AppendString(b, k)
			b = append(b, entryValueTag)
			b = protowire.AppendString(b, v)
		}
		st.keys = st.keys[:start]
		return b
	}
	f.decode = func(b []byte, wt protowire.Type, p unsafe.Pointer) (int, error) {
		v, n, err := consumeBytes(b, wt)
		if err != nil {
			return 0, err
		}
		var key, val string
		for len(v) > 0 {
			num, ewt, tn := protowire.ConsumeTag(v)
			if tn < 0 {
				return 0, protowire.ParseError(tn)
			}
			v = v[tn:]
			switch num {
			case 1:
				tn, err = stringCoder.decode(v, ewt, unsafe.Pointer(&key))
			case 2:
				tn, err = stringCoder.decode(v, ewt, unsafe.Pointer(&val))
			default:
				tn = protowire.ConsumeFieldValue(num, ewt, v)
				if tn < 0 {
					err = protowire.ParseError(tn)
				}
			}
			if err != nil {
				return 0, err
			}
			v = v[tn:]
		}
		mp := (*map[string]string)(p)
		if *mp == nil {
			*mp = map[string]string{}
		}
		(*mp)[key] = val
		return n, nil
	}
}

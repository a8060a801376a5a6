package protobuf

import (
	"errors"
	"math"
	"reflect"
	"unsafe"

	"google.golang.org/protobuf/encoding/protowire"
)

var errTruncated = errors.New("truncated or malformed value")

// consumeVarint reads a varint value of wire type wt.
func consumeVarint(b []byte, wt protowire.Type) (uint64, int, error) {
	if wt != protowire.VarintType {
		return 0, 0, errWireType(wt)
	}
	v, n := protowire.ConsumeVarint(b)
	if n < 0 {
		return 0, 0, errTruncated
	}
	return v, n, nil
}

// consumeBytes reads a length-delimited value of wire type wt.
func consumeBytes(b []byte, wt protowire.Type) ([]byte, int, error) {
	if wt != protowire.BytesType {
		return nil, 0, errWireType(wt)
	}
	v, n := protowire.ConsumeBytes(b)
	if n < 0 {
		return nil, 0, errTruncated
	}
	return v, n, nil
}

var stringCoder = &valueCoder{
	wireType: protowire.BytesType,
	size: func(p unsafe.Pointer, _ *encState) int {
		return protowire.SizeBytes(len(*(*string)(p)))
	},
	appendTo: func(b []byte, p unsafe.Pointer, _ *encState) []byte {
		return protowire.AppendString(b, *(*string)(p))
	},
	decode: func(b []byte, wt protowire.Type, p unsafe.Pointer) (int, error) {
		v, n, err := consumeBytes(b, wt)
		if err != nil {
			return 0, err
		}
		*(*string)(p) = string(v)
		return n, nil
	},
}

var bytesCoder = &valueCoder{
	wireType: protowire.BytesType,
	size: func(p unsafe.Pointer, _ *encState) int {
		return protowire.SizeBytes(len(*(*[]byte)(p)))
	},
	appendTo: func(b []byte, p unsafe.Pointer, _ *encState) []byte {
		return protowire.AppendBytes(b, *(*[]byte)(p))
	},
	decode: func(b []byte, wt protowire.Type, p unsafe.Pointer) (int, error) {
		v, n, err := consumeBytes(b, wt)
		if err != nil {
			return 0, err
		}
		// A present field is never nil, even when empty, as gogo decodes it.
		*(*[]byte)(p) = append(make([]byte, 0, len(v)), v...)
		return n, nil
	},
}

// varintCoder builds a coder for an integer kind stored in memory as T.
func varintCoder(get func(p unsafe.Pointer) uint64, set func(p unsafe.Pointer, v uint64)) *valueCoder {
	return &valueCoder{
		wireType: protowire.VarintType,
		packable: true,
		size: func(p unsafe.Pointer, _ *encState) int {
			return protowire.SizeVarint(get(p))
		},
		appendTo: func(b []byte, p unsafe.Pointer, _ *encState) []byte {
			return protowire.AppendVarint(b, get(p))
		},
		decode: func(b []byte, wt protowire.Type, p unsafe.Pointer) (int, error) {
			v, n, err := consumeVarint(b, wt)
			if err != nil {
				return 0, err
			}
			set(p, v)
			return n, nil
		},
	}
}

// Negative int32 values are sign-extended to ten bytes, as gogo writes them.
var (
	boolCoder = varintCoder(
		func(p unsafe.Pointer) uint64 { return protowire.EncodeBool(*(*bool)(p)) },
		func(p unsafe.Pointer, v uint64) { *(*bool)(p) = v != 0 })
	int32Coder = varintCoder(
		func(p unsafe.Pointer) uint64 { return uint64(int64(*(*int32)(p))) },
		func(p unsafe.Pointer, v uint64) { *(*int32)(p) = int32(v) })
	int64Coder = varintCoder(
		func(p unsafe.Pointer) uint64 { return uint64(*(*int64)(p)) },
		func(p unsafe.Pointer, v uint64) { *(*int64)(p) = int64(v) })
	uint32Coder = varintCoder(
		func(p unsafe.Pointer) uint64 { return uint64(*(*uint32)(p)) },
		func(p unsafe.Pointer, v uint64) { *(*uint32)(p) = uint32(v) })
	uint64Coder = varintCoder(
		func(p unsafe.Pointer) uint64 { return *(*uint64)(p) },
		func(p unsafe.Pointer, v uint64) { *(*uint64)(p) = v })
)

func smallIntCoder(t reflect.Type) *valueCoder {
	switch t.Kind() {
	case reflect.Int8:
		return varintCoder(
			func(p unsafe.Pointer) uint64 { return uint64(int64(*(*int8)(p))) },
			func(p unsafe.Pointer, v uint64) { *(*int8)(p) = int8(v) })
	case reflect.Int16:
		return varintCoder(
			func(p unsafe.Pointer) uint64 { return uint64(int64(*(*int16)(p))) },
			func(p unsafe.Pointer, v uint64) { *(*int16)(p) = int16(v) })
	case reflect.Uint8:
		return varintCoder(
			func(p unsafe.Pointer) uint64 { return uint64(*(*uint8)(p)) },
			func(p unsafe.Pointer, v uint64) { *(*uint8)(p) = uint8(v) })
	default:
		return varintCoder(
			func(p unsafe.Pointer) uint64 { return uint64(*(*uint16)(p)) },
			func(p unsafe.Pointer, v uint64) { *(*uint16)(p) = uint16(v) })
	}
}

var float64Coder = &valueCoder{
	wireType: protowire.Fixed64Type,
	packable: true,
	size:     func(unsafe.Pointer, *encState) int { return 8 },
	appendTo: func(b []byte, p unsafe.Pointer, _ *encState) []byte {
		return protowire.AppendFixed64(b, math.Float64bits(*(*float64)(p)))
	},
	decode: func(b []byte, wt protowire.Type, p unsafe.Pointer) (int, error) {
		if wt != protowire.Fixed64Type {
			return 0, errWireType(wt)
		}
		v, n := protowire.ConsumeFixed64(b)
		if n < 0 {
			return 0, errTruncated
		}
		*(*float64)(p) = math.Float64frombits(v)
		return n, nil
	},
}

var float32Coder = &valueCoder{
	wireType: protowire.Fixed32Type,
	packable: true,
	size:     func(unsafe.Pointer, *encState) int { return 4 },
	appendTo: func(b []byte, p unsafe.Pointer, _ *encState) []byte {
		return protowire.AppendFixed32(b, math.Float32bits(*(*float32)(p)))
	},
	decode: func(b []byte, wt protowire.Type, p unsafe.Pointer) (int, error) {
		if wt != protowire.Fixed32Type {
			return 0, errWireType(wt)
		}
		v, n := protowire.ConsumeFixed32(b)
		if n < 0 {
			return 0, errTruncated
		}
		*(*float32)(p) = math.Float32frombits(v)
		return n, nil
	},
}

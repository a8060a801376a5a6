package v1

import (
	"errors"
	"time"

	"google.golang.org/protobuf/encoding/protowire"
)

// Time, MicroTime and Duration have hand-written protobuf forms, the same
// bytes Kubernetes writes: a time is a Timestamp message {seconds = 1,
// nanos = 2} (both always present) and the zero time an empty message; Time
// carries no fraction (nanos 0, ignored when read) and MicroTime carries
// microseconds. Duration is {duration = 1} in nanoseconds.

var errBadProto = errors.New("malformed protobuf message")

// rangeFields calls fn for every field of the protobuf message b; fn returns
// how many bytes of the value it consumed, or -1 to skip the value.
func rangeFields(b []byte, fn func(num protowire.Number, wt protowire.Type, v []byte) int) error {
	for len(b) > 0 {
		num, wt, n := protowire.ConsumeTag(b)
		if n < 0 {
			return errBadProto
		}
		b = b[n:]
		n = fn(num, wt, b)
		if n < 0 {
			n = protowire.ConsumeFieldValue(num, wt, b)
		}
		if n < 0 {
			return errBadProto
		}
		b = b[n:]
	}
	return nil
}

// varintField reads the varint value of a field of wire type wt into *dst.
func varintField(wt protowire.Type, b []byte, dst *uint64) int {
	if wt != protowire.VarintType {
		return -1
	}
	v, n := protowire.ConsumeVarint(b)
	if n >= 0 {
		*dst = v
	}
	return n
}

// timestamp reads a Timestamp message.
func timestamp(b []byte) (sec int64, nsec int32, err error) {
	var s, ns uint64
	err = rangeFields(b, func(num protowire.Number, wt protowire.Type, v []byte) int {
		switch num {
		case 1:
			return varintField(wt, v, &s)
		case 2:
			return varintField(wt, v, &ns)
		}
		return -1
	})
	return int64(s), int32(ns), err
}

func timestampSize(sec int64, nsec int32) int {
	return 2 + protowire.SizeVarint(uint64(sec)) + protowire.SizeVarint(uint64(int64(nsec)))
}

func appendTimestamp(b []byte, sec int64, nsec int32) []byte {
	b = protowire.AppendVarint(append(b, 0x08), uint64(sec))
	return protowire.AppendVarint(append(b, 0x10), uint64(int64(nsec)))
}

// ProtoSize returns the length of the protobuf form of t.
func (t *Time) ProtoSize() int {
	if t == nil || t.Time.IsZero() {
		return 0
	}
	return timestampSize(t.Unix(), 0)
}

// AppendProto appends the protobuf form of t: seconds only.
func (t *Time) AppendProto(b []byte) []byte {
	if t == nil || t.Time.IsZero() {
		return b
	}
	return appendTimestamp(b, t.Unix(), 0)
}

// MarshalProto returns the protobuf form of t (empty for the zero time).
func (t *Time) MarshalProto() ([]byte, error) {
	return t.AppendProto(nil), nil
}

// UnmarshalProto reads a Timestamp, dropping any fraction of a second.
func (t *Time) UnmarshalProto(b []byte) error {
	if len(b) == 0 {
		t.Time = time.Time{}
		return nil
	}
	sec, _, err := timestamp(b)
	if err != nil {
		return err
	}
	t.Time = time.Unix(sec, 0).Local()
	return nil
}

// microNanos returns the fraction of t truncated to microseconds.
func microNanos(t time.Time) int32 {
	return int32(t.Nanosecond() / 1000 * 1000)
}

// ProtoSize returns the length of the protobuf form of t.
func (t *MicroTime) ProtoSize() int {
	if t == nil || t.Time.IsZero() {
		return 0
	}
	return timestampSize(t.Unix(), microNanos(t.Time))
}

// AppendProto appends the protobuf form of t, to the microsecond.
func (t *MicroTime) AppendProto(b []byte) []byte {
	if t == nil || t.Time.IsZero() {
		return b
	}
	return appendTimestamp(b, t.Unix(), microNanos(t.Time))
}

// MarshalProto returns the protobuf form of t (empty for the zero time).
func (t *MicroTime) MarshalProto() ([]byte, error) {
	return t.AppendProto(nil), nil
}

// UnmarshalProto reads a Timestamp, truncated to microseconds.
func (t *MicroTime) UnmarshalProto(b []byte) error {
	if len(b) == 0 {
		t.Time = time.Time{}
		return nil
	}
	sec, nsec, err := timestamp(b)
	if err != nil {
		return err
	}
	t.Time = time.Unix(sec, int64(nsec)/1000*1000).Local()
	return nil
}

// ProtoSize returns the length of the protobuf form of d.
func (d *Duration) ProtoSize() int {
	return 1 + protowire.SizeVarint(uint64(d.Duration))
}

// AppendProto appends the protobuf form of d.
func (d *Duration) AppendProto(b []byte) []byte {
	return protowire.AppendVarint(append(b, 0x08), uint64(d.Duration))
}

// MarshalProto returns the protobuf form of d.
func (d *Duration) MarshalProto() ([]byte, error) {
	return d.AppendProto(nil), nil
}

// UnmarshalProto reads a Duration message.
func (d *Duration) UnmarshalProto(b []byte) error {
	var v uint64
	err := rangeFields(b, func(num protowire.Number, wt protowire.Type, b []byte) int {
		if num == 1 {
			return varintField(wt, b, &v)
		}
		return -1
	})
	d.Duration = time.Duration(v)
	return err
}

// ProtoSize returns the length of the protobuf form of f.
func (f *FieldsV1) ProtoSize() int {
	if len(f.Raw) == 0 {
		return 0
	}
	return 1 + protowire.SizeBytes(len(f.Raw))
}

// AppendProto appends the protobuf form of f: {raw = 1}, omitted when empty.
func (f *FieldsV1) AppendProto(b []byte) []byte {
	if len(f.Raw) == 0 {
		return b
	}
	return protowire.AppendBytes(append(b, 0x0a), f.Raw)
}

// MarshalProto returns the protobuf form of f.
func (f *FieldsV1) MarshalProto() ([]byte, error) {
	return f.AppendProto(nil), nil
}

// UnmarshalProto reads a FieldsV1 message, copying the raw bytes.
func (f *FieldsV1) UnmarshalProto(b []byte) error {
	f.Raw = nil
	return rangeFields(b, func(num protowire.Number, wt protowire.Type, b []byte) int {
		if num != 1 || wt != protowire.BytesType {
			return -1
		}
		v, n := protowire.ConsumeBytes(b)
		if n >= 0 {
			f.Raw = append([]byte{}, v...)
		}
		return n
	})
}

package resource

import (
	"math"
	"math/big"
)

// Format says how a Quantity is written out.
type Format string

// The formats a Quantity can be written in.
const (
	DecimalExponent = Format("DecimalExponent") // e.g. 12e6
	BinarySI        = Format("BinarySI")        // e.g. 12Mi (12·2^20)
	DecimalSI       = Format("DecimalSI")       // e.g. 12M (12·10^6)
)

// Quantity is a fixed-point number with an SI, binary or exponent suffix,
// such as "100m", "1.5Gi" or "2e3". It never uses floating point internally.
//
// The zero value is 0. Parsed quantities remember their suffix family
// (Format) and are written back in canonical form: no fractional digits,
// the largest suffix that keeps the value exact, binary only when exact.
//
// +protobuf=true
type Quantity struct {
	// i holds the value when d is nil.
	i scaledInt
	// d holds values that do not fit in i; never mutated once set.
	d *bigAmount
	// s caches the text to write, or is empty.
	s string

	// Format selects the suffix family used when writing the quantity.
	Format
}

// NewQuantity returns value in the given format.
func NewQuantity(value int64, format Format) *Quantity {
	return &Quantity{i: scaledInt{value: value}, Format: format}
}

// NewMilliQuantity returns value/1000 in the given format.
func NewMilliQuantity(value int64, format Format) *Quantity {
	return &Quantity{i: scaledInt{value: value, scale: Milli}, Format: format}
}

// NewScaledQuantity returns value·10^scale in DecimalSI format.
func NewScaledQuantity(value int64, scale Scale) *Quantity {
	return &Quantity{i: scaledInt{value: value, scale: scale}, Format: DecimalSI}
}

// Set sets q to value.
func (q *Quantity) Set(value int64) { q.SetScaled(value, 0) }

// SetMilli sets q to value/1000.
func (q *Quantity) SetMilli(value int64) { q.SetScaled(value, Milli) }

// SetScaled sets q to value·10^scale, keeping its format.
func (q *Quantity) SetScaled(value int64, scale Scale) {
	q.s = ""
	q.d = nil
	q.i = scaledInt{value: value, scale: scale}
}

// IsZero reports whether q is zero.
func (q *Quantity) IsZero() bool {
	if q.d != nil {
		return q.d.sign() == 0
	}
	return q.i.value == 0
}

// Sign returns -1, 0 or 1 as q is negative, zero or positive.
func (q *Quantity) Sign() int {
	if q.d != nil {
		return q.d.sign()
	}
	return sign64(q.i.value)
}

// AsInt64 returns q as an int64 when that needs no rounding and no
// arbitrary-precision arithmetic (values with a fractional scale report false
// even when whole, as in Kubernetes).
func (q *Quantity) AsInt64() (int64, bool) {
	if q.d != nil || q.i.scale < 0 {
		return 0, false
	}
	return scaleUpLikeKubernetes(q.i.value, int64(q.i.scale))
}

// Value returns q rounded up (away from zero) to an integer; it can overflow.
func (q *Quantity) Value() int64 { return q.ScaledValue(0) }

// MilliValue returns q·1000 rounded up; it can overflow.
func (q *Quantity) MilliValue() int64 { return q.ScaledValue(Milli) }

// ScaledValue returns q in units of 10^scale, rounded up; it can overflow
// (check Value first when the magnitude is unknown).
func (q *Quantity) ScaledValue(scale Scale) int64 {
	if q.d != nil {
		return q.d.scaled(scale)
	}
	return q.i.scaled(scale)
}

// AsApproximateFloat64 returns q as a float64, possibly losing precision
// (±Inf when out of range).
func (q *Quantity) AsApproximateFloat64() float64 {
	if q.d != nil {
		return q.d.float()
	}
	f := float64(q.i.value)
	if q.i.scale == 0 {
		return f
	}
	return f * math.Pow10(int(q.i.scale))
}

// asBig returns q's value in arbitrary-precision form.
func (q *Quantity) asBig() *bigAmount {
	if q.d != nil {
		return q.d
	}
	return q.i.toBig()
}

// DeepCopy returns an independent copy of q.
func (q Quantity) DeepCopy() Quantity {
	if q.d != nil {
		q.d = &bigAmount{unscaled: new(big.Int).Set(q.d.unscaled), places: q.d.places}
	}
	return q
}

// DeepCopyInto copies q into out.
func (q *Quantity) DeepCopyInto(out *Quantity) { *out = q.DeepCopy() }

// Copy returns an independent copy of q.
func (q *Quantity) Copy() *Quantity {
	c := q.DeepCopy()
	return &c
}

// Equal reports whether q and v have the same value (formats may differ);
// go-cmp uses it.
func (q Quantity) Equal(v Quantity) bool { return q.Cmp(v) == 0 }

// QuantityPtrEqual reports whether a and b are both nil or equal quantities.
func QuantityPtrEqual(a, b *Quantity) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Equal(*b)
}

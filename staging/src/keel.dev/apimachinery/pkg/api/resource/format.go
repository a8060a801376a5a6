package resource

import (
	"math/big"
	"strconv"
)

// decimalSuffix returns the SI suffix for 10^exp, if there is one.
func decimalSuffix(exp int32) (string, bool) {
	switch exp {
	case -9:
		return "n", true
	case -6:
		return "u", true
	case -3:
		return "m", true
	case 0:
		return "", true
	case 3:
		return "k", true
	case 6:
		return "M", true
	case 9:
		return "G", true
	case 12:
		return "T", true
	case 15:
		return "P", true
	case 18:
		return "E", true
	}
	return "", false
}

// maxPaddingZeros bounds the zeros written before an "E" suffix.
const maxPaddingZeros = 100

// binarySuffixes[i] is the suffix for 1024^i.
var binarySuffixes = [...]string{"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"}

// String returns q in canonical form, e.g. "1536Mi" for "1.5Gi".
func (q Quantity) String() string {
	if q.s != "" {
		return q.s
	}
	return string(q.appendCanonical(make([]byte, 0, 20)))
}

// appendCanonical appends the canonical text of q to out.
func (q *Quantity) appendCanonical(out []byte) []byte {
	if q.IsZero() {
		return append(out, '0')
	}
	format := q.Format
	switch format {
	case DecimalSI, DecimalExponent:
	case BinarySI:
		// Values under 1Ki in magnitude, and fractional ones, are written
		// in decimal.
		if q.CmpInt64(-1024) <= 0 || q.CmpInt64(1024) >= 0 {
			if b, ok := q.appendBinary(out); ok {
				return b
			}
		}
		format = DecimalSI
	default:
		format = DecimalExponent
	}
	out, exp := q.appendMantissa10(out)
	if format == DecimalExponent {
		if exp == 0 {
			return out
		}
		out = append(out, 'e')
		return strconv.AppendInt(out, int64(exp), 10)
	}
	if suffix, ok := decimalSuffix(exp); ok {
		return append(out, suffix...)
	}
	// Kubernetes writes the bare mantissa here ("1000E" becomes "1"), which
	// changes the value; we keep it exact: zeros before "E" for amounts
	// beyond exa, exponent notation for the rest.
	if exp > int32(Exa) && exp-int32(Exa) <= maxPaddingZeros {
		for i := int32(Exa); i < exp; i++ {
			out = append(out, '0')
		}
		return append(out, 'E')
	}
	out = append(out, 'e')
	return strconv.AppendInt(out, int64(exp), 10)
}

// appendMantissa10 appends the smallest integer mantissa whose exponent is a
// multiple of three, and returns that exponent.
func (q *Quantity) appendMantissa10(out []byte) ([]byte, int32) {
	if q.d == nil {
		m, exp := q.i.value, int32(q.i.scale)
		for m%10 == 0 {
			m /= 10
			exp++
		}
		ok := true
		switch exp % 3 {
		case 1, -2:
			m, ok = mulInt64(m, 10)
			exp--
		case 2, -1:
			m, ok = mulInt64(m, 100)
			exp -= 2
		}
		if ok {
			return strconv.AppendInt(out, m, 10), exp
		}
	}
	a := q.asBig()
	m, n := trimTens(a.unscaled)
	exp := -a.places + n
	switch exp % 3 {
	case 1, -2:
		m.Mul(m, bigTen)
		exp--
	case 2, -1:
		m.Mul(m, pow10(2))
		exp -= 2
	}
	return m.Append(out, 10), exp
}

// appendBinary appends q with a power-of-1024 suffix, failing when q is not
// a whole number.
func (q *Quantity) appendBinary(out []byte) ([]byte, bool) {
	if q.d == nil {
		v, isInt, fits := q.i.integer()
		if !isInt {
			return out, false
		}
		if fits {
			n := 0
			// Like Kubernetes, the most negative int64 is left untouched.
			if abs := v; abs != -1<<63 {
				if abs < 0 {
					abs = -abs
				}
				for abs >= 1024 && abs%1024 == 0 {
					abs /= 1024
					n++
				}
				if v < 0 {
					abs = -abs
				}
				v = abs
			}
			out = strconv.AppendInt(out, v, 10)
			return appendBinarySuffix(out, n), true
		}
	}
	a := q.asBig()
	if int64(a.places) < -maxUpscaleDigits {
		return out, false // too large to expand; written in decimal instead
	}
	v, exact := a.integer()
	if !exact {
		return out, false
	}
	var abs big.Int
	abs.Abs(v)
	n := abs.TrailingZeroBits() / 10
	abs.Rsh(&abs, n*10)
	if v.Sign() < 0 {
		abs.Neg(&abs)
	}
	out = abs.Append(out, 10)
	return appendBinarySuffix(out, int(n)), true
}

func appendBinarySuffix(out []byte, n int) []byte {
	if n < len(binarySuffixes) {
		return append(out, binarySuffixes[n]...)
	}
	return out
}

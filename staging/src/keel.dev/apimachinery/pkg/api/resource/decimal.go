package resource

import (
	"math"
	"math/big"
)

// bigAmount is the arbitrary-precision form of a Quantity: unscaled·10^-places.
// A bigAmount is never modified after it is built, so copies may share it.
type bigAmount struct {
	unscaled *big.Int
	places   int32
}

// maxUpscaleDigits bounds how many zero digits an operation appends to an
// unscaled value just to change its representation; beyond it the compact
// form is kept (only reachable with absurd exponents).
const maxUpscaleDigits = 1000

var (
	bigOne    = big.NewInt(1)
	bigTen    = big.NewInt(10)
	bigMaxI64 = big.NewInt(math.MaxInt64)
	// pow10Big caches 10^0 … 10^63.
	pow10Big = func() []*big.Int {
		out := make([]*big.Int, 64)
		for i := range out {
			out[i] = new(big.Int).Exp(bigTen, big.NewInt(int64(i)), nil)
		}
		return out
	}()
)

func pow10(n int64) *big.Int {
	if n < int64(len(pow10Big)) {
		return pow10Big[n]
	}
	return new(big.Int).Exp(bigTen, big.NewInt(n), nil)
}

func (a scaledInt) toBig() *bigAmount {
	return &bigAmount{unscaled: big.NewInt(a.value), places: int32(-a.scale)}
}

func (a *bigAmount) sign() int { return a.unscaled.Sign() }

// upscaled returns a's unscaled value re-expressed with more decimal places.
func (a *bigAmount) upscaled(places int32) *big.Int {
	if places <= a.places {
		return a.unscaled
	}
	return new(big.Int).Mul(a.unscaled, pow10(int64(places)-int64(a.places)))
}

// addBig returns a+b with the larger number of decimal places of the two.
func addBig(a, b *bigAmount) *bigAmount {
	p := max(a.places, b.places)
	// Skip absurd rescaling of a zero operand (Kubernetes would not finish).
	if a.sign() == 0 && int64(p)-int64(b.places) > maxUpscaleDigits {
		return b
	}
	if b.sign() == 0 && int64(p)-int64(a.places) > maxUpscaleDigits {
		return a
	}
	sum := new(big.Int).Add(a.upscaled(p), b.upscaled(p))
	return &bigAmount{unscaled: sum, places: p}
}

// negBig returns -a.
func negBig(a *bigAmount) *bigAmount {
	return &bigAmount{unscaled: new(big.Int).Neg(a.unscaled), places: a.places}
}

// magnitude estimates floor(log10|a|) within ±1; a must not be zero.
func (a *bigAmount) magnitude() int64 {
	return int64(float64(a.unscaled.BitLen()-1)*math.Log10(2)) - int64(a.places)
}

// cmpBig compares a and b exactly; far-apart magnitudes are decided without
// building huge intermediate numbers.
func cmpBig(a, b *bigAmount) int {
	sa, sb := a.sign(), b.sign()
	if sa != sb || sa == 0 {
		return cmp64(int64(sa), int64(sb))
	}
	if ma, mb := a.magnitude(), b.magnitude(); ma > mb+2 {
		return sa
	} else if mb > ma+2 {
		return -sa
	}
	p := max(a.places, b.places)
	return a.upscaled(p).Cmp(b.upscaled(p))
}

// decimalDigits returns the number of decimal digits of |x|, x ≠ 0.
func decimalDigits(x *big.Int) int64 {
	est := int64(float64(x.BitLen())*math.Log10(2)) + 1
	var abs big.Int
	abs.Abs(x)
	if abs.Cmp(pow10(est-1)) < 0 {
		return est - 1
	}
	return est
}

// roundBig returns a with exactly the given number of decimal places,
// rounding away from zero, and whether no digit was lost.
func roundBig(a *bigAmount, places int32) (*bigAmount, bool) {
	switch {
	case a.places == places:
		return a, true
	case a.places < places:
		if int64(places)-int64(a.places) > maxUpscaleDigits {
			return a, true
		}
		return &bigAmount{unscaled: a.upscaled(places), places: places}, true
	}
	drop := int64(a.places) - int64(places)
	s := a.sign()
	if s == 0 {
		return &bigAmount{unscaled: new(big.Int), places: places}, true
	}
	if drop > decimalDigits(a.unscaled) {
		return &bigAmount{unscaled: big.NewInt(int64(s)), places: places}, false
	}
	q, r := new(big.Int).QuoRem(a.unscaled, pow10(drop), new(big.Int))
	if r.Sign() == 0 {
		return &bigAmount{unscaled: q, places: places}, true
	}
	q.Add(q, big.NewInt(int64(s)))
	return &bigAmount{unscaled: q, places: places}, false
}

// integer returns a rounded away from zero to a whole number, and whether it
// already was one.
func (a *bigAmount) integer() (*big.Int, bool) {
	switch {
	case a.sign() == 0:
		return new(big.Int), true
	case a.places <= 0:
		return new(big.Int).Mul(a.unscaled, pow10(-int64(a.places))), true
	}
	r, exact := roundBig(a, 0)
	return r.unscaled, exact
}

// scaled returns the value in units of 10^target the way Kubernetes does for
// its arbitrary-precision form: rounded up, silently wrapping on overflow.
func (a *bigAmount) scaled(target Scale) int64 {
	diff := int64(a.places) + int64(target)
	switch {
	case a.sign() == 0:
		return 0
	case diff == 0:
		return a.unscaled.Int64()
	case diff < 0:
		return a.unscaled.Int64() * int64(math.Pow10(int(-diff)))
	case a.unscaled.Cmp(bigMaxI64) < 0 && diff < 19:
		// Kubernetes' fast path: truncate, then add one for any remainder,
		// whatever the sign.
		v, div := a.unscaled.Int64(), powersOfTen[diff]
		if v%div != 0 {
			return v/div + 1
		}
		return v / div
	}
	var q, m big.Int
	if a.sign() > 0 && diff > decimalDigits(a.unscaled) {
		return 1
	}
	if a.sign() < 0 && diff > decimalDigits(a.unscaled) {
		return 0 // floor is -1, plus one for the remainder
	}
	q.DivMod(a.unscaled, pow10(diff), &m)
	if m.Sign() != 0 {
		return q.Int64() + 1
	}
	return q.Int64()
}

// float approximates the value as mantissa·10^exponent in float64 arithmetic.
func (a *bigAmount) float() float64 {
	f, _ := new(big.Float).SetInt(a.unscaled).Float64()
	if a.places == 0 {
		return f
	}
	return f * math.Pow10(int(-a.places))
}

// trimTens removes trailing decimal zeros from x, returning the new value
// and how many zeros were removed; x ≠ 0.
func trimTens(x *big.Int) (*big.Int, int32) {
	var n int32
	x = new(big.Int).Set(x)
	var q, r big.Int
	for _, step := range []int64{16, 4, 1} {
		div := pow10(step)
		for {
			q.QuoRem(x, div, &r)
			if r.Sign() != 0 {
				break
			}
			x.Set(&q)
			n += int32(step)
		}
	}
	return x, n
}

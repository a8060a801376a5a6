package resource

// Scale is a power of ten: a Quantity with value v and scale s means v·10^s.
type Scale int32

// The SI scales.
const (
	Nano  Scale = -9
	Micro Scale = -6
	Milli Scale = -3
	Kilo  Scale = 3
	Mega  Scale = 6
	Giga  Scale = 9
	Tera  Scale = 12
	Peta  Scale = 15
	Exa   Scale = 18
)

// MaxMilliValue is the largest value whose MilliValue still fits in an int64.
const MaxMilliValue = int64((1<<63 - 1) / 1000)

// maxDigitsInt64 is how many decimal digits always fit in an int64.
const maxDigitsInt64 = 18

// powersOfTen[i] is 10^i for every power that fits in an int64.
var powersOfTen = [...]int64{
	1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9,
	1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18,
}

// scaledInt is the allocation-free form of a Quantity: value·10^scale.
type scaledInt struct {
	value int64
	scale Scale
}

func sign64(v int64) int {
	switch {
	case v > 0:
		return 1
	case v < 0:
		return -1
	}
	return 0
}

func cmp64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// addInt64 returns a+b and false when the sum does not fit.
func addInt64(a, b int64) (int64, bool) {
	c := a + b
	if (a > 0 && b > 0 && c < 0) || (a < 0 && b < 0 && c >= 0) {
		return 0, false
	}
	return c, true
}

// mulInt64 returns a·b and false when the product does not fit.
func mulInt64(a, b int64) (int64, bool) {
	if a == 0 || b == 0 {
		return 0, true
	}
	if a == 1 || b == 1 {
		return a * b, true
	}
	const minInt64 = -1 << 63
	if a == minInt64 || b == minInt64 {
		return 0, false
	}
	if c := a * b; c/b == a {
		return c, true
	}
	return 0, false
}

// scaleUp returns v·10^n and false when it does not fit. A non-positive n
// leaves v unchanged.
func scaleUp(v int64, n int64) (int64, bool) {
	switch {
	case v == 0 || n <= 0:
		return v, true
	case n > maxDigitsInt64:
		return 0, false
	}
	return mulInt64(v, powersOfTen[n])
}

// scaleUpLikeKubernetes is scaleUp with Kubernetes' results on overflow:
// the wrapped product for n in {1, 2, 3, 6, 9}, zero otherwise. Only Value,
// ScaledValue and AsInt64 expose it.
func scaleUpLikeKubernetes(v int64, n int64) (int64, bool) {
	r, ok := scaleUp(v, n)
	if ok || v == -1<<63 {
		return r, ok
	}
	switch n {
	case 1, 2, 3, 6, 9:
		return v * powersOfTen[n], false
	}
	return 0, false
}

// scaleDown returns v/10^n rounded away from zero and whether no digit was
// lost. A non-positive n leaves v unchanged.
func scaleDown(v int64, n int64) (int64, bool) {
	switch {
	case n <= 0 || v == 0:
		return v, true
	case n > maxDigitsInt64:
		return int64(sign64(v)), false
	}
	q, r := v/powersOfTen[n], v%powersOfTen[n]
	if r == 0 {
		return q, true
	}
	return q + int64(sign64(v)), false
}

// scaled returns the amount expressed in units of 10^target, rounding away
// from zero when digits are dropped; 0 when it does not fit.
func (a scaledInt) scaled(target Scale) int64 {
	d := int64(a.scale) - int64(target)
	if d < 0 {
		v, _ := scaleDown(a.value, -d)
		return v
	}
	v, _ := scaleUpLikeKubernetes(a.value, d)
	return v
}

// cmp compares two amounts exactly, without allocating.
func (a scaledInt) cmp(b scaledInt) int {
	if a.scale == b.scale {
		return cmp64(a.value, b.value)
	}
	if a.scale > b.scale {
		if av, ok := scaleUp(a.value, int64(a.scale)-int64(b.scale)); ok {
			return cmp64(av, b.value)
		}
		// |a| is beyond the int64 range, so its sign decides.
		return sign64(a.value)
	}
	if bv, ok := scaleUp(b.value, int64(b.scale)-int64(a.scale)); ok {
		return cmp64(a.value, bv)
	}
	return -sign64(b.value)
}

// add sets a to a+b and reports false, leaving a untouched, when the result
// does not fit. The result keeps the smaller of the two scales, except that a
// zero operand leaves the other one's scale as it is.
func (a *scaledInt) add(b scaledInt) bool {
	switch {
	case b.value == 0:
		return true
	case a.value == 0:
		*a = b
		return true
	case a.scale == b.scale:
		c, ok := addInt64(a.value, b.value)
		if !ok {
			return false
		}
		a.value = c
		return true
	case a.scale > b.scale:
		av, ok := scaleUp(a.value, int64(a.scale)-int64(b.scale))
		if !ok {
			return false
		}
		c, ok := addInt64(av, b.value)
		if !ok {
			return false
		}
		*a = scaledInt{value: c, scale: b.scale}
		return true
	default:
		bv, ok := scaleUp(b.value, int64(b.scale)-int64(a.scale))
		if !ok {
			return false
		}
		c, ok := addInt64(a.value, bv)
		if !ok {
			return false
		}
		a.value = c
		return true
	}
}

// mul sets a to a·y and reports false, leaving a untouched, when the product
// would not be an int64 with a representable integer part.
func (a *scaledInt) mul(y int64) bool {
	switch {
	case a.value == 0:
		return true
	case y == 0:
		*a = scaledInt{}
		return true
	}
	c, ok := mulInt64(a.value, y)
	if !ok {
		return false
	}
	switch {
	case a.scale > 0:
		if _, ok := scaleUp(c, int64(a.scale)); !ok {
			return false
		}
	case a.scale < 0:
		if _, exact := scaleDown(c, -int64(a.scale)); !exact {
			return false
		}
	}
	a.value = c
	return true
}

// integer returns the amount as a whole number when it is one and fits.
func (a scaledInt) integer() (v int64, isInt, fits bool) {
	if a.scale >= 0 {
		v, ok := scaleUp(a.value, int64(a.scale))
		return v, true, ok
	}
	v, exact := scaleDown(a.value, -int64(a.scale))
	return v, exact, true
}

package resource

import "math/big"

// Cmp returns -1, 0 or 1 as q is less than, equal to or greater than y.
// It does not allocate when both values fit the int64 form.
func (q *Quantity) Cmp(y Quantity) int {
	if q.d == nil && y.d == nil {
		return q.i.cmp(y.i)
	}
	return cmpBig(q.asBig(), y.asBig())
}

// CmpInt64 compares q with the integer y.
func (q *Quantity) CmpInt64(y int64) int {
	if q.d == nil {
		return q.i.cmp(scaledInt{value: y})
	}
	return cmpBig(q.d, &bigAmount{unscaled: big.NewInt(y)})
}

// Add adds y to q. A zero q takes y's format.
func (q *Quantity) Add(y Quantity) {
	q.s = ""
	if q.d == nil && y.d == nil {
		if q.i.value == 0 {
			q.Format = y.Format
		}
		if q.i.add(y.i) {
			return
		}
	} else if q.IsZero() {
		q.Format = y.Format
	}
	q.d = addBig(q.asBig(), y.asBig())
	q.i = scaledInt{}
}

// Sub subtracts y from q. A zero q takes y's format.
func (q *Quantity) Sub(y Quantity) {
	q.s = ""
	if q.IsZero() {
		q.Format = y.Format
	}
	// Negating the most negative int64 wraps here exactly as in Kubernetes.
	if q.d == nil && y.d == nil && q.i.add(scaledInt{value: -y.i.value, scale: y.i.scale}) {
		return
	}
	q.d = addBig(q.asBig(), negBig(y.asBig()))
	q.i = scaledInt{}
}

// Neg negates q.
func (q *Quantity) Neg() {
	q.s = ""
	if q.d == nil {
		q.i.value = -q.i.value
		return
	}
	q.d = negBig(q.d)
}

// Mul multiplies q by y and reports whether the result's unscaled value
// still fits in an int64.
func (q *Quantity) Mul(y int64) bool {
	q.s = ""
	if q.d == nil && q.i.mul(y) {
		return true
	}
	a := q.asBig()
	q.d = &bigAmount{unscaled: new(big.Int).Mul(a.unscaled, big.NewInt(y)), places: a.places}
	q.i = scaledInt{}
	return q.d.unscaled.IsInt64()
}

// RoundUp rounds q away from zero to a multiple of 10^scale and reports
// whether the value was already exact at that scale.
func (q *Quantity) RoundUp(scale Scale) bool {
	if q.d != nil {
		q.s = ""
		var exact bool
		q.d, exact = roundBig(q.d, int32(-scale))
		return exact
	}
	if q.i.scale >= scale {
		return true
	}
	q.s = ""
	v, exact := scaleDown(q.i.value, int64(scale)-int64(q.i.scale))
	q.i = scaledInt{value: v, scale: scale}
	return exact
}

package resource

import (
	"fmt"
	"math"
	"testing"
)

func TestCmp(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"1", "1000m", 0},
		{"1Ki", "1024", 0},
		{"1k", "1Ki", -1},
		{"100m", "0.1", 0},
		{"100m", "99m", 1},
		{"-1", "1", -1},
		{"0", "-0", 0},
		{"1n", "0", 1},
		{"1E", "1Ei", -1},
		{"9223372036854775807", "9223372036854775808", -1},
		{"123456789012345678901234567890", "123456789012345678901234567891", -1},
		{"1e100", "1e99", 1},
		{"-1e100", "1n", -1},
		{"1e-9", "1n", 0},
		{"8Ei", "9223372036854775807", 0},
		{"2", "1.999999999999999999999", 0}, // parsing rounds up to nano
		{"2", "1.999999999", 1},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s compared with %s is %d", tt.a, tt.b, tt.want), func(t *testing.T) {
			a, b := MustParse(tt.a), MustParse(tt.b)
			if got := a.Cmp(b); got != tt.want {
				t.Errorf("Cmp = %d, want %d", got, tt.want)
			}
			if got := b.Cmp(a); got != -tt.want {
				t.Errorf("reverse Cmp = %d, want %d", got, -tt.want)
			}
			if got := a.Equal(b); got != (tt.want == 0) {
				t.Errorf("Equal = %v", got)
			}
		})
	}
}

func TestCmpDoesNotChangeTheOperands(t *testing.T) {
	a, b := MustParse("1"), MustParse("123456789012345678901234567890")
	_ = a.Cmp(b)
	if v, ok := a.AsInt64(); !ok || v != 1 {
		t.Fatalf("AsInt64 after Cmp = %d, %v; want 1, true", v, ok)
	}
}

func TestCmpInt64(t *testing.T) {
	tests := []struct {
		q    string
		y    int64
		want int
	}{
		{"1k", 1000, 0},
		{"1001", 1000, 1},
		{"999999m", 1000, -1},
		{"1Ki", 1023, 1},
		{"-1n", 0, -1},
		{"99999999999999999999", math.MaxInt64, 1},
		{"-99999999999999999999", math.MinInt64, -1},
		{"1e19", math.MaxInt64, 1},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s compared with %d is %d", tt.q, tt.y, tt.want), func(t *testing.T) {
			q := MustParse(tt.q)
			if got := q.CmpInt64(tt.y); got != tt.want {
				t.Fatalf("CmpInt64 = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestAddAndSub(t *testing.T) {
	tests := []struct {
		name          string
		a, b          string
		sum, diff     string
		sumFormat     Format
		sumFitsInt64  bool
		sumInt64Value int64
	}{
		{name: "milli amounts add exactly", a: "100m", b: "200m", sum: "300m", diff: "-100m", sumFormat: DecimalSI},
		{name: "different scales meet at the finer one", a: "1", b: "500m", sum: "1500m", diff: "500m", sumFormat: DecimalSI},
		{name: "binary amounts stay binary", a: "1Gi", b: "512Mi", sum: "1536Mi", diff: "512Mi", sumFormat: BinarySI, sumFitsInt64: true, sumInt64Value: 1610612736},
		{name: "adding to zero takes the other format", a: "0", b: "1Ki", sum: "1Ki", diff: "-1Ki", sumFormat: BinarySI, sumFitsInt64: true, sumInt64Value: 1024},
		{name: "an overflowing sum moves to arbitrary precision", a: "9223372036854775807", b: "1", sum: "9223372036854775808", diff: "9223372036854775806", sumFormat: DecimalSI},
		{name: "big and small amounts mix", a: "123456789012345678901234567890", b: "1n", sum: "123456789012345678901234567890000000001n", diff: "123456789012345678901234567889999999999n", sumFormat: DecimalSI},
		{name: "kilo and mega align", a: "1k", b: "1M", sum: "1001k", diff: "-999k", sumFormat: DecimalSI, sumFitsInt64: true, sumInt64Value: 1001000},
		{name: "a sum of zero prints as zero", a: "5", b: "-5", sum: "0", diff: "10", sumFormat: DecimalSI, sumFitsInt64: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := MustParse(tt.a), MustParse(tt.b)
			sum := a.DeepCopy()
			sum.Add(b)
			if got := sum.String(); got != tt.sum {
				t.Errorf("%s + %s = %s, want %s", tt.a, tt.b, got, tt.sum)
			}
			if sum.Format != tt.sumFormat {
				t.Errorf("sum format = %s, want %s", sum.Format, tt.sumFormat)
			}
			if v, ok := sum.AsInt64(); ok != tt.sumFitsInt64 || (ok && v != tt.sumInt64Value) {
				t.Errorf("sum AsInt64 = %d, %v", v, ok)
			}
			diff := a.DeepCopy()
			diff.Sub(b)
			if got := diff.String(); got != tt.diff {
				t.Errorf("%s - %s = %s, want %s", tt.a, tt.b, got, tt.diff)
			}
			// Subtracting b again from the sum gives back a.
			sum.Sub(b)
			if sum.Cmp(a) != 0 {
				t.Errorf("(%s + %s) - %s = %s", tt.a, tt.b, tt.b, sum.String())
			}
			if a.String() != MustParse(tt.a).String() {
				t.Errorf("operand a changed to %s", a.String())
			}
		})
	}
}

func TestSubOfMostNegativeMatchesKubernetes(t *testing.T) {
	// Kubernetes negates the subtrahend in int64 first, so 0 - MinInt64
	// wraps to MinInt64; we keep that result.
	q := Quantity{}
	q.Sub(*NewQuantity(math.MinInt64, DecimalSI))
	if got := q.String(); got != "-9223372036854775808" {
		t.Fatalf("got %s", got)
	}
}

func TestNeg(t *testing.T) {
	for _, in := range []string{"1", "-1500m", "1Ki", "123456789012345678901234567890", "0"} {
		t.Run(fmt.Sprintf("negating %s twice gives it back", in), func(t *testing.T) {
			q, orig := MustParse(in), MustParse(in)
			q.Neg()
			if q.Sign() != -orig.Sign() {
				t.Fatalf("sign after Neg = %d", q.Sign())
			}
			q.Neg()
			if !q.Equal(MustParse(in)) {
				t.Fatalf("got %s", q.String())
			}
		})
	}
}

func TestMul(t *testing.T) {
	tests := []struct {
		name  string
		q     string
		y     int64
		want  string
		exact bool
	}{
		{"a whole number doubles", "3", 2, "6", true},
		{"milli amounts multiply", "1500m", 3, "4500m", true},
		{"binary amounts stay binary", "1Gi", 4, "4Gi", true},
		{"multiplying by zero gives zero", "7k", 0, "0", true},
		{"an overflow moves to arbitrary precision", "9223372036854775807", 2, "18446744073709551614", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := MustParse(tt.q)
			if got := q.Mul(tt.y); got != tt.exact {
				t.Errorf("Mul reported %v, want %v", got, tt.exact)
			}
			if got := q.String(); got != tt.want {
				t.Errorf("%s × %d = %s, want %s", tt.q, tt.y, got, tt.want)
			}
		})
	}
}

func TestRoundUp(t *testing.T) {
	tests := []struct {
		name  string
		q     string
		scale Scale
		want  string
		exact bool
	}{
		{"a value already at the scale is unchanged", "1500m", Milli, "1500m", true},
		{"milli rounds up to whole", "1500m", 0, "2", false},
		{"negative values round away from zero", "-1500m", 0, "-2", false},
		{"nano rounds up to milli", "1n", Milli, "1m", false},
		{"kilo rounding", "1001", Kilo, "2k", false},
		{"a whole thousand rounds exactly", "3000", Kilo, "3k", true},
		{"big values round too", "123456789012345678901234567890.5", 0, "123456789012345678901234567891", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := MustParse(tt.q)
			if got := q.RoundUp(tt.scale); got != tt.exact {
				t.Errorf("RoundUp reported %v, want %v", got, tt.exact)
			}
			if got := q.String(); got != tt.want {
				t.Errorf("RoundUp(%d) of %s = %s, want %s", tt.scale, tt.q, got, tt.want)
			}
		})
	}
}

func TestValueRounding(t *testing.T) {
	tests := []struct {
		name  string
		q     string
		scale Scale
		want  int64
	}{
		{"Value rounds a fraction up", "1100m", 0, 2},
		{"Value rounds negative fractions away from zero", "-1100m", 0, -2},
		{"Value of a tiny amount is one", "1n", 0, 1},
		{"MilliValue keeps milli precision", "1234m", Milli, 1234},
		{"MilliValue rounds micro up", "1001u", Milli, 2},
		{"ScaledValue in kilo rounds up", "1001", Kilo, 2},
		{"ScaledValue in nano scales up", "1", Nano, 1000000000},
		{"ScaledValue of binary amounts", "1Ki", 0, 1024},
		{"an overflowing value wraps like Kubernetes' multiply", "9223372036854775807", Milli, -1000},
		{"an overflowing value without a fast multiply is zero", "10E", Nano, 0},
		{"a long negative fraction rounds toward +inf, as in Kubernetes", "-1.5000000000000000000", 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := MustParse(tt.q)
			if got := q.ScaledValue(tt.scale); got != tt.want {
				t.Fatalf("ScaledValue(%d) of %s = %d, want %d", tt.scale, tt.q, got, tt.want)
			}
		})
	}
	t.Run("Value and MilliValue are ScaledValue at 0 and Milli", func(t *testing.T) {
		q := MustParse("2.5")
		if q.Value() != 3 || q.MilliValue() != 2500 {
			t.Fatalf("Value %d MilliValue %d", q.Value(), q.MilliValue())
		}
	})
}

func TestAsInt64(t *testing.T) {
	tests := []struct {
		q    string
		want int64
		ok   bool
	}{
		{"5", 5, true},
		{"5k", 5000, true},
		{"1Gi", 1 << 30, true},
		{"1000m", 0, false}, // a fractional scale reports false even when whole
		{"1.5", 0, false},
		{"123456789012345678901234567890", 0, false},
		{"1Pi", 0, false}, // parsed through the arbitrary-precision path
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s as int64 is %d, %v", tt.q, tt.want, tt.ok), func(t *testing.T) {
			q := MustParse(tt.q)
			if v, ok := q.AsInt64(); v != tt.want || ok != tt.ok {
				t.Fatalf("AsInt64 = %d, %v", v, ok)
			}
		})
	}
}

func TestAsApproximateFloat64(t *testing.T) {
	tests := []struct {
		q    string
		want float64
	}{
		{"0", 0},
		{"1.5", 1.5},
		{"100m", 0.1},
		{"1Ki", 1024},
		{"-2k", -2000},
		{"1e300", 1e300},
		{"123456789012345678901234567890", 1.2345678901234568e29},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s is about %g", tt.q, tt.want), func(t *testing.T) {
			q := MustParse(tt.q)
			if got := q.AsApproximateFloat64(); math.Abs(got-tt.want) > math.Abs(tt.want)*1e-15 {
				t.Fatalf("got %g", got)
			}
		})
	}
}

func TestConstructors(t *testing.T) {
	tests := []struct {
		name string
		q    *Quantity
		want string
	}{
		{"NewQuantity in decimal", NewQuantity(1500, DecimalSI), "1500"},
		{"NewQuantity of a round thousand", NewQuantity(2000, DecimalSI), "2k"},
		{"NewQuantity in binary", NewQuantity(1<<20, BinarySI), "1Mi"},
		{"NewQuantity in binary below 1024 falls back to decimal", NewQuantity(1000, BinarySI), "1k"},
		{"NewQuantity in binary that is not a power multiple", NewQuantity(1500, BinarySI), "1500"},
		{"NewQuantity in exponent form", NewQuantity(12000000, DecimalExponent), "12e6"},
		{"NewQuantity without a format uses exponent form", NewQuantity(5000, ""), "5e3"},
		{"NewMilliQuantity", NewMilliQuantity(1500, DecimalSI), "1500m"},
		{"NewMilliQuantity in binary of a fraction falls back to decimal", NewMilliQuantity(1536500, BinarySI), "1536500m"},
		{"NewScaledQuantity", NewScaledQuantity(3, Giga), "3G"},
		{"NewScaledQuantity below nano uses exponent notation", NewScaledQuantity(5, -12), "5e-12"},
		{"the most negative int64 in binary is written in full, as in Kubernetes", NewQuantity(math.MinInt64, BinarySI), "-9223372036854775808"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.q.String(); got != tt.want {
				t.Fatalf("got %s, want %s", got, tt.want)
			}
		})
	}
	t.Run("Set, SetMilli and SetScaled replace the value", func(t *testing.T) {
		q := MustParse("1.5Gi")
		q.Set(7)
		if q.String() != "7" {
			t.Fatalf("Set: %s", q.String())
		}
		q.SetMilli(7)
		if q.String() != "7m" {
			t.Fatalf("SetMilli: %s", q.String())
		}
		q.SetScaled(7, Mega)
		if q.Value() != 7000000 {
			t.Fatalf("SetScaled: %d", q.Value())
		}
	})
}

func TestZeroValue(t *testing.T) {
	var q Quantity
	if !q.IsZero() || q.Sign() != 0 || q.String() != "0" || q.Value() != 0 {
		t.Fatalf("zero Quantity: %s %d", q.String(), q.Sign())
	}
}

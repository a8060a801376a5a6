package resource

import (
	"errors"
	"fmt"
	"testing"
)

// canonicalCases were checked against k8s.io/apimachinery v0.37.2: input,
// String(), Format, Value(), MilliValue().
var canonicalCases = []struct {
	in     string
	want   string
	format Format
	value  int64
	milli  int64
}{
	{"0", "0", DecimalSI, 0, 0},
	{"1", "1", DecimalSI, 1, 1000},
	{"-1", "-1", DecimalSI, -1, -1000},
	{"+1", "+1", DecimalSI, 1, 1000},
	{"01", "01", DecimalSI, 1, 1000},
	{"1000m", "1", DecimalSI, 1, 1000},
	{"1500m", "1500m", DecimalSI, 2, 1500},
	{"100m", "100m", DecimalSI, 1, 100},
	{"0.5", "500m", DecimalSI, 1, 500},
	{"0.1", "100m", DecimalSI, 1, 100},
	{".5", "500m", DecimalSI, 1, 500},
	{"1.", "1.", DecimalSI, 1, 1000},
	{"1.0", "1", DecimalSI, 1, 1000},
	{"1.500", "1.500", DecimalSI, 2, 1500},
	{"1.5", "1500m", DecimalSI, 2, 1500},
	{"1k", "1k", DecimalSI, 1000, 1000000},
	{"1000", "1k", DecimalSI, 1000, 1000000},
	{"1500", "1500", DecimalSI, 1500, 1500000},
	{"1000k", "1M", DecimalSI, 1000000, 1000000000},
	{"1M", "1M", DecimalSI, 1000000, 1000000000},
	{"1.5M", "1500k", DecimalSI, 1500000, 1500000000},
	{"1G", "1G", DecimalSI, 1000000000, 1000000000000},
	{"1T", "1T", DecimalSI, 1000000000000, 1000000000000000},
	{"1P", "1P", DecimalSI, 1000000000000000, 1000000000000000000},
	{"1E", "1E", DecimalSI, 1000000000000000000, 0},
	{"12E", "12E", DecimalSI, 0, 0},
	{"1n", "1n", DecimalSI, 1, 1},
	{"1u", "1u", DecimalSI, 1, 1},
	{"1.5u", "1500n", DecimalSI, 1, 1},
	{"10n", "10n", DecimalSI, 1, 1},
	{"1000n", "1u", DecimalSI, 1, 1},
	{"0.0000000001", "1n", DecimalSI, 1, 1},
	{"0.0000000015", "2n", DecimalSI, 1, 1},
	{"-0.0000000001", "-1n", DecimalSI, 1, 1},
	{"1e-10", "1e-9", DecimalExponent, 1, 1},
	{"1e-9", "1e-9", DecimalExponent, 1, 1},
	{"123.456789012", "123.456789012", DecimalSI, 124, 123457},
	{"1Ki", "1Ki", BinarySI, 1024, 1024000},
	{"1024Ki", "1Mi", BinarySI, 1048576, 1048576000},
	{"1023Ki", "1023Ki", BinarySI, 1047552, 1047552000},
	{"2048Ki", "2Mi", BinarySI, 2097152, 2097152000},
	{"1.5Gi", "1536Mi", BinarySI, 1610612736, 1610612736000},
	{"1.5Ki", "1536", BinarySI, 1536, 1536000},
	{"0.5Ki", "512", BinarySI, 512, 512000},
	{"1Mi", "1Mi", BinarySI, 1048576, 1048576000},
	{"1Gi", "1Gi", BinarySI, 1073741824, 1073741824000},
	{"1Ti", "1Ti", BinarySI, 1099511627776, 1099511627776000},
	{"1Pi", "1Pi", BinarySI, 1125899906842624, 1125899906842624000},
	{"1Ei", "1Ei", BinarySI, 1152921504606846976, -9223372036854775808},
	{"8Ei", "9223372036854775807", BinarySI, 9223372036854775807, -1000},
	{"+5Ki", "+5Ki", BinarySI, 5120, 5120000},
	{"-5Ki", "-5Ki", BinarySI, -5120, -5120000},
	{"0Ki", "0", BinarySI, 0, 0},
	{"Ki", "0", BinarySI, 0, 0},
	{"1.1Ki", "1126400m", BinarySI, 1127, 1126400},
	{"2e3", "2e3", DecimalExponent, 2000, 2000000},
	{"1e3", "1e3", DecimalExponent, 1000, 1000000},
	{"1E3", "1E3", DecimalExponent, 1000, 1000000},
	{"1e0", "1e0", DecimalExponent, 1, 1000},
	{"12e6", "12e6", DecimalExponent, 12000000, 12000000000},
	{"1.5e3", "1500", DecimalExponent, 1500, 1500000},
	{"1e-3", "1e-3", DecimalExponent, 1, 1},
	{"2E-2", "20e-3", DecimalExponent, 1, 20},
	{"1e-12", "1e-9", DecimalExponent, 1, 1},
	{"1e18", "1e18", DecimalExponent, 1000000000000000000, 0},
	{"1e19", "10e18", DecimalExponent, 0, 0},
	{"5e1", "50", DecimalExponent, 50, 50000},
	{"100e-1", "10", DecimalExponent, 10, 10000},
	{"1e+3", "1e+3", DecimalExponent, 1000, 1000000},
	{"e3", "0", DecimalExponent, 0, 0},
	{"n", "0", DecimalSI, 0, 0},
	{".", "0", DecimalSI, 0, 0},
	{"+", "0", DecimalSI, 0, 0},
	{"-", "0", DecimalSI, 0, 0},
	{"-0", "0", DecimalSI, 0, 0},
	{"9223372036854775807", "9223372036854775807", DecimalSI, 9223372036854775807, -1000},
	{"9223372036854775808", "9223372036854775808", DecimalSI, -9223372036854775808, 0},
	{"-9223372036854775808", "-9223372036854775808", DecimalSI, 0, 0},
	{"-9223372036854775809", "-9223372036854775809", DecimalSI, -1, -1000},
	{"99999999999999999999", "99999999999999999999", DecimalSI, 7766279631452241919, 200376420520688664},
	{"12345678901234567890m", "12345678901234567890m", DecimalSI, 12345678901234568, -6101065172474983726},
	{"123456789012345678901234567890", "123456789012345678901234567890", DecimalSI, -4362896299872285998, 8982045596877734992},
	{"1.5Pi", "1536Ti", BinarySI, 1688849860263936, 1688849860263936000},
	{"0.1m", "100u", DecimalSI, 1, 1},
	{"0.5m", "500u", DecimalSI, 1, 1},
	{"1.000000001", "1.000000001", DecimalSI, 2, 1001},
	{"100Mi", "100Mi", BinarySI, 104857600, 104857600000},
	{"128974848", "128974848", DecimalSI, 128974848, 128974848000},
	{"129e6", "129e6", DecimalExponent, 129000000, 129000000000},
	{"129M", "129M", DecimalSI, 129000000, 129000000000},
	{"123Mi", "123Mi", BinarySI, 128974848, 128974848000},
	{"3.5", "3500m", DecimalSI, 4, 3500},
	{"-1.5", "-1500m", DecimalSI, -2, -1500},
	{"-0.5", "-500m", DecimalSI, -1, -500},
	{"7k", "7k", DecimalSI, 7000, 7000000},
	{"250m", "250m", DecimalSI, 1, 250},
	{"2.5Gi", "2560Mi", BinarySI, 2684354560, 2684354560000},
	{"64Mi", "64Mi", BinarySI, 67108864, 67108864000},
	{"500Mi", "500Mi", BinarySI, 524288000, 524288000000},
	{"0.25", "250m", DecimalSI, 1, 250},
}

func TestParseQuantityCanonicalForm(t *testing.T) {
	for _, tt := range canonicalCases {
		t.Run(fmt.Sprintf("%q is written as %q", tt.in, tt.want), func(t *testing.T) {
			q, err := ParseQuantity(tt.in)
			if err != nil {
				t.Fatalf("ParseQuantity: %v", err)
			}
			if got := q.String(); got != tt.want {
				t.Errorf("String() = %q, want %q", got, tt.want)
			}
			if q.Format != tt.format {
				t.Errorf("Format = %s, want %s", q.Format, tt.format)
			}
			if got := q.Value(); got != tt.value {
				t.Errorf("Value() = %d, want %d", got, tt.value)
			}
			if got := q.MilliValue(); got != tt.milli {
				t.Errorf("MilliValue() = %d, want %d", got, tt.milli)
			}
			// The canonical text always parses back to the same value.
			back, err := ParseQuantity(tt.want)
			if err != nil || back.Cmp(q) != 0 {
				t.Errorf("re-parsing %q gave %v, %v", tt.want, back, err)
			}
		})
	}
}

func TestParseQuantityErrors(t *testing.T) {
	tests := []struct {
		in   string
		want error
	}{
		{"", ErrFormatWrong},
		{" 1", ErrFormatWrong},
		{"1 ", ErrFormatWrong},
		{"\t1", ErrFormatWrong},
		{"1 Ki", ErrFormatWrong},
		{"1.5.5", ErrFormatWrong},
		{"1.1.M", ErrFormatWrong},
		{"1+1.0M", ErrFormatWrong},
		{"abc", ErrFormatWrong},
		{"1KiB", ErrFormatWrong},
		{"1,000", ErrFormatWrong},
		{"1_000", ErrFormatWrong},
		{"0x10", ErrFormatWrong},
		{"1e5.5", ErrFormatWrong},
		{"1kk", ErrSuffix},
		{"1e", ErrSuffix},
		{"1e+", ErrSuffix},
		{"1-", ErrSuffix},
		{"0.1mi", ErrSuffix},
		{"1i", ErrSuffix},
		{"-3.01e-", ErrSuffix},
		{"Ki5", ErrSuffix},
		{"1eE3", ErrSuffix},
		{"1e99999999999999999999", ErrSuffix},
		{"e-10", ErrNumeric},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%q is rejected with %q", tt.in, tt.want), func(t *testing.T) {
			q, err := ParseQuantity(tt.in)
			if !errors.Is(err, tt.want) {
				t.Fatalf("ParseQuantity(%q) = %v, %v; want error %v", tt.in, q, err, tt.want)
			}
		})
	}
	t.Run("the format error quotes the pattern", func(t *testing.T) {
		const want = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
		if ErrFormatWrong.Error() != want {
			t.Fatalf("got %q", ErrFormatWrong)
		}
	})
}

func TestMustParse(t *testing.T) {
	t.Run("a valid quantity is returned", func(t *testing.T) {
		if q := MustParse("2Gi"); q.Value() != 2<<30 {
			t.Fatalf("got %v", q)
		}
	})
	t.Run("an invalid quantity panics with the input in the message", func(t *testing.T) {
		defer func() {
			r := recover()
			err, ok := r.(error)
			if !ok || !errors.Is(err, ErrFormatWrong) || err.Error()[:17] != `cannot parse "x":` {
				t.Fatalf("recovered %v", r)
			}
		}()
		MustParse("x")
	})
}

func TestParseRoundsUpToNano(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"a tenth of a nano becomes one nano", "0.0000000001", "1n"},
		{"a negative tenth of a nano becomes minus one nano", "-0.0000000001", "-1n"},
		{"one and a half nano becomes two nano", "1.5n", "2n"},
		{"a tiny exponent becomes one nano", "1e-30", "1e-9"},
		{"an exact nano count is kept", "0.000000002", "2n"},
		{"a long fraction rounds up in its last digit", "1.0000000001", "1000000001n"},
		{"micro precision is kept", "0.000001", "1u"},
		{"a fractional binary amount rounds to nano", "0.3Ki", "307200m"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := MustParse(tt.in).String(); got != tt.want {
				t.Fatalf("%q → %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseLargeNumbers(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"a number beyond int64 keeps all its digits", "123456789012345678901234567890", "123456789012345678901234567890"},
		{"a large exponent moves to a multiple of three", "1e100", "10e99"},
		{"a binary amount beyond int64 is capped", "16Ei", "9223372036854775807"},
		{"a large SI amount keeps its suffix", "9999999E", "9999999E"},
		{"an amount past the largest SI suffix keeps the E suffix (Kubernetes writes \"1\")", "1000E", "1000E"},
		{"a huge SI amount is padded with zeros", "10000000E", "10000000E"},
		{"a huge SI amount without suffix is written with E", "10000000000000000000000000", "10000000E"},
		{"a huge SI amount with suffix is padded with zeros", "12345678901234567890123E", "12345678901234567890123E"},
		{"a huge negative number is kept", "-99999999999999999999999", "-99999999999999999999999"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := MustParse(tt.in).String(); got != tt.want {
				t.Fatalf("%q → %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

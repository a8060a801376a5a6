package intstr

import (
	"encoding/hex"
	"encoding/json"
	"testing"
)

func TestGetScaledValueFromIntOrPercent(t *testing.T) {
	tests := []struct {
		name    string
		in      *IntOrString
		total   int
		roundUp bool
		want    int
		wantErr string
	}{
		{name: "an int is returned unchanged", in: ptr(FromInt32(7)), total: 100, want: 7},
		{name: "an int is not limited by the total", in: ptr(FromInt32(70)), total: 10, want: 70},
		{name: "a percentage rounds down", in: ptr(FromString("25%")), total: 10, want: 2},
		{name: "a percentage rounds up", in: ptr(FromString("25%")), total: 10, roundUp: true, want: 3},
		{name: "an exact percentage needs no rounding", in: ptr(FromString("50%")), total: 10, roundUp: true, want: 5},
		{name: "a negative percentage rounds toward minus infinity", in: ptr(FromString("-10%")), total: 15, want: -2},
		{name: "a percentage of zero is zero", in: ptr(FromString("100%")), total: 0, roundUp: true, want: 0},
		{name: "a string without percent sign is rejected", in: ptr(FromString("50")), total: 10,
			wantErr: "invalid value for IntOrString: invalid type: string is not a percentage"},
		{name: "a non-numeric percentage is rejected", in: ptr(FromString("abc%")), total: 10,
			wantErr: `invalid value for IntOrString: invalid value "abc%": strconv.Atoi: parsing "abc": invalid syntax`},
		{name: "a doubled percent sign is rejected", in: ptr(FromString("5%%")), total: 10,
			wantErr: `invalid value for IntOrString: invalid value "5%%": strconv.Atoi: parsing "5%": invalid syntax`},
		{name: "a nil value is rejected", in: nil, total: 10, wantErr: "nil value for IntOrString"},
		{name: "an unknown type is rejected", in: &IntOrString{Type: 7}, total: 10,
			wantErr: "invalid value for IntOrString: invalid type: neither int nor percentage"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := GetScaledValueFromIntOrPercent(tt.in, tt.total, tt.roundUp)
			checkResult(t, got, err, tt.want, tt.wantErr)
		})
	}
}

func TestGetValueFromIntOrPercent(t *testing.T) {
	tests := []struct {
		name    string
		in      IntOrString
		roundUp bool
		want    int
		wantErr string
	}{
		{name: "an int is returned unchanged", in: FromInt32(3), want: 3},
		{name: "a string without percent sign still counts as a percentage", in: FromString("50"), want: 5},
		{name: "percent signs anywhere are ignored", in: FromString("%25"), roundUp: true, want: 3},
		{name: "a non-numeric string is rejected", in: FromString("abc"),
			wantErr: `invalid value for IntOrString: invalid value "abc": strconv.Atoi: parsing "abc": invalid syntax`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := GetValueFromIntOrPercent(&tt.in, 10, tt.roundUp)
			checkResult(t, got, err, tt.want, tt.wantErr)
		})
	}
}

func checkResult(t *testing.T, got int, err error, want int, wantErr string) {
	t.Helper()
	if wantErr != "" {
		if err == nil || err.Error() != wantErr {
			t.Fatalf("error = %v, want %q", err, wantErr)
		}
		return
	}
	if err != nil || got != want {
		t.Fatalf("got %d, %v; want %d", got, err, want)
	}
}

func TestValueOrDefault(t *testing.T) {
	def := FromString("25%")
	if got := ValueOrDefault(nil, def); *got != def {
		t.Errorf("nil value gave %v, want the default", got)
	}
	v := FromInt32(1)
	if got := ValueOrDefault(&v, def); got != &v {
		t.Errorf("set value gave %v, want the value itself", got)
	}
}

func TestProtoMatchesKubernetesBytes(t *testing.T) {
	// Expected bytes come from k8s.io/apimachinery v0.37.2's generated Marshal.
	tests := []struct {
		name string
		in   IntOrString
		want string
	}{
		{name: "the zero value writes all three fields", in: IntOrString{}, want: "080010001a00"},
		{name: "a small int", in: FromInt32(5), want: "080010051a00"},
		{name: "a negative int sign-extends to ten bytes", in: FromInt32(-1), want: "080010ffffffffffffffffff011a00"},
		{name: "the largest int32", in: FromInt32(2147483647), want: "080010ffffffff071a00"},
		{name: "the smallest int32", in: FromInt32(-2147483648), want: "08001080808080f8ffffffff011a00"},
		{name: "a string", in: FromString("http"), want: "080110001a0468747470"},
		{name: "a percentage", in: FromString("25%"), want: "080110001a03323525"},
		{name: "a string with a stale int member keeps it", in: IntOrString{Type: String, IntVal: 9, StrVal: "50%"}, want: "080110091a03353025"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := tt.in.MarshalProto()
			if err != nil {
				t.Fatal(err)
			}
			if got := hex.EncodeToString(b); got != tt.want {
				t.Fatalf("MarshalProto = %s, want %s", got, tt.want)
			}
			var back IntOrString
			if err := back.UnmarshalProto(b); err != nil || back != tt.in {
				t.Fatalf("UnmarshalProto = %+v, %v; want %+v", back, err, tt.in)
			}
		})
	}
}

func TestUnmarshalProtoEdgeCases(t *testing.T) {
	tests := []struct {
		name    string
		hex     string
		want    IntOrString
		wantErr string
	}{
		{name: "an empty message leaves the zero value", hex: "", want: IntOrString{}},
		{name: "only the fields present are set", hex: "0801", want: IntOrString{Type: String}},
		{name: "unknown fields are skipped", hex: "2003" + "2a0178" + "1a0161", want: IntOrString{StrVal: "a"}},
		{name: "a too large intVal is truncated to 32 bits", hex: "108180808010", want: IntOrString{IntVal: 1}},
		{name: "a wrong wire type is an error", hex: "0a00", wantErr: "proto: wrong wireType = 2 for field Type"},
		{name: "a truncated string is an error", hex: "1a05ab", wantErr: "proto: IntOrString: field StrVal: unexpected EOF"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, _ := hex.DecodeString(tt.hex)
			var got IntOrString
			err := got.UnmarshalProto(b)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("got %+v, %v; want %+v", got, err, tt.want)
			}
		})
	}
}

func TestJSON(t *testing.T) {
	tests := []struct {
		name string
		json string
		want IntOrString
	}{
		{name: "a number is an int", json: `8080`, want: FromInt32(8080)},
		{name: "a negative number is an int", json: `-3`, want: FromInt32(-3)},
		{name: "a quoted number stays a string", json: `"8080"`, want: FromString("8080")},
		{name: "a name is a string", json: `"http"`, want: FromString("http")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got IntOrString
			if err := json.Unmarshal([]byte(tt.json), &got); err != nil || got != tt.want {
				t.Fatalf("Unmarshal = %+v, %v; want %+v", got, err, tt.want)
			}
			out, err := json.Marshal(got)
			if err != nil || string(out) != tt.json {
				t.Fatalf("Marshal = %s, %v; want %s", out, err, tt.json)
			}
		})
	}
	t.Run("an impossible type fails to marshal", func(t *testing.T) {
		if _, err := json.Marshal(IntOrString{Type: 9}); err == nil {
			t.Fatal("expected an error")
		}
	})
	t.Run("a string replaces only the string member", func(t *testing.T) {
		v := FromInt32(4)
		if err := json.Unmarshal([]byte(`"x"`), &v); err != nil {
			t.Fatal(err)
		}
		if v != (IntOrString{Type: String, IntVal: 4, StrVal: "x"}) {
			t.Fatalf("got %+v", v)
		}
	})
	t.Run("an out of range number is an error", func(t *testing.T) {
		var v IntOrString
		if err := json.Unmarshal([]byte(`4294967296`), &v); err == nil {
			t.Fatalf("got %+v, want an error", v)
		}
	})
}

func TestParseAndString(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want IntOrString
	}{
		{name: "digits become an int", in: "42", want: FromInt32(42)},
		{name: "a name stays a string", in: "http", want: FromString("http")},
		{name: "a number beyond int32 stays a string", in: "2147483648", want: FromString("2147483648")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Parse(tt.in)
			if got != tt.want || got.String() != tt.in {
				t.Fatalf("Parse = %+v (%s), want %+v", got, got.String(), tt.want)
			}
		})
	}
	var nilValue *IntOrString
	if nilValue.String() != "<nil>" {
		t.Errorf("nil String = %q", nilValue.String())
	}
}

func ptr(v IntOrString) *IntOrString { return &v }

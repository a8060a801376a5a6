package resource

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
)

type holder struct {
	Q   Quantity            `json:"q"`
	Ptr *Quantity           `json:"ptr,omitempty"`
	Map map[string]Quantity `json:"map,omitempty"`
}

func TestJSONRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"a canonical string is kept", `{"q":"100m"}`, `{"q":"100m"}`},
		{"a non-canonical string is canonicalised", `{"q":"1.5Gi"}`, `{"q":"1536Mi"}`},
		{"a JSON number is accepted", `{"q":1.5}`, `{"q":"1500m"}`},
		{"a JSON integer is accepted", `{"q":1024}`, `{"q":"1024"}`},
		{"a JSON exponent number is accepted", `{"q":2e3}`, `{"q":"2e3"}`},
		{"spaces inside the string are trimmed", `{"q":" 1Gi "}`, `{"q":"1Gi"}`},
		{"a null leaves zero", `{"q":null}`, `{"q":"0"}`},
		{"pointers and maps are handled", `{"q":"0","ptr":"1k","map":{"cpu":"500m","memory":"1Gi"}}`, `{"q":"0","ptr":"1k","map":{"cpu":"500m","memory":"1Gi"}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var h holder
			if err := json.Unmarshal([]byte(tt.in), &h); err != nil {
				t.Fatalf("Unmarshal: %v", err)
			}
			out, err := json.Marshal(h)
			if err != nil {
				t.Fatalf("Marshal: %v", err)
			}
			if string(out) != tt.want {
				t.Fatalf("got %s, want %s", out, tt.want)
			}
			var again holder
			if err := json.Unmarshal(out, &again); err != nil {
				t.Fatalf("second Unmarshal: %v", err)
			}
			if diff := cmp.Diff(h, again); diff != "" {
				t.Fatalf("round trip changed the value (-first +second):\n%s", diff)
			}
		})
	}
}

func TestUnmarshalJSONErrors(t *testing.T) {
	tests := []struct {
		in   string
		want error
	}{
		{`""`, ErrFormatWrong},
		{`"abc"`, ErrFormatWrong},
		{`true`, ErrFormatWrong},
		{`{}`, ErrFormatWrong},
		{`"\u0031"`, ErrFormatWrong}, // escapes are not decoded, as in Kubernetes
		{`"1 Gi"`, ErrFormatWrong},
		{`"1kk"`, ErrSuffix},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s is rejected with %q", tt.in, tt.want), func(t *testing.T) {
			var q Quantity
			if err := q.UnmarshalJSON([]byte(tt.in)); !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
		})
	}
	t.Run("encoding/json reports the regular expression", func(t *testing.T) {
		var h holder
		err := json.Unmarshal([]byte(`{"q":"x"}`), &h)
		want := "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
		if err == nil || err.Error() != want {
			t.Fatalf("got %v", err)
		}
	})
}

func TestUnmarshalJSONNullResetsTheValue(t *testing.T) {
	q := MustParse("5Gi")
	if err := q.UnmarshalJSON([]byte("null")); err != nil {
		t.Fatal(err)
	}
	if !q.IsZero() || q.String() != "0" {
		t.Fatalf("got %s", q.String())
	}
}

func TestGoCmpUsesEqual(t *testing.T) {
	a, b := MustParse("1"), MustParse("1000m")
	if !cmp.Equal(a, b) {
		t.Fatal("1 and 1000m should be equal to go-cmp")
	}
	if cmp.Equal(a, MustParse("1001m")) {
		t.Fatal("1 and 1001m should differ")
	}
}

func TestToUnstructured(t *testing.T) {
	q := MustParse("1.5Gi")
	if got := q.ToUnstructured(); got != "1536Mi" {
		t.Fatalf("got %#v", got)
	}
}

func TestMarshalProto(t *testing.T) {
	tests := []struct {
		name string
		q    Quantity
		want string
	}{
		{"the zero value writes \"0\"", Quantity{}, "0a0130"},
		{"a canonical form is written", MustParse("1.5Gi"), "0a06" + hex.EncodeToString([]byte("1536Mi"))},
		{"verbatim input is written verbatim", MustParse("+5Ki"), "0a04" + hex.EncodeToString([]byte("+5Ki"))},
		{"a computed value is written canonically", *NewMilliQuantity(2500, DecimalSI), "0a05" + hex.EncodeToString([]byte("2500m"))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := tt.q.MarshalProto()
			if err != nil {
				t.Fatal(err)
			}
			if got := hex.EncodeToString(b); got != tt.want {
				t.Fatalf("got %s, want %s", got, tt.want)
			}
			var back Quantity
			if err := back.UnmarshalProto(b); err != nil || back.Cmp(tt.q) != 0 {
				t.Fatalf("UnmarshalProto = %s, %v", back.String(), err)
			}
		})
	}
}

func TestUnmarshalProto(t *testing.T) {
	tests := []struct {
		name    string
		hex     string
		want    string
		wantErr string
	}{
		{name: "an empty message leaves the value alone", hex: "", want: "7"},
		{name: "unknown fields are skipped", hex: "1001" + "0a03" + hex.EncodeToString([]byte("2Gi")) + "1a00", want: "2Gi"},
		{name: "the last occurrence wins", hex: "0a0131" + "0a0132", want: "2"},
		{name: "an invalid quantity is an error", hex: "0a0178", wantErr: ErrFormatWrong.Error()},
		{name: "an empty string is an error", hex: "0a00", wantErr: ErrFormatWrong.Error()},
		{name: "spaces are not trimmed", hex: "0a022031", wantErr: ErrFormatWrong.Error()},
		{name: "a wrong wire type is an error", hex: "0801", wantErr: "proto: wrong wireType = 0 for field String_"},
		{name: "a truncated message is an error", hex: "0a05", wantErr: "proto: Quantity: field 1: unexpected EOF"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, _ := hex.DecodeString(tt.hex)
			q := MustParse("7")
			err := q.UnmarshalProto(b)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || q.String() != tt.want {
				t.Fatalf("got %s, %v; want %s", q.String(), err, tt.want)
			}
		})
	}
}

func TestDeepCopyIsIndependent(t *testing.T) {
	for _, in := range []string{"1", "123456789012345678901234567890"} {
		t.Run(fmt.Sprintf("a copy of %s does not change with the original", in), func(t *testing.T) {
			orig := MustParse(in)
			c := orig.DeepCopy()
			var into Quantity
			orig.DeepCopyInto(&into)
			p := orig.Copy()
			orig.Add(MustParse("1"))
			for _, q := range []*Quantity{&c, &into, p} {
				if q.String() != in {
					t.Fatalf("copy changed to %s", q.String())
				}
			}
		})
	}
}

func TestQuantityPtrEqual(t *testing.T) {
	a, b := MustParse("1Ki"), MustParse("1024")
	if !QuantityPtrEqual(nil, nil) || QuantityPtrEqual(&a, nil) || !QuantityPtrEqual(&a, &b) {
		t.Fatal("QuantityPtrEqual gave a wrong answer")
	}
}

func TestQuantityValueFlag(t *testing.T) {
	var v QuantityValue
	if err := v.Set("2Gi"); err != nil || v.String() != "2Gi" || v.Type() != "quantity" {
		t.Fatalf("Set: %v %s", err, v.String())
	}
	if err := v.Set("bad"); err == nil {
		t.Fatal("Set accepted an invalid quantity")
	}
	c := v.DeepCopy()
	if c.String() != "2Gi" {
		t.Fatalf("DeepCopy: %s", c.String())
	}
}

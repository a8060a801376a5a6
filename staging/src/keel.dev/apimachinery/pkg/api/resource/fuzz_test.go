package resource

import (
	"encoding/json"
	"testing"
)

func FuzzParseQuantity(f *testing.F) {
	for _, s := range []string{
		"0", "1", "-1", "+1", "100m", "1.5Gi", "1024Ki", "2e3", "1E-2", "0.0000000001", "1.500",
		"123456789012345678901234567890", "9223372036854775808", "8Ei", "1.5Pi", "1000E", ".", "-.5e-10",
		"1e2147483647", "1.5e-2147483648", "Ki", "1kk", " 1",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := ParseQuantity(s)
		if err != nil {
			return
		}
		// Every accessor must be safe on any parsed value.
		_, _ = q.AsInt64()
		_ = q.Value()
		_ = q.MilliValue()
		_ = q.AsApproximateFloat64()
		_ = q.Sign()

		out := q.String()
		back, err := ParseQuantity(out)
		if err != nil {
			t.Fatalf("%q → %q, which does not parse: %v", s, out, err)
		}
		if back.Cmp(q) != 0 {
			t.Fatalf("%q → %q, which parses to a different value %q", s, out, back.String())
		}
		if again := back.String(); again != out && back.s == "" {
			t.Fatalf("%q → %q → %q: canonical form is not stable", s, out, again)
		}
		b, err := json.Marshal(q)
		if err != nil {
			t.Fatalf("MarshalJSON(%q): %v", s, err)
		}
		var fromJSON Quantity
		if err := json.Unmarshal(b, &fromJSON); err != nil || fromJSON.Cmp(q) != 0 {
			t.Fatalf("JSON round trip of %q via %s: %v", s, b, err)
		}
		p, _ := q.MarshalProto()
		var fromProto Quantity
		if err := fromProto.UnmarshalProto(p); err != nil || fromProto.Cmp(q) != 0 {
			t.Fatalf("proto round trip of %q: %v", s, err)
		}
	})
}

package selection

import "testing"

// The operator strings are wire facts: they appear in selector errors and in
// field selector requirements exactly as Kubernetes spells them.
func TestOperatorSpellings(t *testing.T) {
	cases := []struct {
		name string
		op   Operator
		want string
	}{
		{"does-not-exist is a bang", DoesNotExist, "!"},
		{"equals is one equals sign", Equals, "="},
		{"double equals is two equals signs", DoubleEquals, "=="},
		{"in is lower case", In, "in"},
		{"not-equals is bang equals", NotEquals, "!="},
		{"notin is one word", NotIn, "notin"},
		{"exists is spelled out", Exists, "exists"},
		{"greater-than is gt", GreaterThan, "gt"},
		{"less-than is lt", LessThan, "lt"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if string(tc.op) != tc.want {
				t.Fatalf("got %q, want %q", tc.op, tc.want)
			}
		})
	}
}

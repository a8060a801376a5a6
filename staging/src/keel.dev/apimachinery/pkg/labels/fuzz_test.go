package labels

import (
	"strings"
	"testing"
)

// FuzzParseSelector checks that parsing never panics and that every parsed
// selector re-parses from its canonical String() to an equal selector.
func FuzzParseSelector(f *testing.F) {
	for _, seed := range []string{
		"", "x", "!x", "x=a", "x==a", "x!=a", "x in (a,b)", "x notin (a)", "x>1", "x<10",
		"environment in (production, qa)", "tier notin (frontend, backend)", "partition", "!partition",
		"environment=production,tier!=frontend", "in in (in)", "x in (,a,,)", "x=,y", "a/b=c", "example.com/x=y",
		"x in (", "x===y", "!=", ",", "x\x00=y", "  x  in  ( a ,b )  ",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, in string) {
		sel, err := Parse(in)
		if err != nil {
			if sel != nil {
				t.Fatalf("Parse(%q) returned both a selector and error %v", in, err)
			}
			return
		}
		out := sel.String()
		again, err := Parse(out)
		if err != nil {
			t.Fatalf("Parse(%q) ok, but its String() %q does not re-parse: %v", in, out, err)
		}
		if again.String() != out {
			t.Fatalf("String() not stable: %q -> %q -> %q", in, out, again.String())
		}
		r1, _ := sel.Requirements()
		r2, _ := again.Requirements()
		if len(r1) != len(r2) {
			t.Fatalf("requirement count changed: %d vs %d for %q", len(r1), len(r2), in)
		}
		for i := range r1 {
			if !r1[i].Equal(r2[i]) {
				t.Fatalf("requirement %d changed: %q vs %q", i, r1[i].String(), r2[i].String())
			}
		}
		// Matching must not panic on labels derived from the input.
		ls := Set{}
		for _, w := range strings.FieldsFunc(in, func(r rune) bool { return r == ',' || r == '=' }) {
			ls[w] = w
		}
		_ = sel.Matches(ls)
	})
}

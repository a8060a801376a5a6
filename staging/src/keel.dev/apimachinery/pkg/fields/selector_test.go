package fields

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestParseSelector(t *testing.T) {
	cases := []struct {
		name    string
		in      string
		want    string // canonical String(), when valid
		wantErr string // error substring, when invalid
	}{
		{"the empty string selects everything", "", "", ""},
		{"a single term prints as is", "metadata.name=foo", "metadata.name=foo", ""},
		{"double equals prints as single equals", "metadata.name==foo", "metadata.name=foo", ""},
		{"not equals prints as is", "status.phase!=Running", "status.phase!=Running", ""},
		{"terms are sorted", "b=2,a=1", "a=1,b=2", ""},
		{"an empty value is allowed", "spec.nodeName=", "spec.nodeName=", ""},
		{"an escaped comma stays in the value", `a=x\,y`, `a=x\,y`, ""},
		{"an escaped equals stays in the value", `a=x\=y`, `a=x\=y`, ""},
		{"an escaped backslash stays in the value", `a=x\\y`, `a=x\\y`, ""},
		{"empty terms between commas are skipped", "a=1,,b=2,", "a=1,b=2", ""},
		{"spaces are kept as part of field and value", "a = b", "a = b", ""},
		{"a term without operator is rejected", "abc", "", "invalid selector: 'abc'; can't understand 'abc'"},
		{"a bad escape is rejected", `a=x\y`, "", `invalid field selector: invalid escape sequence: \y`},
		{"a trailing backslash is rejected", `a=x\`, "", `invalid field selector: invalid escape sequence: \`},
		{"a bare equals in a value is rejected", "a=b=c", "", "invalid field selector: unescaped character in value: 61"},
		{"a later bad term names itself", "a=1,zzz", "", "can't understand 'zzz'"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sel, err := ParseSelector(tc.in)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("ParseSelector(%q) error %v, want %q", tc.in, err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseSelector(%q): %v", tc.in, err)
			}
			if got := sel.String(); got != tc.want {
				t.Fatalf("String() = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestEscaping(t *testing.T) {
	cases := []struct {
		name    string
		raw     string
		escaped string
	}{
		{"plain text is unchanged", "abc", "abc"},
		{"a comma is escaped", "a,b", `a\,b`},
		{"an equals is escaped", "a=b", `a\=b`},
		{"a backslash is escaped", `a\b`, `a\\b`},
		{"everything together", `\,=`, `\\\,\=`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := EscapeValue(tc.raw); got != tc.escaped {
				t.Fatalf("EscapeValue(%q) = %q, want %q", tc.raw, got, tc.escaped)
			}
			back, err := UnescapeValue(tc.escaped)
			if err != nil || back != tc.raw {
				t.Fatalf("UnescapeValue(%q) = %q, %v", tc.escaped, back, err)
			}
		})
	}
	var esc InvalidEscapeSequence
	if _, err := UnescapeValue(`\n`); !errors.As(err, &esc) {
		t.Fatalf("want InvalidEscapeSequence, got %v", err)
	}
	var bare UnescapedRune
	if _, err := UnescapeValue(`a,b`); !errors.As(err, &bare) {
		t.Fatalf("want UnescapedRune, got %v", err)
	}
}

func TestMatchesAndExactMatch(t *testing.T) {
	pod := Set{"metadata.name": "web", "metadata.namespace": "default", "spec.nodeName": ""}
	cases := []struct {
		name  string
		sel   Selector
		want  bool
		exact string // field whose exact value is checked, if any
		value string
		found bool
	}{
		{"everything matches", Everything(), true, "metadata.name", "", false},
		{"nothing matches nothing", Nothing(), false, "metadata.name", "", false},
		{"a one-term equality matches", OneTermEqualSelector("metadata.name", "web"), true, "metadata.name", "web", true},
		{"a one-term equality on another value fails", OneTermEqualSelector("metadata.name", "db"), false, "metadata.name", "db", true},
		{"not equals on another value matches", OneTermNotEqualSelector("metadata.name", "db"), true, "metadata.name", "", false},
		{"an absent field equals the empty value", OneTermEqualSelector("status.phase", ""), true, "", "", false},
		{"an unscheduled pod matches nodeName=", ParseSelectorOrDie("spec.nodeName="), true, "spec.nodeName", "", true},
		{"a conjunction needs every term", AndSelectors(OneTermEqualSelector("metadata.name", "web"), OneTermEqualSelector("metadata.namespace", "kube-system")), false, "metadata.namespace", "kube-system", true},
		{"a set selector matches its own set", Set{"metadata.name": "web", "metadata.namespace": "default"}.AsSelector(), true, "metadata.namespace", "default", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.sel.Matches(pod); got != tc.want {
				t.Fatalf("Matches = %v, want %v (%q)", got, tc.want, tc.sel)
			}
			if tc.exact == "" {
				return
			}
			if v, ok := tc.sel.RequiresExactMatch(tc.exact); v != tc.value || ok != tc.found {
				t.Fatalf("RequiresExactMatch(%q) = %q, %v; want %q, %v", tc.exact, v, ok, tc.value, tc.found)
			}
		})
	}
}

func TestTransformAndRequirements(t *testing.T) {
	sel := ParseSelectorOrDie("metadata.name=web,status.phase!=Failed,host=x")
	mapped, err := sel.Transform(func(f, v string) (string, string, error) {
		switch f {
		case "host":
			return "spec.nodeName", v, nil
		case "status.phase":
			return "", "", nil
		}
		return f, v, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := mapped.String(); got != "spec.nodeName=x,metadata.name=web" {
		t.Fatalf("Transform gave %q", got)
	}
	reqs := sel.Requirements()
	if len(reqs) != 3 || reqs[2].Operator != "!=" || reqs[2].Field != "status.phase" || reqs[2].Value != "Failed" {
		t.Fatalf("Requirements() = %+v", reqs)
	}
	_, err = sel.Transform(func(f, v string) (string, string, error) { return "", "", fmt.Errorf("no field %q", f) })
	if err == nil {
		t.Fatal("Transform must pass errors through")
	}
	if cp := sel.DeepCopySelector(); cp.String() != sel.String() {
		t.Fatalf("DeepCopySelector gave %q", cp)
	}
	if !Everything().Empty() || Nothing().Empty() || sel.Empty() {
		t.Fatal("Empty is wrong")
	}
}

// FuzzParseFieldSelector checks that parsing never panics and that a parsed
// selector re-parses from its String() to the same terms.
func FuzzParseFieldSelector(f *testing.F) {
	for _, seed := range []string{"", "a=b", "a==b", "a!=b", `a=x\,y`, `a=\\`, "b=2,a=1", "=", "a=b=c", `a=\`, `x\=1,y=2`, ",,"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, in string) {
		sel, err := ParseSelector(in)
		if err != nil {
			return
		}
		out := sel.String()
		again, err := ParseSelector(out)
		if err != nil {
			t.Fatalf("ParseSelector(%q) ok, but its String() %q fails: %v", in, out, err)
		}
		if again.String() != out {
			// Term order may only differ by re-sorting; the terms must agree.
			a, b := sel.Requirements(), again.Requirements()
			if len(a) != len(b) {
				t.Fatalf("term count changed: %q -> %q", out, again.String())
			}
			seen := map[Requirement]int{}
			for _, r := range a {
				seen[r]++
			}
			for _, r := range b {
				seen[r]--
			}
			for r, n := range seen {
				if n != 0 {
					t.Fatalf("term %+v changed between %q and %q", r, out, again.String())
				}
			}
		}
		_ = sel.Matches(Set{in: in})
	})
}

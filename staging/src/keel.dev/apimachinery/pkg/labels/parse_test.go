package labels

import (
	"strings"
	"testing"

	"keel.dev/apimachinery/pkg/selection"
)

func TestParseValid(t *testing.T) {
	cases := []struct {
		name string
		in   string
		want string // canonical String()
	}{
		{"the empty string is the empty selector", "", ""},
		{"only whitespace is the empty selector", " \t\n ", ""},
		{"a single equality prints as is", "x=a", "x=a"},
		{"double equals is kept", "x==a", "x==a"},
		{"not equals prints as is", "x!=a", "x!=a"},
		{"the docs' in example sorts its values", "environment in (production, qa)", "environment in (production,qa)"},
		{"the docs' notin example sorts its values", "tier notin (frontend, backend)", "tier notin (backend,frontend)"},
		{"a bare key means exists", "partition", "partition"},
		{"a bang key means does not exist", "!partition", "!partition"},
		{"the docs' equality pair is sorted by key", "environment=production,tier!=frontend", "environment=production,tier!=frontend"},
		{"requirements are sorted by key", "z=1,a=2,m", "a=2,m,z=1"},
		{"spaces around operators are dropped", "  x  =  a  ,  y != b ", "x=a,y!=b"},
		{"tabs and newlines are whitespace", "x\t=\na", "x=a"},
		{"greater than keeps its integer", "replicas>3", "replicas>3"},
		{"less than keeps its integer", "replicas < 10", "replicas<10"},
		{"a missing value after equals is the empty value", "x=", "x="},
		{"a missing value before a comma is the empty value", "x=,y", "x=,y"},
		{"empty parentheses hold the empty value", "x in ()", "x in ()"},
		{"a leading comma in a set adds the empty value", "x in (,a)", "x in (,a)"},
		{"a trailing comma in a set adds the empty value", "x in (a,)", "x in (,a)"},
		{"double commas add the empty value once", "x in (a,,b)", "x in (,a,b)"},
		{"duplicate values collapse", "x in (b,a,b)", "x in (a,b)"},
		{"in without spaces before the parenthesis parses", "x in(a)", "x in (a)"},
		{"prefixed keys are allowed", "app.kubernetes.io/name=web", "app.kubernetes.io/name=web"},
		{"the keyword in can be a key", "in in (in)", "in in (in)"},
		{"the keyword notin can be a value", "x=notin", "x=notin"},
		{"mixed-case values are kept", "x=MyValue", "x=MyValue"},
		{"a negated key before others sorts by key", "!b,a", "a,!b"},
		{"several requirements on one key are all kept", "x!=a,x!=b", "x!=a,x!=b"},
		{"a 63 character value is allowed", "x=" + strings.Repeat("v", 63), "x=" + strings.Repeat("v", 63)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sel, err := Parse(tc.in)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tc.in, err)
			}
			if got := sel.String(); got != tc.want {
				t.Fatalf("Parse(%q).String() = %q, want %q", tc.in, got, tc.want)
			}
			again, err := Parse(sel.String())
			if err != nil {
				t.Fatalf("re-parse of %q: %v", sel.String(), err)
			}
			if again.String() != sel.String() {
				t.Fatalf("round trip changed %q to %q", sel.String(), again.String())
			}
		})
	}
}

func TestParseInvalid(t *testing.T) {
	cases := []struct {
		name string
		in   string
		want string // substring of the error
	}{
		{"a leading comma is rejected", ",x", "found ',', expected: !, identifier, or 'end of string'"},
		{"a trailing comma is rejected", "x=a,", "found '', expected: identifier after ','"},
		{"a double comma is rejected", "x,,y", "found ',', expected: identifier after ','"},
		{"two words without operator are rejected", "x y", "unable to parse requirement: found 'y', expected: in, notin, =, ==, !=, gt, lt"},
		{"a value followed by a word is rejected", "x=a b", "found 'b', expected: ',' or 'end of string'"},
		{"in without parentheses is rejected", "x in a", "unable to parse requirement: found 'a' expected: '('"},
		{"an unclosed set is rejected", "x in (a", "found '', expected: ',' or ')'"},
		{"a set with spaces only between values is rejected", "x in (a b)", "found 'b', expected: ',' or ')'"},
		{"an operator inside a set is rejected", "x in (=)", "found '=', expected: ',', ')' or identifier"},
		{"an operator after a comma in a set is rejected", "x in (a,=)", "found '=', expected: ',', or identifier"},
		{"an extra closing parenthesis is rejected", "x in (a))", "found ')', expected: ',' or 'end of string'"},
		{"a triple equals is rejected", "x===a", "found '=', expected: identifier"},
		{"a parenthesis as a value is rejected", "x=(a)", "found '(', expected: identifier"},
		{"a bang with nothing after it is rejected", "!", "found '', expected: identifier"},
		{"a bang before an operator is rejected", "!=a", "found '!=', expected: !, identifier, or 'end of string'"},
		{"a negated key with a value is rejected", "!x=a", "found '=', expected: ',' or 'end of string'"},
		{"a key with two slashes is rejected", "a/b/c=d", `unable to parse requirement: <nil>: Invalid value: "a/b/c"`},
		{"a key with a leading dash is rejected", "-x", "name part must consist of alphanumeric characters"},
		{"a 64 character key is rejected", strings.Repeat("k", 64), "name part must be no more than 63 bytes"},
		{"a value with a slash is rejected", "x=a/b", `values[0][x]: Invalid value: "a/b"`},
		{"a 64 character value is rejected", "x=" + strings.Repeat("v", 64), "must be no more than 63 bytes"},
		{"greater than with a word is rejected", "x>a", "for 'Gt', 'Lt' operators, the value must be an integer"},
		{"greater than with a negative number is rejected", "x>-1", "a valid label must be an empty string"},
		{"less than without a value is rejected", "x<", "for 'Gt', 'Lt' operators, the value must be an integer"},
		{"an unknown symbol sequence is rejected", "x=>1", "found '>', expected: identifier"},
		{"a lone operator is rejected", "=", "found '=', expected: !, identifier, or 'end of string'"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sel, err := Parse(tc.in)
			if err == nil {
				t.Fatalf("Parse(%q) = %q, want error", tc.in, sel)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Parse(%q) error %q, want it to contain %q", tc.in, err, tc.want)
			}
		})
	}
}

func TestMatches(t *testing.T) {
	web := Set{"app": "web", "environment": "production", "tier": "frontend", "replicas": "5"}
	cases := []struct {
		name   string
		sel    string
		labels Set
		want   bool
	}{
		{"the empty selector matches anything", "", web, true},
		{"the empty selector matches no labels", "", Set{}, true},
		{"equality matches the same value", "app=web", web, true},
		{"equality fails on another value", "app=db", web, false},
		{"equality fails on an absent key", "owner=me", web, false},
		{"double equals matches like equals", "app==web", web, true},
		{"not equals matches another value", "app!=db", web, true},
		{"not equals fails on the same value", "app!=web", web, false},
		{"not equals matches an absent key", "owner!=me", web, true},
		{"in matches a listed value", "environment in (production, qa)", web, true},
		{"in fails on an unlisted value", "environment in (qa, dev)", web, false},
		{"in fails on an absent key", "zone in (a)", web, false},
		{"notin fails on a listed value", "tier notin (frontend, backend)", web, false},
		{"notin matches an unlisted value", "tier notin (backend)", web, true},
		{"notin matches an absent key", "zone notin (a)", web, true},
		{"exists matches a present key", "tier", web, true},
		{"exists fails on an absent key", "partition", web, false},
		{"exists matches a present empty value", "partition", Set{"partition": ""}, true},
		{"does not exist matches an absent key", "!partition", web, true},
		{"does not exist fails on a present key", "!tier", web, false},
		{"gt matches a larger integer", "replicas>3", web, true},
		{"gt fails on an equal integer", "replicas>5", web, false},
		{"lt matches a smaller integer", "replicas<10", web, true},
		{"lt fails on a larger integer", "replicas<2", web, false},
		{"gt fails on an absent key", "zone>1", web, false},
		{"gt fails on a non-integer label", "app>1", web, false},
		{"the empty value matches an empty label", "x=", Set{"x": ""}, true},
		{"the empty value does not match an absent label", "x=", Set{}, false},
		{"the docs' conjunction needs every part", "environment=production,tier!=frontend", web, false},
		{"the docs' conjunction matches a backend", "environment=production,tier!=frontend", Set{"environment": "production", "tier": "backend"}, true},
		{"values compare case-sensitively", "app=Web", web, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sel, err := Parse(tc.sel)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tc.sel, err)
			}
			if got := sel.Matches(tc.labels); got != tc.want {
				t.Fatalf("%q.Matches(%v) = %v, want %v", tc.sel, tc.labels, got, tc.want)
			}
		})
	}
}

func TestNewRequirement(t *testing.T) {
	cases := []struct {
		name string
		key  string
		op   selection.Operator
		vals []string
		want string // "" for success, else an error substring
	}{
		{"in with values is valid", "x", selection.In, []string{"a", "b"}, ""},
		{"in without values is invalid", "x", selection.In, nil, "for 'in', 'notin' operators, values set can't be empty"},
		{"equals with two values is invalid", "x", selection.Equals, []string{"a", "b"}, "exact-match compatibility requires one single value"},
		{"exists with a value is invalid", "x", selection.Exists, []string{"a"}, "values set must be empty for exists and does not exist"},
		{"gt with two values is invalid", "x", selection.GreaterThan, []string{"1", "2"}, "for 'Gt', 'Lt' operators, exactly one value is required"},
		{"an unknown operator is unsupported", "x", selection.Operator("like"), nil, `operator: Unsupported value: "like"`},
		{"a bad key names the key field", "a b", selection.Exists, nil, `key: Invalid value: "a b"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, err := NewRequirement(tc.key, tc.op, tc.vals)
			if tc.want == "" {
				if err != nil || r == nil {
					t.Fatalf("want success, got %v", err)
				}
				if r.Key() != tc.key || r.Operator() != tc.op {
					t.Fatalf("requirement lost its key or operator: %v", r)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("want error containing %q, got %v", tc.want, err)
			}
		})
	}
}

package labels

import (
	"slices"
	"testing"

	"keel.dev/apimachinery/pkg/selection"
)

func mustParse(t testing.TB, s string) Selector {
	t.Helper()
	sel, err := Parse(s)
	if err != nil {
		t.Fatalf("Parse(%q): %v", s, err)
	}
	return sel
}

func TestSelectorBasics(t *testing.T) {
	cases := []struct {
		name      string
		sel       Selector
		wantStr   string
		wantEmpty bool
		matchesNo bool // matches an empty label set
	}{
		{"Everything is empty and matches all", Everything(), "", true, true},
		{"NewSelector is empty", NewSelector(), "", true, true},
		{"Nothing is not empty and matches nothing", Nothing(), "", false, false},
		{"a set selector prints sorted pairs", SelectorFromSet(Set{"b": "2", "a": "1"}), "a=1,b=2", false, false},
		{"an empty set gives an empty selector", SelectorFromSet(Set{}), "", true, true},
		{"a nil set gives an empty selector", SelectorFromValidatedSet(nil), "", true, true},
		{"Set.AsSelector equals SelectorFromSet", Set{"x": "y"}.AsSelector(), "x=y", false, false},
		{"adding to Nothing stays Nothing", Nothing().Add(Requirement{key: "a", operator: selection.Exists}), "", false, false},
		{"a does-not-exist selector matches no labels", mustParse(t, "!a"), "!a", false, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.sel.String(); got != tc.wantStr {
				t.Fatalf("String() = %q, want %q", got, tc.wantStr)
			}
			if got := tc.sel.Empty(); got != tc.wantEmpty {
				t.Fatalf("Empty() = %v, want %v", got, tc.wantEmpty)
			}
			if got := tc.sel.Matches(Set{}); got != tc.matchesNo {
				t.Fatalf("Matches(empty) = %v, want %v", got, tc.matchesNo)
			}
		})
	}
	if !MatchesNothing(Nothing()) || MatchesNothing(Everything()) {
		t.Fatal("MatchesNothing must recognise only Nothing()")
	}
	if _, ok := Nothing().Requirements(); ok {
		t.Fatal("Nothing must not be selectable")
	}
}

func TestRequiresExactMatch(t *testing.T) {
	cases := []struct {
		name      string
		sel       string
		label     string
		wantValue string
		wantFound bool
	}{
		{"equals pins the value", "a=x,b=y", "b", "y", true},
		{"double equals pins the value", "a==x", "a", "x", true},
		{"a one-value in pins the value", "a in (x)", "a", "x", true},
		{"a two-value in does not pin", "a in (x,y)", "a", "", false},
		{"not equals does not pin", "a!=x", "a", "", false},
		{"an absent label is not pinned", "a=x", "c", "", false},
		{"exists does not pin", "a", "a", "", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v, ok := mustParse(t, tc.sel).RequiresExactMatch(tc.label)
			if v != tc.wantValue || ok != tc.wantFound {
				t.Fatalf("RequiresExactMatch(%q) = %q, %v; want %q, %v", tc.label, v, ok, tc.wantValue, tc.wantFound)
			}
		})
	}
}

func TestAddKeepsOriginalAndSorts(t *testing.T) {
	base := mustParse(t, "m=1")
	r1, err := NewRequirement("z", selection.NotIn, []string{"b", "a"})
	if err != nil {
		t.Fatal(err)
	}
	r2, err := NewRequirement("a", selection.GreaterThan, []string{"3"})
	if err != nil {
		t.Fatal(err)
	}
	got := base.Add(*r1, *r2)
	if want := "a>3,m=1,z notin (a,b)"; got.String() != want {
		t.Fatalf("Add gave %q, want %q", got.String(), want)
	}
	if base.String() != "m=1" {
		t.Fatalf("Add changed the receiver to %q", base.String())
	}
	reqs, ok := got.Requirements()
	if !ok || len(reqs) != 3 || reqs.String() != "a>3, m=1, z notin (a,b)" {
		t.Fatalf("Requirements() = %q, %v", reqs.String(), ok)
	}
	if !slices.Equal(reqs[2].Values(), []string{"a", "b"}) || !slices.Equal(reqs[2].ValuesUnsorted(), []string{"b", "a"}) {
		t.Fatalf("values: sorted %q unsorted %q", reqs[2].Values(), reqs[2].ValuesUnsorted())
	}
}

func TestDeepCopySelectorIsIndependent(t *testing.T) {
	orig := mustParse(t, "a in (x,y)").(reqSelector)
	cp := orig.DeepCopySelector().(reqSelector)
	cp[0].values[0] = "changed"
	if orig.String() != "a in (x,y)" {
		t.Fatalf("copy shares values with the original: %q", orig.String())
	}
}

func TestSetHelpers(t *testing.T) {
	a, b := Set{"x": "1", "y": "2"}, Set{"y": "3", "z": "4"}
	if !Conflicts(a, b) || Conflicts(a, Set{"x": "1"}) {
		t.Fatal("Conflicts must report only differing shared keys")
	}
	if m := Merge(a, b); m.String() != "x=1,y=3,z=4" {
		t.Fatalf("Merge = %q", m)
	}
	if !Equals(a, Set{"y": "2", "x": "1"}) || Equals(a, b) {
		t.Fatal("Equals is wrong")
	}
	if FormatLabels(nil) != "<none>" || FormatLabels(a) != "x=1,y=2" {
		t.Fatalf("FormatLabels gave %q / %q", FormatLabels(nil), FormatLabels(a))
	}
	if v, ok := a.Lookup("x"); !ok || v != "1" || a.Get("nope") != "" || a.Has("nope") {
		t.Fatal("Set accessors are wrong")
	}
	m, err := ConvertSelectorToLabelsMap("a=b, c = d")
	if err != nil || m.String() != "a=b,c=d" {
		t.Fatalf("ConvertSelectorToLabelsMap = %v, %v", m, err)
	}
	if _, err := ConvertSelectorToLabelsMap("a!=b"); err == nil {
		t.Fatal("ConvertSelectorToLabelsMap accepted !=")
	}
	if _, err := (Set{"bad key": "v"}).AsValidatedSelector(); err == nil {
		t.Fatal("AsValidatedSelector accepted a bad key")
	}
}

package v1

import (
	"reflect"
	"strings"
	"testing"

	"keel.dev/apimachinery/pkg/labels"
)

func TestLabelSelectorAsSelector(t *testing.T) {
	cases := []struct {
		name    string
		in      *LabelSelector
		want    string
		wantErr string
		matches labels.Set
		match   bool
	}{
		{"nil selects nothing", nil, "", "", labels.Set{}, false},
		{"empty selects everything", &LabelSelector{}, "", "", labels.Set{}, true},
		{"match labels become equalities", &LabelSelector{MatchLabels: map[string]string{"b": "2", "a": "1"}}, "a=1,b=2", "", labels.Set{"a": "1", "b": "2"}, true},
		{"expressions map their operators", &LabelSelector{
			MatchLabels: map[string]string{"app": "web"},
			MatchExpressions: []LabelSelectorRequirement{
				{Key: "tier", Operator: LabelSelectorOpIn, Values: []string{"b", "a"}},
				{Key: "env", Operator: LabelSelectorOpNotIn, Values: []string{"dev"}},
				{Key: "zone", Operator: LabelSelectorOpExists},
				{Key: "canary", Operator: LabelSelectorOpDoesNotExist},
			},
		}, "app=web,!canary,env notin (dev),tier in (a,b),zone", "", labels.Set{"app": "web", "tier": "a", "zone": "z"}, true},
		{"an unknown operator is an error", &LabelSelector{MatchExpressions: []LabelSelectorRequirement{{Key: "a", Operator: "Gt"}}},
			"", `"Gt" is not a valid label selector operator`, nil, false},
		{"an invalid key is an error", &LabelSelector{MatchLabels: map[string]string{"a b": "c"}}, "", "Invalid value", nil, false},
		{"In without values is an error", &LabelSelector{MatchExpressions: []LabelSelectorRequirement{{Key: "a", Operator: LabelSelectorOpIn}}},
			"", "values set can't be empty", nil, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sel, err := LabelSelectorAsSelector(tc.in)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("want error %q, got %v", tc.wantErr, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if sel.String() != tc.want {
				t.Fatalf("String() = %q, want %q", sel.String(), tc.want)
			}
			if got := sel.Matches(tc.matches); got != tc.match {
				t.Fatalf("Matches(%v) = %v, want %v", tc.matches, got, tc.match)
			}
		})
	}
}

func TestFormatLabelSelector(t *testing.T) {
	cases := []struct {
		name string
		in   *LabelSelector
		want string
	}{
		{"nil prints none", nil, "<none>"},
		{"empty prints none", &LabelSelector{}, "<none>"},
		{"labels print sorted", &LabelSelector{MatchLabels: map[string]string{"tier": "web", "app": "x"}}, "app=x,tier=web"},
		{"invalid prints error", &LabelSelector{MatchExpressions: []LabelSelectorRequirement{{Key: "a", Operator: "Bogus"}}}, "<error>"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := FormatLabelSelector(tc.in); got != tc.want {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestParseToLabelSelector(t *testing.T) {
	cases := []struct {
		name    string
		in      string
		want    *LabelSelector
		wantErr string
	}{
		{"the empty string gives empty maps", "", &LabelSelector{MatchLabels: map[string]string{}, MatchExpressions: []LabelSelectorRequirement{}}, ""},
		{"equalities become match labels and sets become expressions", "app=web,tier in (b,a),!canary,zone", &LabelSelector{
			MatchLabels: map[string]string{"app": "web"},
			MatchExpressions: []LabelSelectorRequirement{
				{Key: "canary", Operator: LabelSelectorOpDoesNotExist, Values: []string{}},
				{Key: "tier", Operator: LabelSelectorOpIn, Values: []string{"a", "b"}},
				{Key: "zone", Operator: LabelSelectorOpExists, Values: []string{}},
			},
		}, ""},
		{"greater-than is rejected", "a>1", nil, `"gt" isn't supported in label selectors`},
		{"a syntax error names the input", "a in", nil, `couldn't parse the selector string "a in"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseToLabelSelector(tc.in)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("want error %q, got %v", tc.wantErr, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for i := range got.MatchExpressions {
				if got.MatchExpressions[i].Values == nil {
					got.MatchExpressions[i].Values = []string{}
				}
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestLabelSelectorAsMapAndSet(t *testing.T) {
	m, err := LabelSelectorAsMap(&LabelSelector{
		MatchLabels:      map[string]string{"a": "1"},
		MatchExpressions: []LabelSelectorRequirement{{Key: "b", Operator: LabelSelectorOpIn, Values: []string{"2"}}},
	})
	if err != nil || !reflect.DeepEqual(m, map[string]string{"a": "1", "b": "2"}) {
		t.Fatalf("LabelSelectorAsMap = %v, %v", m, err)
	}
	if _, err := LabelSelectorAsMap(&LabelSelector{MatchExpressions: []LabelSelectorRequirement{{Key: "b", Operator: LabelSelectorOpExists}}}); err == nil {
		t.Fatal("Exists cannot become a map")
	}
	if m, err := LabelSelectorAsMap(nil); m != nil || err != nil {
		t.Fatal("nil must give nil")
	}
	if SetAsLabelSelector(nil) != nil {
		t.Fatal("nil set must give nil selector")
	}
	if s := SetAsLabelSelector(labels.Set{"x": "y"}); FormatLabelSelector(s) != "x=y" {
		t.Fatalf("SetAsLabelSelector round trip gave %q", FormatLabelSelector(s))
	}
}

func TestMetaHelpers(t *testing.T) {
	var m ObjectMeta
	SetMetaDataAnnotation(&m, "a", "1")
	SetMetaDataLabel(&m, "l", "2")
	if !HasAnnotation(m, "a") || HasAnnotation(m, "l") || !HasLabel(m, "l") || HasLabel(m, "a") {
		t.Fatalf("annotation/label helpers wrong: %+v", m)
	}
	m.Name, m.ResourceVersion = "web", "7"
	if o := SingleObject(m); o.FieldSelector != "metadata.name=web" || o.ResourceVersion != "7" {
		t.Fatalf("SingleObject = %+v", o)
	}
	if d := NewDeleteOptions(5); *d.GracePeriodSeconds != 5 {
		t.Fatal("NewDeleteOptions lost the grace period")
	}
	if d := NewPreconditionDeleteOptions("u"); *d.Preconditions.UID != "u" {
		t.Fatal("NewPreconditionDeleteOptions lost the uid")
	}
	if d := NewRVDeletionPrecondition("9"); *d.Preconditions.ResourceVersion != "9" {
		t.Fatal("NewRVDeletionPrecondition lost the resourceVersion")
	}
	if HasObjectMetaSystemFieldValues(&m) {
		t.Fatal("a fresh object has no system fields")
	}
	m.UID = "x"
	if !HasObjectMetaSystemFieldValues(&m) {
		t.Fatal("a uid is a system field")
	}
}

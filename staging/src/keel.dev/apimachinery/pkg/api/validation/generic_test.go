package validation

import (
	"strings"
	"testing"

	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/util/validation/field"
)

func TestNameFuncs(t *testing.T) {
	cases := []struct {
		name   string
		fn     ValidateNameFunc
		in     string
		prefix bool
		valid  bool
	}{
		{"a subdomain name is valid", NameIsDNSSubdomain, "a.b-c", false, true},
		{"a subdomain prefix may end in a dash", NameIsDNSSubdomain, "abc-", true, true},
		{"a subdomain name may not end in a dash", NameIsDNSSubdomain, "abc-", false, false},
		{"a lone dash is not a valid prefix", NameIsDNSLabel, "-", true, false},
		{"a label prefix of 64 characters ending in a dash is accepted as Kubernetes does", NameIsDNSLabel, strings.Repeat("a", 63) + "-", true, true},
		{"a label prefix of 65 characters ending in a dash is too long", NameIsDNSLabel, strings.Repeat("a", 64) + "-", true, false},
		{"a label prefix of 63 characters ending in a dash is valid", NameIsDNSLabel, strings.Repeat("a", 62) + "-", true, true},
		{"a 1035 prefix ending in a dash is valid", NameIsDNS1035Label, "web-", true, true},
		{"namespace names are labels", ValidateNamespaceName, "kube.system", false, false},
		{"service account names are subdomains", ValidateServiceAccountName, "build.bot", false, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			errs := tc.fn(tc.in, tc.prefix)
			if (len(errs) == 0) != tc.valid {
				t.Fatalf("%q prefix=%v: valid=%v, errors %q", tc.in, tc.prefix, tc.valid, errs)
			}
		})
	}
}

func TestFieldHelpers(t *testing.T) {
	p := field.NewPath("spec", "x")
	cases := []struct {
		name string
		errs field.ErrorList
		want string
	}{
		{"zero is nonnegative", ValidateNonnegativeField(0, p), ""},
		{"minus one is negative", ValidateNonnegativeField(-1, p), "spec.x: Invalid value: -1: must be greater than or equal to 0"},
		{"one is positive", ValidatePositiveField(1, p), ""},
		{"zero is not positive", ValidatePositiveField(0, p), "spec.x: Invalid value: 0: must be greater than zero"},
		{"equal values are unchanged", ValidateImmutableField("a", "a", p), ""},
		{"different values are immutable", ValidateImmutableField("b", "a", p), `spec.x: Invalid value: "b": field is immutable`},
		{"equal maps are unchanged", ValidateImmutableField(map[string]string{"a": "b"}, map[string]string{"a": "b"}, p), ""},
		{"a valid label passes", ValidateDNS1123Label("abc", p), ""},
		{"an invalid label fails", ValidateDNS1123Label("ABC", p), "a lowercase RFC 1123 label"},
		{"a valid subdomain passes", ValidateDNS1123Subdomain("a.b", p), ""},
		{"an invalid subdomain fails", ValidateDNS1123Subdomain("a..b", p), "a lowercase RFC 1123 subdomain"},
		{"a qualified name passes", ValidateQualifiedName("x.io/y", p), ""},
		{"a field manager with a control character fails", ValidateFieldManager("a\x01", p), "invalid character U+0001"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.errs.ToAggregate()
			if tc.want == "" {
				if err != nil {
					t.Fatalf("want valid, got %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("want %q, got %v", tc.want, err)
			}
		})
	}
}

func TestValidateLabelSelector(t *testing.T) {
	p := field.NewPath("spec", "selector")
	cases := []struct {
		name string
		sel  *metav1.LabelSelector
		opts LabelSelectorValidationOptions
		want []string
	}{
		{"a nil selector is valid", nil, LabelSelectorValidationOptions{}, nil},
		{"match labels and expressions are valid", &metav1.LabelSelector{
			MatchLabels: map[string]string{"app": "web"},
			MatchExpressions: []metav1.LabelSelectorRequirement{
				{Key: "tier", Operator: metav1.LabelSelectorOpIn, Values: []string{"a", "b"}},
				{Key: "canary", Operator: metav1.LabelSelectorOpDoesNotExist},
			},
		}, LabelSelectorValidationOptions{}, nil},
		{"In without values is required", &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{
			{Key: "tier", Operator: metav1.LabelSelectorOpIn},
		}}, LabelSelectorValidationOptions{}, []string{"spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'"}},
		{"Exists with values is forbidden", &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{
			{Key: "tier", Operator: metav1.LabelSelectorOpExists, Values: []string{"x"}},
		}}, LabelSelectorValidationOptions{}, []string{"spec.selector.matchExpressions[0].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'"}},
		{"an unknown operator is invalid", &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{
			{Key: "tier", Operator: "Gt", Values: []string{"1"}},
		}}, LabelSelectorValidationOptions{}, []string{`spec.selector.matchExpressions[0].operator: Invalid value: "Gt": not a valid selector operator`}},
		{"a bad expression value is invalid", &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{
			{Key: "tier", Operator: metav1.LabelSelectorOpIn, Values: []string{"a b"}},
		}}, LabelSelectorValidationOptions{}, []string{`spec.selector.matchExpressions[0].values[0]: Invalid value: "a b"`}},
		{"a bad expression value may be allowed", &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{
			{Key: "tier", Operator: metav1.LabelSelectorOpIn, Values: []string{"a b"}},
		}}, LabelSelectorValidationOptions{AllowInvalidLabelValueInSelector: true}, nil},
		{"a bad key is invalid", &metav1.LabelSelector{MatchLabels: map[string]string{"a/b/c": "x"}},
			LabelSelectorValidationOptions{}, []string{`spec.selector.matchLabels: Invalid value: "a/b/c"`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			wantErrors(t, ValidateLabelSelector(tc.sel, tc.opts, p), tc.want)
		})
	}
}

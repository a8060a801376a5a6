package apivalidation

import (
	"reflect"
	"testing"

	"keel.dev/apimachinery/pkg/util/intstr"
	"keel.dev/apimachinery/pkg/util/validation/field"
)

func TestIsValidPathSegmentName(t *testing.T) {
	tests := []struct {
		name, in string
		prefix   bool
		want     []string
	}{
		{"an ordinary name is valid", "system:controller", false, nil},
		{"a dot alone is reserved", ".", false, []string{"may not be '.'"}},
		{"a dot is fine as a prefix", ".", true, nil},
		{"slashes and percents are both reported", "a/b%c", false, []string{"may not contain '/'", "may not contain '%'"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := IsValidPathSegmentName(tt.in, tt.prefix); !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestIntOrPercent(t *testing.T) {
	p := field.NewPath("x")
	if v := IntOrPercentValue(&intstr.IntOrString{Type: intstr.String, StrVal: "25%"}); v != 25 {
		t.Errorf("value of 25%% = %d", v)
	}
	if errs := ValidatePositiveIntOrPercent(intstr.FromString("abc"), p); len(errs) != 1 || errs[0].Type != field.ErrorTypeInvalid {
		t.Errorf("abc gave %v", errs)
	}
	if errs := IsNotMoreThan100Percent(intstr.FromString("101%"), p); len(errs) != 1 || errs[0].Detail != "must not be greater than 100%" {
		t.Errorf("101%% gave %v", errs)
	}
	if errs := IsNotMoreThan100Percent(intstr.FromInt32(500), p); errs != nil {
		t.Errorf("a plain count is not a percentage: %v", errs)
	}
}

func TestValidateNonSpecialIP(t *testing.T) {
	tests := []struct {
		ip  string
		bad bool
	}{{"10.1.2.3", false}, {"0.0.0.0", true}, {"::1", true}, {"169.254.1.1", true}, {"fe80::1", true}, {"2001:db8::1", false}}
	for _, tt := range tests {
		t.Run("address "+tt.ip, func(t *testing.T) {
			if got := len(ValidateNonSpecialIP(tt.ip, field.NewPath("ip"))) > 0; got != tt.bad {
				t.Fatalf("rejected = %v, want %v", got, tt.bad)
			}
		})
	}
}

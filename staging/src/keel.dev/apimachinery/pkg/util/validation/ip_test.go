package validation

import (
	"strings"
	"testing"

	"keel.dev/apimachinery/pkg/util/validation/field"
)

func TestIPAndCIDR(t *testing.T) {
	p := field.NewPath("spec", "ip")
	cases := []struct {
		name string
		fn   func(*field.Path, string) field.ErrorList
		in   string
		want string
	}{
		{"an IPv4 address is valid", IsValidIP, "10.9.8.7", ""},
		{"a canonical IPv6 address is valid", IsValidIP, "2001:db8::ffff", ""},
		{"garbage is not an IP", IsValidIP, "10.9.8", "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"},
		{"leading zeros are rejected", IsValidIP, "010.009.008.007", "must not have leading 0s"},
		{"an IPv4-mapped IPv6 address is rejected", IsValidIP, "::ffff:1.2.3.4", "must not be an IPv4-mapped IPv6 address"},
		{"non-canonical IPv6 is rejected", IsValidIP, "2001:DB8::1", `must be in canonical form ("2001:db8::1")`},
		{"IPv4 passes the IPv4 check", IsValidIPv4Address, "1.2.3.4", ""},
		{"IPv6 fails the IPv4 check", IsValidIPv4Address, "::1", "must be a valid IPv4 address"},
		{"IPv6 passes the IPv6 check", IsValidIPv6Address, "::1", ""},
		{"IPv4 fails the IPv6 check", IsValidIPv6Address, "1.2.3.4", "must be a valid IPv6 address"},
		{"a subnet CIDR is valid", IsValidCIDR, "10.0.0.0/8", ""},
		{"an IPv6 CIDR is valid", IsValidCIDR, "2001:db8::/64", ""},
		{"host bits past the prefix are rejected", IsValidCIDR, "10.0.0.1/8", "must not have bits set beyond the prefix length"},
		{"a CIDR without a prefix length is rejected", IsValidCIDR, "10.0.0.0", "must be a valid CIDR value"},
		{"a CIDR with leading zeros is rejected", IsValidCIDR, "10.0.0.0/08", "must not have leading 0s in IP or prefix length"},
		{"an interface address is valid", IsValidInterfaceAddress, "192.168.1.5/24", ""},
		{"a three-segment name is fully qualified", IsFullyQualifiedName, "a.b.c", ""},
		{"a two-segment name is not fully qualified", IsFullyQualifiedName, "a.b", "at least three segments"},
		{"an empty name is required", IsFullyQualifiedName, "", "Required value"},
		{"a trailing dot is allowed for domain names", IsFullyQualifiedDomainName, "example.com.", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			errs := tc.fn(p, tc.in)
			got := errs.ToAggregate()
			if tc.want == "" {
				if got != nil {
					t.Fatalf("%q: want valid, got %v", tc.in, got)
				}
				return
			}
			if got == nil || !strings.Contains(got.Error(), tc.want) {
				t.Fatalf("%q: want %q, got %v", tc.in, tc.want, got)
			}
			if !strings.HasPrefix(got.Error(), "spec.ip") {
				t.Fatalf("error %q does not name the field", got)
			}
		})
	}
}

package validation

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"keel.dev/apimachinery/pkg/util/validation/field"
)

const (
	invalidIPMsg   = "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"
	invalidCIDRMsg = "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"
)

// trimZeros drops leading zeros from one numeric group, keeping a lone "0".
func trimZeros(g string) string {
	t := strings.TrimLeft(g, "0")
	if t == "" && g != "" {
		return "0"
	}
	return t
}

// parseIPLegacy parses an address the lenient way older Kubernetes releases
// (and stored objects) accept: IPv4 octets and IPv6 groups may carry leading
// zeros. Zones are never accepted.
func parseIPLegacy(s string) (netip.Addr, bool) {
	if strings.ContainsAny(s, "%") {
		return netip.Addr{}, false
	}
	groups := strings.Split(s, ":")
	for i, g := range groups {
		if i == len(groups)-1 && strings.Contains(g, ".") {
			octets := strings.Split(g, ".")
			for j, o := range octets {
				octets[j] = trimZeros(o)
			}
			groups[i] = strings.Join(octets, ".")
			continue
		}
		groups[i] = trimZeros(g)
	}
	addr, err := netip.ParseAddr(strings.Join(groups, ":"))
	return addr, err == nil
}

// parseCIDRLegacy parses "addr/len" leniently (see parseIPLegacy; the length
// may carry leading zeros too).
func parseCIDRLegacy(s string) (netip.Addr, int, bool) {
	a, l, ok := strings.Cut(s, "/")
	if !ok {
		return netip.Addr{}, 0, false
	}
	addr, ok := parseIPLegacy(a)
	if !ok || l == "" || strings.Trim(l, "0123456789") != "" {
		return netip.Addr{}, 0, false
	}
	bits, err := strconv.Atoi(trimZeros(l))
	if err != nil || bits > addr.BitLen() {
		return netip.Addr{}, 0, false
	}
	return addr, bits, true
}

// IsValidIP checks an IPv4 or IPv6 address in canonical form, without
// leading zeros and not IPv4-mapped.
func IsValidIP(fldPath *field.Path, value string) field.ErrorList {
	legacy, ok := parseIPLegacy(value)
	if !ok {
		return field.ErrorList{field.Invalid(fldPath, value, invalidIPMsg)}
	}
	addr, err := netip.ParseAddr(value)
	var errs field.ErrorList
	if err != nil {
		errs = append(errs, field.Invalid(fldPath, value, "must not have leading 0s"))
	}
	if addr.Is4In6() {
		errs = append(errs, field.Invalid(fldPath, value, "must not be an IPv4-mapped IPv6 address"))
	}
	if len(errs) > 0 {
		return errs
	}
	if s := legacy.String(); s != value {
		return field.ErrorList{field.Invalid(fldPath, value, fmt.Sprintf("must be in canonical form (%q)", s))}
	}
	return nil
}

// IsValidIPv4Address checks an IPv4 address.
func IsValidIPv4Address(fldPath *field.Path, value string) field.ErrorList {
	if addr, ok := parseIPLegacy(value); !ok || !addr.Unmap().Is4() {
		return field.ErrorList{field.Invalid(fldPath, value, "must be a valid IPv4 address")}
	}
	return nil
}

// IsValidIPv6Address checks an IPv6 address.
func IsValidIPv6Address(fldPath *field.Path, value string) field.ErrorList {
	if addr, ok := parseIPLegacy(value); !ok || !addr.Is6() || addr.Is4In6() {
		return field.ErrorList{field.Invalid(fldPath, value, "must be a valid IPv6 address")}
	}
	return nil
}

// IsValidCIDR checks a subnet CIDR ("10.0.0.0/8") in canonical form with no
// bits set past the prefix length.
func IsValidCIDR(fldPath *field.Path, value string) field.ErrorList {
	if _, _, ok := parseCIDRLegacy(value); !ok {
		return field.ErrorList{field.Invalid(fldPath, value, invalidCIDRMsg)}
	}
	prefix, err := netip.ParsePrefix(value)
	switch {
	case err != nil:
		return field.ErrorList{field.Invalid(fldPath, value, "must not have leading 0s in IP or prefix length")}
	case prefix.Addr().Is4In6():
		return field.ErrorList{field.Invalid(fldPath, value, "must not have an IPv4-mapped IPv6 address")}
	case prefix.Addr() != prefix.Masked().Addr():
		return field.ErrorList{field.Invalid(fldPath, value, "must not have bits set beyond the prefix length")}
	case prefix.String() != value:
		return field.ErrorList{field.Invalid(fldPath, value, fmt.Sprintf("must be in canonical form (%q)", prefix.String()))}
	}
	return nil
}

// IsValidInterfaceAddress checks an "ifaddr"-style CIDR ("192.168.1.5/24")
// in canonical form.
func IsValidInterfaceAddress(fldPath *field.Path, value string) field.ErrorList {
	addr, bits, ok := parseCIDRLegacy(value)
	if !ok {
		return field.ErrorList{field.Invalid(fldPath, value, "must be a valid address in CIDR form, (e.g. 10.9.8.7/24 or 2001:db8::1/64)")}
	}
	if addr.Is4In6() {
		addr = addr.Unmap()
		if bits > 32 {
			bits -= 96
		}
	}
	if canonical := fmt.Sprintf("%s/%d", addr, bits); canonical != value {
		return field.ErrorList{field.Invalid(fldPath, value, fmt.Sprintf("must be in canonical form (%q)", canonical))}
	}
	return nil
}

package apivalidation

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	apivalidation "keel.dev/apimachinery/pkg/api/validation"
	"keel.dev/apimachinery/pkg/util/intstr"
	utilvalidation "keel.dev/apimachinery/pkg/util/validation"
	"keel.dev/apimachinery/pkg/util/validation/field"
)

// IsValidPathSegmentName reports why name cannot be one path segment of a
// URL ("." and ".." are reserved, "/" and "%" are forbidden); nil means valid.
// With prefix set the name is a generateName prefix and only the content rule
// applies.
func IsValidPathSegmentName(name string, prefix bool) []string {
	if !prefix && (name == "." || name == "..") {
		return []string{fmt.Sprintf("may not be '%s'", name)}
	}
	var msgs []string
	for _, bad := range []string{"/", "%"} {
		if strings.Contains(name, bad) {
			msgs = append(msgs, fmt.Sprintf("may not contain '%s'", bad))
		}
	}
	return msgs
}

// ValidatePositiveIntOrPercent checks that v is a non-negative integer or a
// well-formed percentage.
func ValidatePositiveIntOrPercent(v intstr.IntOrString, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	switch v.Type {
	case intstr.String:
		for _, msg := range utilvalidation.IsValidPercent(v.StrVal) {
			errs = append(errs, field.Invalid(fldPath, v, msg))
		}
	case intstr.Int:
		errs = append(errs, apivalidation.ValidateNonnegativeField(int64(v.IntVal), fldPath)...)
	}
	return errs
}

// percentOf returns the number of a percentage string and whether v is one.
func percentOf(v intstr.IntOrString) (int, bool) {
	if v.Type != intstr.String || !strings.HasSuffix(v.StrVal, "%") {
		return 0, false
	}
	n, err := strconv.Atoi(strings.TrimSuffix(v.StrVal, "%"))
	if err != nil {
		return 0, false
	}
	return n, true
}

// IsNotMoreThan100Percent rejects percentages above 100%.
func IsNotMoreThan100Percent(v intstr.IntOrString, fldPath *field.Path) field.ErrorList {
	n, ok := percentOf(v)
	if !ok || n <= 100 {
		return nil
	}
	return field.ErrorList{field.Invalid(fldPath, v, "must not be greater than 100%")}
}

// IntOrPercentValue is the number in v, whether a plain integer or a
// percentage; nil and malformed values count as 0.
func IntOrPercentValue(v *intstr.IntOrString) int {
	if v == nil {
		return 0
	}
	if v.Type == intstr.Int {
		return int(v.IntVal)
	}
	n, _ := percentOf(*v)
	return n
}

// ValidateNonSpecialIP rejects addresses that can never reach a remote
// backend: unspecified, loopback, link-local and link-local multicast.
// Malformed addresses are left to the format checks.
func ValidateNonSpecialIP(ip string, fldPath *field.Path) field.ErrorList {
	addr, err := netip.ParseAddr(ip)
	if err != nil {
		return nil
	}
	var msg string
	switch {
	case addr.IsUnspecified():
		msg = "may not be unspecified (0.0.0.0, ::)"
	case addr.IsLoopback():
		msg = "may not be in the loopback range (127.0.0.0/8, ::1/128)"
	case addr.IsLinkLocalUnicast():
		msg = "may not be in the link-local range (169.254.0.0/16, fe80::/10)"
	case addr.IsLinkLocalMulticast():
		msg = "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)"
	default:
		return nil
	}
	return field.ErrorList{field.Invalid(fldPath, ip, msg)}
}

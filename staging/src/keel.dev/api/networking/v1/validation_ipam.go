package v1

import (
	"net/netip"

	apivalidation "keel.dev/apimachinery/pkg/api/validation"
	utilvalidation "keel.dev/apimachinery/pkg/util/validation"
	"keel.dev/apimachinery/pkg/util/validation/field"

	internal "keel.dev/api/internal/apivalidation"
)

// ValidateIPAddressName accepts IP addresses in canonical form.
func ValidateIPAddressName(name string, _ bool) []string {
	ip, err := netip.ParseAddr(name)
	if err != nil {
		return []string{err.Error()}
	}
	if ip.String() != name {
		return []string{"must be a canonical format IP address"}
	}
	return nil
}

// ValidateIPAddress checks an IP address object on create.
func ValidateIPAddress(ip *IPAddress) field.ErrorList {
	errs := apivalidation.ValidateObjectMeta(&ip.ObjectMeta, false, ValidateIPAddressName, field.NewPath("metadata"))
	return append(errs, validateParentRef(ip.Spec.ParentRef, field.NewPath("spec"))...)
}

// ValidateIPAddressUpdate checks an IP address update; the parent is fixed.
func ValidateIPAddressUpdate(ip, old *IPAddress) field.ErrorList {
	errs := apivalidation.ValidateObjectMetaUpdate(&ip.ObjectMeta, &old.ObjectMeta, field.NewPath("metadata"))
	return append(errs, apivalidation.ValidateImmutableField(ip.Spec.ParentRef, old.Spec.ParentRef, field.NewPath("spec", "parentRef"))...)
}

func validateParentRef(ref *ParentReference, fldPath *field.Path) field.ErrorList {
	if ref == nil {
		return field.ErrorList{field.Required(fldPath.Child("parentRef"), "")}
	}
	p := fldPath.Child("parentRef")
	var errs field.ErrorList
	if ref.Group != "" {
		for _, msg := range utilvalidation.IsDNS1123Subdomain(ref.Group) {
			errs = append(errs, field.Invalid(p.Child("group"), ref.Group, msg))
		}
	}
	segment := func(name, value string, required bool) {
		if value == "" {
			if required {
				errs = append(errs, field.Required(p.Child(name), ""))
			}
			return
		}
		for _, msg := range internal.IsValidPathSegmentName(value, false) {
			errs = append(errs, field.Invalid(p.Child(name), value, msg))
		}
	}
	segment("resource", ref.Resource, true)
	segment("name", ref.Name, true)
	segment("namespace", ref.Namespace, false)
	return errs
}

// ValidateServiceCIDR checks a ServiceCIDR on create.
func ValidateServiceCIDR(c *ServiceCIDR) field.ErrorList {
	errs := apivalidation.ValidateObjectMeta(&c.ObjectMeta, false, apivalidation.NameIsDNSSubdomain, field.NewPath("metadata"))
	return append(errs, validateCIDRs(c)...)
}

func validateCIDRs(c *ServiceCIDR) field.ErrorList {
	p := field.NewPath("spec", "cidrs")
	cidrs := c.Spec.CIDRs
	switch {
	case len(cidrs) == 0:
		return field.ErrorList{field.Required(p, "at least one CIDR required")}
	case len(cidrs) > 2:
		return field.ErrorList{field.Invalid(p, c.Spec, "may only hold up to 2 values")}
	}
	var errs field.ErrorList
	for i, s := range cidrs {
		errs = append(errs, utilvalidation.IsValidCIDR(p.Index(i), s)...)
	}
	if len(cidrs) == 2 && len(errs) == 0 {
		a, errA := netip.ParsePrefix(cidrs[0])
		b, errB := netip.ParsePrefix(cidrs[1])
		if errA != nil || errB != nil || a.Addr().Is4() == b.Addr().Is4() {
			errs = append(errs, field.Invalid(p, c.Spec, "may specify no more than one IP for each IP family, i.e 192.168.0.0/24 and 2001:db8::/64"))
		}
	}
	return errs
}

// ValidateServiceCIDRUpdate checks a ServiceCIDR update: ranges are fixed,
// except that a single-family range may gain its second family.
func ValidateServiceCIDRUpdate(c, old *ServiceCIDR) field.ErrorList {
	errs := apivalidation.ValidateObjectMetaUpdate(&c.ObjectMeta, &old.ObjectMeta, field.NewPath("metadata"))
	upgrade := len(old.Spec.CIDRs) == 1 && len(c.Spec.CIDRs) == 2 && old.Spec.CIDRs[0] == c.Spec.CIDRs[0]
	if upgrade {
		return append(errs, validateCIDRs(c)...)
	}
	return append(errs, apivalidation.ValidateImmutableField(c.Spec.CIDRs, old.Spec.CIDRs, field.NewPath("spec", "cidrs"))...)
}

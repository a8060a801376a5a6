package v1

import (
	"strings"

	apivalidation "keel.dev/apimachinery/pkg/api/validation"
	utilvalidation "keel.dev/apimachinery/pkg/util/validation"
	"keel.dev/apimachinery/pkg/util/validation/field"
)

// ValidateLease checks a lease on create.
func ValidateLease(lease *Lease) field.ErrorList {
	errs := apivalidation.ValidateObjectMeta(&lease.ObjectMeta, true, apivalidation.NameIsDNSSubdomain, field.NewPath("metadata"))
	return append(errs, ValidateLeaseSpec(&lease.Spec, field.NewPath("spec"))...)
}

// ValidateLeaseUpdate checks a lease on update.
func ValidateLeaseUpdate(lease, old *Lease) field.ErrorList {
	errs := apivalidation.ValidateObjectMetaUpdate(&lease.ObjectMeta, &old.ObjectMeta, field.NewPath("metadata"))
	return append(errs, ValidateLeaseSpec(&lease.Spec, field.NewPath("spec"))...)
}

// ValidateLeaseSpec checks the durations, counters and strategy of a lease.
func ValidateLeaseSpec(spec *LeaseSpec, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	if spec.LeaseDurationSeconds != nil && *spec.LeaseDurationSeconds <= 0 {
		errs = append(errs, field.Invalid(fldPath.Child("leaseDurationSeconds"), *spec.LeaseDurationSeconds, "must be greater than 0"))
	}
	if spec.LeaseTransitions != nil && *spec.LeaseTransitions < 0 {
		errs = append(errs, field.Invalid(fldPath.Child("leaseTransitions"), *spec.LeaseTransitions, "must be greater than or equal to 0"))
	}
	if spec.Strategy != nil {
		errs = append(errs, validateStrategy(*spec.Strategy, fldPath.Child("strategy"))...)
	}
	if spec.PreferredHolder != nil && *spec.PreferredHolder != "" && (spec.Strategy == nil || *spec.Strategy == "") {
		errs = append(errs, field.Forbidden(fldPath.Child("preferredHolder"), "may only be specified if `strategy` is defined"))
	}
	return errs
}

// validateStrategy accepts the built-in strategy names and qualified
// (domain-prefixed) custom ones.
func validateStrategy(s CoordinatedLeaseStrategy, fldPath *field.Path) field.ErrorList {
	if strings.Contains(string(s), "/") {
		var errs field.ErrorList
		for _, msg := range utilvalidation.IsQualifiedName(string(s)) {
			errs = append(errs, field.Invalid(fldPath, s, msg))
		}
		return errs
	}
	if s != OldestEmulationVersion {
		return field.ErrorList{field.NotSupported(fldPath, s, []CoordinatedLeaseStrategy{OldestEmulationVersion})}
	}
	return nil
}

package v1

import (
	apivalidation "keel.dev/apimachinery/pkg/api/validation"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/util/validation/field"

	internal "keel.dev/api/internal/apivalidation"
)

var unhealthyPolicies = []UnhealthyPodEvictionPolicyType{AlwaysAllow, IfHealthyBudget}

// ValidatePodDisruptionBudget checks a budget on create.
func ValidatePodDisruptionBudget(pdb *PodDisruptionBudget) field.ErrorList {
	errs := apivalidation.ValidateObjectMeta(&pdb.ObjectMeta, true, internal.IsValidPathSegmentName, field.NewPath("metadata"))
	errs = append(errs, ValidatePodDisruptionBudgetSpec(&pdb.Spec, field.NewPath("spec"))...)
	return append(errs, ValidatePodDisruptionBudgetStatus(&pdb.Status, field.NewPath("status"))...)
}

// ValidatePodDisruptionBudgetUpdate checks a budget on update.
func ValidatePodDisruptionBudgetUpdate(pdb, old *PodDisruptionBudget) field.ErrorList {
	errs := apivalidation.ValidateObjectMetaUpdate(&pdb.ObjectMeta, &old.ObjectMeta, field.NewPath("metadata"))
	errs = append(errs, ValidatePodDisruptionBudgetSpec(&pdb.Spec, field.NewPath("spec"))...)
	return append(errs, ValidatePodDisruptionBudgetStatus(&pdb.Status, field.NewPath("status"))...)
}

// ValidatePodDisruptionBudgetSpec checks that at most one of minAvailable
// and maxUnavailable is set and that each is a valid count or percentage.
func ValidatePodDisruptionBudgetSpec(spec *PodDisruptionBudgetSpec, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	if spec.MinAvailable != nil && spec.MaxUnavailable != nil {
		errs = append(errs, field.Invalid(fldPath, spec, "minAvailable and maxUnavailable cannot be both set"))
	}
	if spec.MinAvailable != nil {
		p := fldPath.Child("minAvailable")
		errs = append(errs, internal.ValidatePositiveIntOrPercent(*spec.MinAvailable, p)...)
		errs = append(errs, internal.IsNotMoreThan100Percent(*spec.MinAvailable, p)...)
	}
	if spec.MaxUnavailable != nil {
		p := fldPath.Child("maxUnavailable")
		errs = append(errs, internal.ValidatePositiveIntOrPercent(*spec.MaxUnavailable, p)...)
		errs = append(errs, internal.IsNotMoreThan100Percent(*spec.MaxUnavailable, p)...)
	}
	errs = append(errs, apivalidation.ValidateLabelSelector(spec.Selector, apivalidation.LabelSelectorValidationOptions{}, fldPath.Child("selector"))...)
	if p := spec.UnhealthyPodEvictionPolicy; p != nil && *p != AlwaysAllow && *p != IfHealthyBudget {
		errs = append(errs, field.NotSupported(fldPath.Child("unhealthyPodEvictionPolicy"), *p, unhealthyPolicies))
	}
	return errs
}

// ValidatePodDisruptionBudgetStatus checks that the status counters are not
// negative.
func ValidatePodDisruptionBudgetStatus(st *PodDisruptionBudgetStatus, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	errs = append(errs, apivalidation.ValidateNonnegativeField(int64(st.DisruptionsAllowed), fldPath.Child("disruptionsAllowed"))...)
	errs = append(errs, apivalidation.ValidateNonnegativeField(int64(st.CurrentHealthy), fldPath.Child("currentHealthy"))...)
	errs = append(errs, apivalidation.ValidateNonnegativeField(int64(st.DesiredHealthy), fldPath.Child("desiredHealthy"))...)
	return append(errs, apivalidation.ValidateNonnegativeField(int64(st.ExpectedPods), fldPath.Child("expectedPods"))...)
}

// ValidateEviction checks the delete options of an eviction.
func ValidateEviction(ev *Eviction) field.ErrorList {
	if ev.DeleteOptions == nil {
		return nil
	}
	return validateDeleteOptions(ev.DeleteOptions, field.NewPath("deleteOptions"))
}

func validateDeleteOptions(o *metav1.DeleteOptions, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	if o.OrphanDependents != nil && o.PropagationPolicy != nil {
		errs = append(errs, field.Invalid(fldPath.Child("propagationPolicy"), *o.PropagationPolicy, "orphanDependents and deletionPropagation cannot be both set"))
	}
	if p := o.PropagationPolicy; p != nil {
		switch *p {
		case metav1.DeletePropagationForeground, metav1.DeletePropagationBackground, metav1.DeletePropagationOrphan:
		default:
			errs = append(errs, field.NotSupported(fldPath.Child("propagationPolicy"), *p,
				[]string{string(metav1.DeletePropagationForeground), string(metav1.DeletePropagationBackground), string(metav1.DeletePropagationOrphan), "nil"}))
		}
	}
	for i, v := range o.DryRun {
		if v != metav1.DryRunAll {
			errs = append(errs, field.NotSupported(fldPath.Child("dryRun").Index(i), v, []string{metav1.DryRunAll}))
		}
	}
	return errs
}

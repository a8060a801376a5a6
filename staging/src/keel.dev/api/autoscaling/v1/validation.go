package v1

import (
	apivalidation "keel.dev/apimachinery/pkg/api/validation"
	"keel.dev/apimachinery/pkg/util/validation/field"

	internal "keel.dev/api/internal/apivalidation"
)

// ValidateScale checks a scale write: metadata and a non-negative replica
// count.
func ValidateScale(s *Scale) field.ErrorList {
	errs := apivalidation.ValidateObjectMeta(&s.ObjectMeta, true, apivalidation.NameIsDNSSubdomain, field.NewPath("metadata"))
	return append(errs, apivalidation.ValidateNonnegativeField(int64(s.Spec.Replicas), field.NewPath("spec", "replicas"))...)
}

// ValidateCrossVersionObjectReference checks the kind and name of a
// reference.
func ValidateCrossVersionObjectReference(ref CrossVersionObjectReference, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	if ref.Kind == "" {
		errs = append(errs, field.Required(fldPath.Child("kind"), ""))
	} else {
		for _, msg := range internal.IsValidPathSegmentName(ref.Kind, false) {
			errs = append(errs, field.Invalid(fldPath.Child("kind"), ref.Kind, msg))
		}
	}
	if ref.Name == "" {
		errs = append(errs, field.Required(fldPath.Child("name"), ""))
	} else {
		for _, msg := range internal.IsValidPathSegmentName(ref.Name, false) {
			errs = append(errs, field.Invalid(fldPath.Child("name"), ref.Name, msg))
		}
	}
	return errs
}

// ValidateHorizontalPodAutoscaler checks a v1 autoscaler on create.
func ValidateHorizontalPodAutoscaler(h *HorizontalPodAutoscaler) field.ErrorList {
	errs := apivalidation.ValidateObjectMeta(&h.ObjectMeta, true, apivalidation.NameIsDNSSubdomain, field.NewPath("metadata"))
	return append(errs, validateSpec(&h.Spec, field.NewPath("spec"))...)
}

// ValidateHorizontalPodAutoscalerUpdate checks a v1 autoscaler on update.
func ValidateHorizontalPodAutoscalerUpdate(h, old *HorizontalPodAutoscaler) field.ErrorList {
	errs := apivalidation.ValidateObjectMetaUpdate(&h.ObjectMeta, &old.ObjectMeta, field.NewPath("metadata"))
	return append(errs, validateSpec(&h.Spec, field.NewPath("spec"))...)
}

func validateSpec(spec *HorizontalPodAutoscalerSpec, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	if spec.MinReplicas != nil && *spec.MinReplicas < 1 {
		errs = append(errs, field.Invalid(fldPath.Child("minReplicas"), *spec.MinReplicas, "must be greater than or equal to 1"))
	}
	if spec.MaxReplicas < 1 {
		errs = append(errs, field.Invalid(fldPath.Child("maxReplicas"), spec.MaxReplicas, "must be greater than 0"))
	}
	if spec.MinReplicas != nil && spec.MaxReplicas < *spec.MinReplicas {
		errs = append(errs, field.Invalid(fldPath.Child("maxReplicas"), spec.MaxReplicas, "must be greater than or equal to `minReplicas`"))
	}
	errs = append(errs, ValidateCrossVersionObjectReference(spec.ScaleTargetRef, fldPath.Child("scaleTargetRef"))...)
	if spec.TargetCPUUtilizationPercentage != nil && *spec.TargetCPUUtilizationPercentage < 1 {
		errs = append(errs, field.Invalid(fldPath.Child("targetCPUUtilizationPercentage"), *spec.TargetCPUUtilizationPercentage, "must be greater than 0"))
	}
	return errs
}

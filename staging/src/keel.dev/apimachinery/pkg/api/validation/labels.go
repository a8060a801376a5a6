package validation

import (
	"slices"
	"strings"

	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/util/validation"
	"keel.dev/apimachinery/pkg/util/validation/field"
)

// TotalAnnotationSizeLimitB is the largest total size of an object's
// annotation keys and values, in bytes.
const TotalAnnotationSizeLimitB int = 256 * (1 << 10)

// LabelSelectorValidationOptions relaxes ValidateLabelSelector.
type LabelSelectorValidationOptions struct {
	// AllowInvalidLabelValueInSelector skips the format check of expression values.
	AllowInvalidLabelValueInSelector bool
}

// sortedKeys returns m's keys in order, so error lists are deterministic.
func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// ValidateLabelName requires a qualified-name label key.
func ValidateLabelName(labelName string, fldPath *field.Path) field.ErrorList {
	return invalidEach(fldPath, labelName, validation.IsQualifiedName(labelName))
}

// ValidateLabels checks every label key and value.
func ValidateLabels(labels map[string]string, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	for _, k := range sortedKeys(labels) {
		v := labels[k]
		errs = append(errs, ValidateLabelName(k, fldPath)...)
		errs = append(errs, invalidEach(fldPath, v, validation.IsValidLabelValue(v))...)
	}
	return errs
}

// ValidateAnnotations checks annotation keys (qualified names, case-insensitively)
// and the total size limit.
func ValidateAnnotations(annotations map[string]string, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	size := 0
	for _, k := range sortedKeys(annotations) {
		size += len(k) + len(annotations[k])
		errs = append(errs, invalidEach(fldPath, k, validation.IsQualifiedName(strings.ToLower(k)))...)
	}
	if size > TotalAnnotationSizeLimitB {
		errs = append(errs, field.TooLong(fldPath, "", TotalAnnotationSizeLimitB))
	}
	return errs
}

// ValidateLabelSelector checks matchLabels and every matchExpression; nil is valid.
func ValidateLabelSelector(ps *metav1.LabelSelector, opts LabelSelectorValidationOptions, fldPath *field.Path) field.ErrorList {
	if ps == nil {
		return nil
	}
	errs := ValidateLabels(ps.MatchLabels, fldPath.Child("matchLabels"))
	for i, expr := range ps.MatchExpressions {
		errs = append(errs, ValidateLabelSelectorRequirement(expr, opts, fldPath.Child("matchExpressions").Index(i))...)
	}
	return errs
}

// ValidateLabelSelectorRequirement checks one matchExpression.
func ValidateLabelSelectorRequirement(sr metav1.LabelSelectorRequirement, opts LabelSelectorValidationOptions, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	switch sr.Operator {
	case metav1.LabelSelectorOpIn, metav1.LabelSelectorOpNotIn:
		if len(sr.Values) == 0 {
			errs = append(errs, field.Required(fldPath.Child("values"), "must be specified when `operator` is 'In' or 'NotIn'"))
		}
	case metav1.LabelSelectorOpExists, metav1.LabelSelectorOpDoesNotExist:
		if len(sr.Values) > 0 {
			errs = append(errs, field.Forbidden(fldPath.Child("values"), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"))
		}
	default:
		errs = append(errs, field.Invalid(fldPath.Child("operator"), sr.Operator, "not a valid selector operator"))
	}
	errs = append(errs, ValidateLabelName(sr.Key, fldPath.Child("key"))...)
	if !opts.AllowInvalidLabelValueInSelector {
		for i, v := range sr.Values {
			errs = append(errs, invalidEach(fldPath.Child("values").Index(i), v, validation.IsValidLabelValue(v))...)
		}
	}
	return errs
}

package validation

import (
	"reflect"
	"strings"

	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/util/validation"
	"keel.dev/apimachinery/pkg/util/validation/field"
)

// Messages shared with Kubernetes.
const (
	// IsNegativeErrorMsg is the detail for a negative value where >= 0 is required.
	IsNegativeErrorMsg = "must be greater than or equal to 0"
	// IsNotPositiveErrorMsg is the detail for a value that must be > 0.
	IsNotPositiveErrorMsg = "must be greater than zero"
	// FieldImmutableErrorMsg is the detail for a changed immutable field.
	FieldImmutableErrorMsg = "field is immutable"
)

// ValidateNameFunc checks an object name, or a generateName prefix when
// prefix is true, and returns the problems found.
type ValidateNameFunc func(name string, prefix bool) []string

// NameIsDNSSubdomain accepts names that are RFC 1123 subdomains.
func NameIsDNSSubdomain(name string, prefix bool) []string {
	return validation.IsDNS1123Subdomain(asPrefix(name, prefix))
}

// NameIsDNSLabel accepts names that are RFC 1123 labels.
func NameIsDNSLabel(name string, prefix bool) []string {
	return validation.IsDNS1123Label(asPrefix(name, prefix))
}

// NameIsDNS1035Label accepts names that are RFC 1035 labels.
func NameIsDNS1035Label(name string, prefix bool) []string {
	return validation.IsDNS1035Label(asPrefix(name, prefix))
}

// ValidateNamespaceName checks a namespace name (an RFC 1123 label).
var ValidateNamespaceName ValidateNameFunc = NameIsDNSLabel

// ValidateServiceAccountName checks a service account name (an RFC 1123 subdomain).
var ValidateServiceAccountName ValidateNameFunc = NameIsDNSSubdomain

// asPrefix lets a generateName end in '-': the server appends random
// characters, so the trailing dash is replaced by a letter before checking
// (the last two bytes become "a", mirroring Kubernetes).
func asPrefix(name string, prefix bool) string {
	if prefix && len(name) > 1 && strings.HasSuffix(name, "-") {
		return name[:len(name)-2] + "a"
	}
	return name
}

// ValidateNonnegativeField requires value >= 0.
func ValidateNonnegativeField(value int64, fldPath *field.Path) field.ErrorList {
	if value < 0 {
		return field.ErrorList{field.Invalid(fldPath, value, IsNegativeErrorMsg)}
	}
	return nil
}

// ValidatePositiveField requires value > 0.
func ValidatePositiveField(value int64, fldPath *field.Path) field.ErrorList {
	if value <= 0 {
		return field.ErrorList{field.Invalid(fldPath, value, IsNotPositiveErrorMsg)}
	}
	return nil
}

// ValidateDNS1123Label requires value to be an RFC 1123 label.
func ValidateDNS1123Label(value string, fldPath *field.Path) field.ErrorList {
	return invalidEach(fldPath, value, validation.IsDNS1123Label(value))
}

// ValidateDNS1123Subdomain requires value to be an RFC 1123 subdomain.
func ValidateDNS1123Subdomain(value string, fldPath *field.Path) field.ErrorList {
	return invalidEach(fldPath, value, validation.IsDNS1123Subdomain(value))
}

// ValidateQualifiedName requires value to be a qualified name (label key format).
func ValidateQualifiedName(value string, fldPath *field.Path) field.ErrorList {
	return invalidEach(fldPath, value, validation.IsQualifiedName(value))
}

// ValidateImmutableField reports newVal differing from oldVal. Times compare
// as instants; everything else deeply.
func ValidateImmutableField(newVal, oldVal any, fldPath *field.Path) field.ErrorList {
	if !semanticEqual(oldVal, newVal) {
		return field.ErrorList{field.Invalid(fldPath, newVal, FieldImmutableErrorMsg)}
	}
	return nil
}

// semanticEqual compares like apimachinery's semantic equality for the
// types metadata validation meets.
func semanticEqual(a, b any) bool {
	switch x := a.(type) {
	case metav1.Time:
		if y, ok := b.(metav1.Time); ok {
			return x.Equal(&y)
		}
	case *metav1.Time:
		if y, ok := b.(*metav1.Time); ok {
			return x.Equal(y)
		}
	}
	return reflect.DeepEqual(a, b)
}

// invalidEach turns each message into an Invalid error for value.
func invalidEach(fldPath *field.Path, value any, msgs []string) field.ErrorList {
	var errs field.ErrorList
	for _, msg := range msgs {
		errs = append(errs, field.Invalid(fldPath, value, msg))
	}
	return errs
}

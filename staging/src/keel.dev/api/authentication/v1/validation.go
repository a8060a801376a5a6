package v1

import "keel.dev/apimachinery/pkg/util/validation/field"

// Bounds of a requested token lifetime.
const (
	minTokenSeconds = 10 * 60
	maxTokenSeconds = 1 << 32
)

// SetDefaults_TokenRequestSpec defaults the token lifetime to one hour.
func SetDefaults_TokenRequestSpec(spec *TokenRequestSpec) {
	if spec.ExpirationSeconds == nil {
		hour := int64(3600)
		spec.ExpirationSeconds = &hour
	}
}

// ValidateTokenRequest checks the requested lifetime: at least 10 minutes
// and at most 2^32 seconds.
func ValidateTokenRequest(tr *TokenRequest) field.ErrorList {
	p := field.NewPath("spec", "expirationSeconds")
	var secs int64
	if tr.Spec.ExpirationSeconds != nil {
		secs = *tr.Spec.ExpirationSeconds
	}
	switch {
	case secs < minTokenSeconds:
		return field.ErrorList{field.Invalid(p, secs, "may not specify a duration less than 10 minutes")}
	case secs > maxTokenSeconds:
		return field.ErrorList{field.Invalid(p, secs, "may not specify a duration larger than 2^32 seconds")}
	}
	return nil
}

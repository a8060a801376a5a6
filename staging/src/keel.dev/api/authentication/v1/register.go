package v1

import (
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"
	"keel.dev/apimachinery/pkg/util/validation/field"
)

// GroupName is the API group of this package.
const GroupName = "authentication.k8s.io"

// SchemeGroupVersion is the group version of this package's kinds.
var SchemeGroupVersion = schema.GroupVersion{Group: GroupName, Version: "v1"}

// Resource returns a group resource of this group.
func Resource(resource string) schema.GroupResource {
	return SchemeGroupVersion.WithResource(resource).GroupResource()
}

// AddToScheme registers the kinds and resources of
// authentication.k8s.io/v1. TokenRequest has no resource of its own: it is
// the serviceaccounts/token subresource of core/v1.
func AddToScheme(s *runtime.Scheme) error {
	s.AddKnownTypes(SchemeGroupVersion, &TokenRequest{}, &TokenReview{}, &SelfSubjectReview{})
	createOnly := []string{"create"}
	s.AddResources(
		runtime.ResourceInfo{
			GroupVersionResource: SchemeGroupVersion.WithResource("selfsubjectreviews"),
			Kind:                 "SelfSubjectReview",
			Singular:             "selfsubjectreview",
			Verbs:                createOnly,
		},
		runtime.ResourceInfo{
			GroupVersionResource: SchemeGroupVersion.WithResource("tokenreviews"),
			Kind:                 "TokenReview",
			Singular:             "tokenreview",
			Verbs:                createOnly,
		},
	)
	runtime.AddTypedDefaulter(s, func(tr *TokenRequest) { SetDefaults_TokenRequestSpec(&tr.Spec) })
	runtime.AddTypedValidator(s, func(obj, _ *TokenRequest) field.ErrorList {
		return ValidateTokenRequest(obj)
	})
	return nil
}

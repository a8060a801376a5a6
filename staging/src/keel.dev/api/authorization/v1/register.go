package v1

import (
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"
)

// GroupName is the API group of this package.
const GroupName = "authorization.k8s.io"

// SchemeGroupVersion is the group version of this package's kinds.
var SchemeGroupVersion = schema.GroupVersion{Group: GroupName, Version: "v1"}

// Resource returns a group resource of this group.
func Resource(resource string) schema.GroupResource {
	return SchemeGroupVersion.WithResource(resource).GroupResource()
}

// AddToScheme registers the kinds and resources of authorization.k8s.io/v1,
// all of them create-only questions that are never stored.
func AddToScheme(s *runtime.Scheme) error {
	s.AddKnownTypes(SchemeGroupVersion, &SubjectAccessReview{}, &SelfSubjectAccessReview{}, &LocalSubjectAccessReview{}, &SelfSubjectRulesReview{})
	createOnly := []string{"create"}
	s.AddResources(
		runtime.ResourceInfo{
			GroupVersionResource: SchemeGroupVersion.WithResource("localsubjectaccessreviews"),
			Kind:                 "LocalSubjectAccessReview",
			Singular:             "localsubjectaccessreview",
			Namespaced:           true,
			Verbs:                createOnly,
		},
		runtime.ResourceInfo{
			GroupVersionResource: SchemeGroupVersion.WithResource("selfsubjectaccessreviews"),
			Kind:                 "SelfSubjectAccessReview",
			Singular:             "selfsubjectaccessreview",
			Verbs:                createOnly,
		},
		runtime.ResourceInfo{
			GroupVersionResource: SchemeGroupVersion.WithResource("selfsubjectrulesreviews"),
			Kind:                 "SelfSubjectRulesReview",
			Singular:             "selfsubjectrulesreview",
			Verbs:                createOnly,
		},
		runtime.ResourceInfo{
			GroupVersionResource: SchemeGroupVersion.WithResource("subjectaccessreviews"),
			Kind:                 "SubjectAccessReview",
			Singular:             "subjectaccessreview",
			Verbs:                createOnly,
		},
	)
	return nil
}

package v2

import (
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"
)

// GroupName is the API group of this package.
const GroupName = "apidiscovery.k8s.io"

// SchemeGroupVersion is the group version of this package's kinds.
var SchemeGroupVersion = schema.GroupVersion{Group: GroupName, Version: "v2"}

// AddToScheme registers the aggregated discovery kinds. They have no REST
// resources: the apiserver only writes them on /api and /apis.
func AddToScheme(s *runtime.Scheme) error {
	s.AddKnownTypes(SchemeGroupVersion, &APIGroupDiscoveryList{}, &APIGroupDiscovery{})
	metav1.AddToGroupVersion(s, SchemeGroupVersion)
	return nil
}

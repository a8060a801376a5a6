package v1

import (
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"
	"keel.dev/apimachinery/pkg/util/validation/field"
)

// GroupName is the API group of this package.
const GroupName = "discovery.k8s.io"

// SchemeGroupVersion is the group version of this package's kinds.
var SchemeGroupVersion = schema.GroupVersion{Group: GroupName, Version: "v1"}

// Resource returns a group resource of this group.
func Resource(resource string) schema.GroupResource {
	return SchemeGroupVersion.WithResource(resource).GroupResource()
}

// AddToScheme registers the kinds and resources of discovery.k8s.io/v1 with
// their defaulting and validation.
func AddToScheme(s *runtime.Scheme) error {
	s.AddKnownTypes(SchemeGroupVersion, &EndpointSlice{}, &EndpointSliceList{})
	s.AddResources(runtime.ResourceInfo{
		GroupVersionResource: SchemeGroupVersion.WithResource("endpointslices"),
		Kind:                 "EndpointSlice",
		Singular:             "endpointslice",
		Namespaced:           true,
	})
	runtime.AddTypedDefaulter(s, SetObjectDefaults_EndpointSlice)
	runtime.AddTypedDefaulter(s, func(l *EndpointSliceList) {
		for i := range l.Items {
			SetObjectDefaults_EndpointSlice(&l.Items[i])
		}
	})
	runtime.AddTypedValidator(s, func(obj, old *EndpointSlice) field.ErrorList {
		if old == nil {
			return ValidateEndpointSlice(obj)
		}
		return ValidateEndpointSliceUpdate(obj, old)
	})
	return nil
}

package v1

import (
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"
	"keel.dev/apimachinery/pkg/util/validation/field"
)

// GroupName is the API group of this package.
const GroupName = "events.k8s.io"

// SchemeGroupVersion is the group version of this package's kinds.
var SchemeGroupVersion = schema.GroupVersion{Group: GroupName, Version: "v1"}

// Resource returns a group resource of this group.
func Resource(resource string) schema.GroupResource {
	return SchemeGroupVersion.WithResource(resource).GroupResource()
}

// AddToScheme registers the kinds and resources of events.k8s.io/v1 with
// their validation.
func AddToScheme(s *runtime.Scheme) error {
	s.AddKnownTypes(SchemeGroupVersion, &Event{}, &EventList{})
	s.AddResources(runtime.ResourceInfo{
		GroupVersionResource: SchemeGroupVersion.WithResource("events"),
		Kind:                 "Event",
		Singular:             "event",
		ShortNames:           []string{"ev"},
		Namespaced:           true,
	})
	runtime.AddTypedValidator(s, func(obj, old *Event) field.ErrorList {
		if old == nil {
			return ValidateEventCreate(obj)
		}
		return ValidateEventUpdate(obj, old)
	})
	return nil
}

package v1

import (
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"
	"keel.dev/apimachinery/pkg/util/validation/field"
)

// GroupName is the API group of this package.
const GroupName = "scheduling.k8s.io"

// SchemeGroupVersion is the group version of this package's kinds.
var SchemeGroupVersion = schema.GroupVersion{Group: GroupName, Version: "v1"}

// Resource returns a group resource of this group.
func Resource(resource string) schema.GroupResource {
	return SchemeGroupVersion.WithResource(resource).GroupResource()
}

// AddToScheme registers the kinds and resources of scheduling.k8s.io/v1
// with their defaulting and validation.
func AddToScheme(s *runtime.Scheme) error {
	s.AddKnownTypes(SchemeGroupVersion, &PriorityClass{}, &PriorityClassList{})
	s.AddResources(runtime.ResourceInfo{
		GroupVersionResource: SchemeGroupVersion.WithResource("priorityclasses"),
		Kind:                 "PriorityClass",
		Singular:             "priorityclass",
		ShortNames:           []string{"pc"},
	})
	runtime.AddTypedDefaulter(s, SetDefaults_PriorityClass)
	runtime.AddTypedDefaulter(s, func(l *PriorityClassList) {
		for i := range l.Items {
			SetDefaults_PriorityClass(&l.Items[i])
		}
	})
	runtime.AddTypedValidator(s, func(obj, old *PriorityClass) field.ErrorList {
		if old == nil {
			return ValidatePriorityClass(obj)
		}
		return ValidatePriorityClassUpdate(obj, old)
	})
	return nil
}

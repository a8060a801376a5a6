package v1

import (
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"
	"keel.dev/apimachinery/pkg/util/validation/field"
)

// GroupName is the API group of this package.
const GroupName = "autoscaling"

// SchemeGroupVersion is the group version of this package's kinds.
var SchemeGroupVersion = schema.GroupVersion{Group: GroupName, Version: "v1"}

// Resource returns a group resource of this group.
func Resource(resource string) schema.GroupResource {
	return SchemeGroupVersion.WithResource(resource).GroupResource()
}

// AddToScheme registers the kinds of autoscaling/v1. Scale has no resource
// of its own (it is the scale subresource of workloads). The v1
// HorizontalPodAutoscaler kinds are registered, but its resource is served
// only as autoscaling/v2 until v1<->v2 conversion exists.
func AddToScheme(s *runtime.Scheme) error {
	s.AddKnownTypes(SchemeGroupVersion,
		&Scale{},
		&HorizontalPodAutoscaler{}, &HorizontalPodAutoscalerList{},
	)
	runtime.AddTypedDefaulter(s, SetDefaults_HorizontalPodAutoscaler)
	runtime.AddTypedDefaulter(s, func(l *HorizontalPodAutoscalerList) {
		for i := range l.Items {
			SetDefaults_HorizontalPodAutoscaler(&l.Items[i])
		}
	})
	runtime.AddTypedValidator(s, func(obj, old *Scale) field.ErrorList {
		return ValidateScale(obj)
	})
	runtime.AddTypedValidator(s, func(obj, old *HorizontalPodAutoscaler) field.ErrorList {
		if old == nil {
			return ValidateHorizontalPodAutoscaler(obj)
		}
		return ValidateHorizontalPodAutoscalerUpdate(obj, old)
	})
	return nil
}

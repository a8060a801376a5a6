package v2

import (
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"
	"keel.dev/apimachinery/pkg/util/validation/field"
)

// GroupName is the API group of this package.
const GroupName = "autoscaling"

// SchemeGroupVersion is the group version of this package's kinds.
var SchemeGroupVersion = schema.GroupVersion{Group: GroupName, Version: "v2"}

// Resource returns a group resource of this group.
func Resource(resource string) schema.GroupResource {
	return SchemeGroupVersion.WithResource(resource).GroupResource()
}

// AddToScheme registers the kinds and resources of autoscaling/v2 with their
// defaulting and validation.
func AddToScheme(s *runtime.Scheme) error {
	s.AddKnownTypes(SchemeGroupVersion, &HorizontalPodAutoscaler{}, &HorizontalPodAutoscalerList{})
	s.AddResources(runtime.ResourceInfo{
		GroupVersionResource: SchemeGroupVersion.WithResource("horizontalpodautoscalers"),
		Kind:                 "HorizontalPodAutoscaler",
		Singular:             "horizontalpodautoscaler",
		ShortNames:           []string{"hpa"},
		Categories:           []string{"all"},
		Namespaced:           true,
		Subresources: []runtime.SubresourceInfo{
			{Name: "status", Verbs: []string{"get", "patch", "update"}},
		},
	})
	runtime.AddTypedDefaulter(s, SetDefaults_HorizontalPodAutoscaler)
	runtime.AddTypedDefaulter(s, func(l *HorizontalPodAutoscalerList) {
		for i := range l.Items {
			SetDefaults_HorizontalPodAutoscaler(&l.Items[i])
		}
	})
	runtime.AddTypedValidator(s, func(obj, old *HorizontalPodAutoscaler) field.ErrorList {
		if old == nil {
			return ValidateHorizontalPodAutoscaler(obj)
		}
		return ValidateHorizontalPodAutoscalerUpdate(obj, old)
	})
	return nil
}

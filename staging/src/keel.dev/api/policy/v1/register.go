package v1

import (
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"
	"keel.dev/apimachinery/pkg/util/validation/field"
)

// GroupName is the API group of this package.
const GroupName = "policy"

// SchemeGroupVersion is the group version of this package's kinds.
var SchemeGroupVersion = schema.GroupVersion{Group: GroupName, Version: "v1"}

// Resource returns a group resource of this group.
func Resource(resource string) schema.GroupResource {
	return SchemeGroupVersion.WithResource(resource).GroupResource()
}

// AddToScheme registers the kinds and resources of policy/v1 with their
// validation. Eviction has no resource of its own: it is served as the
// pods/eviction subresource of core/v1.
func AddToScheme(s *runtime.Scheme) error {
	s.AddKnownTypes(SchemeGroupVersion,
		&PodDisruptionBudget{}, &PodDisruptionBudgetList{},
		&Eviction{},
	)
	s.AddResources(runtime.ResourceInfo{
		GroupVersionResource: SchemeGroupVersion.WithResource("poddisruptionbudgets"),
		Kind:                 "PodDisruptionBudget",
		Singular:             "poddisruptionbudget",
		ShortNames:           []string{"pdb"},
		Namespaced:           true,
		Subresources: []runtime.SubresourceInfo{
			{Name: "status", Verbs: []string{"get", "patch", "update"}},
		},
	})
	runtime.AddTypedValidator(s, func(obj, old *PodDisruptionBudget) field.ErrorList {
		if old == nil {
			return ValidatePodDisruptionBudget(obj)
		}
		return ValidatePodDisruptionBudgetUpdate(obj, old)
	})
	runtime.AddTypedValidator(s, func(obj, _ *Eviction) field.ErrorList {
		return ValidateEviction(obj)
	})
	return nil
}

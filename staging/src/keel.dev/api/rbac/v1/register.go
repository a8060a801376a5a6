package v1

import (
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"
	"keel.dev/apimachinery/pkg/util/validation/field"
)

// GroupName is the API group of this package.
const GroupName = "rbac.authorization.k8s.io"

// SchemeGroupVersion is the group version of this package's kinds.
var SchemeGroupVersion = schema.GroupVersion{Group: GroupName, Version: "v1"}

// Resource returns a group resource of this group.
func Resource(resource string) schema.GroupResource {
	return SchemeGroupVersion.WithResource(resource).GroupResource()
}

// AddToScheme registers the kinds and resources of
// rbac.authorization.k8s.io/v1 with their defaulting and validation.
func AddToScheme(s *runtime.Scheme) error {
	s.AddKnownTypes(SchemeGroupVersion,
		&Role{}, &RoleList{},
		&RoleBinding{}, &RoleBindingList{},
		&ClusterRole{}, &ClusterRoleList{},
		&ClusterRoleBinding{}, &ClusterRoleBindingList{},
	)
	res := func(plural, kind string, namespaced bool) runtime.ResourceInfo {
		return runtime.ResourceInfo{
			GroupVersionResource: SchemeGroupVersion.WithResource(plural),
			Kind:                 kind,
			Singular:             kindToSingular(kind),
			Namespaced:           namespaced,
		}
	}
	s.AddResources(
		res("clusterrolebindings", "ClusterRoleBinding", false),
		res("clusterroles", "ClusterRole", false),
		res("rolebindings", "RoleBinding", true),
		res("roles", "Role", true),
	)
	registerDefaults(s)
	runtime.AddTypedValidator(s, func(obj, old *Role) field.ErrorList {
		if old == nil {
			return ValidateRole(obj)
		}
		return ValidateRoleUpdate(obj, old)
	})
	runtime.AddTypedValidator(s, func(obj, old *ClusterRole) field.ErrorList {
		if old == nil {
			return ValidateClusterRole(obj)
		}
		return ValidateClusterRoleUpdate(obj, old)
	})
	runtime.AddTypedValidator(s, func(obj, old *RoleBinding) field.ErrorList {
		if old == nil {
			return ValidateRoleBinding(obj)
		}
		return ValidateRoleBindingUpdate(obj, old)
	})
	runtime.AddTypedValidator(s, func(obj, old *ClusterRoleBinding) field.ErrorList {
		if old == nil {
			return ValidateClusterRoleBinding(obj)
		}
		return ValidateClusterRoleBindingUpdate(obj, old)
	})
	return nil
}

// kindToSingular lower-cases a kind into its singular resource name.
func kindToSingular(kind string) string {
	b := []byte(kind)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

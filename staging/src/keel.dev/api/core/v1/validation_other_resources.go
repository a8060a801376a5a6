package v1

import (
	"maps"
	"slices"
	"strings"

	"keel.dev/apimachinery/pkg/api/resource"
	apivalidation "keel.dev/apimachinery/pkg/api/validation"
	"keel.dev/apimachinery/pkg/util/validation"
	"keel.dev/apimachinery/pkg/util/validation/field"
)

// Messages of resource validation, as Kubernetes words them.
const (
	isNotIntegerErrorMsg    = "must be an integer"
	isInvalidQuotaResource  = "must be a standard resource for quota"
	hugePagesResourcePrefix = "hugepages-"
	quotaHugePagesPrefix    = "requests.hugepages-"
)

// standardResourceNames are the unqualified resource names Kubernetes knows.
var standardResourceNames = nameSetOf(
	ResourceCPU, ResourceMemory, ResourceEphemeralStorage,
	ResourceRequestsCPU, ResourceRequestsMemory, ResourceRequestsEphemeralStorage,
	ResourceLimitsCPU, ResourceLimitsMemory, ResourceLimitsEphemeralStorage,
	ResourcePods, ResourceQuotas, ResourceServices, ResourceReplicationControllers,
	ResourceSecrets, ResourceConfigMaps, ResourcePersistentVolumeClaims,
	ResourceStorage, ResourceRequestsStorage,
	ResourceServicesNodePorts, ResourceServicesLoadBalancers,
)

// standardQuotaResourceNames are the unqualified names a quota may limit.
var standardQuotaResourceNames = nameSetOf(
	ResourceCPU, ResourceMemory, ResourceEphemeralStorage,
	ResourceRequestsCPU, ResourceRequestsMemory, ResourceRequestsStorage, ResourceRequestsEphemeralStorage,
	ResourceLimitsCPU, ResourceLimitsMemory, ResourceLimitsEphemeralStorage,
	ResourcePods, ResourceQuotas, ResourceServices, ResourceReplicationControllers,
	ResourceSecrets, ResourcePersistentVolumeClaims, ResourceConfigMaps,
	ResourceServicesNodePorts, ResourceServicesLoadBalancers,
)

// integerResourceNames are counted in whole units.
var integerResourceNames = nameSetOf(
	ResourcePods, ResourceQuotas, ResourceServices, ResourceReplicationControllers,
	ResourceSecrets, ResourceConfigMaps, ResourcePersistentVolumeClaims,
	ResourceServicesNodePorts, ResourceServicesLoadBalancers,
)

// nameSetOf builds a set of comparable values.
func nameSetOf[T comparable](items ...T) map[T]bool {
	s := make(map[T]bool, len(items))
	for _, it := range items {
		s[it] = true
	}
	return s
}

// IsHugePageResourceName reports whether name is a huge page size ("hugepages-2Mi").
func IsHugePageResourceName(name ResourceName) bool {
	return strings.HasPrefix(string(name), hugePagesResourcePrefix)
}

// IsQuotaHugePageResourceName reports whether name is a huge page resource as
// a quota names it (with or without the "requests." prefix).
func IsQuotaHugePageResourceName(name ResourceName) bool {
	return IsHugePageResourceName(name) || strings.HasPrefix(string(name), quotaHugePagesPrefix)
}

// IsNativeResource reports whether name belongs to Kubernetes: unqualified or
// in the kubernetes.io domain.
func IsNativeResource(name ResourceName) bool {
	return !strings.Contains(string(name), "/") || strings.Contains(string(name), ResourceDefaultNamespacePrefix)
}

// IsExtendedResourceName reports whether name is a valid extended resource:
// qualified, outside kubernetes.io, and usable behind the "requests." prefix.
func IsExtendedResourceName(name ResourceName) bool {
	if IsNativeResource(name) || strings.HasPrefix(string(name), DefaultResourceRequestsPrefix) {
		return false
	}
	return len(validation.IsQualifiedName(DefaultResourceRequestsPrefix+string(name))) == 0
}

// IsOvercommitAllowed reports whether requests of name may be below limits.
func IsOvercommitAllowed(name ResourceName) bool {
	return IsNativeResource(name) && !IsHugePageResourceName(name)
}

// IsStandardResourceName reports whether name is a known unqualified resource.
func IsStandardResourceName(name ResourceName) bool {
	return standardResourceNames[name] || IsQuotaHugePageResourceName(name)
}

// IsStandardContainerResourceName reports whether containers may request name.
func IsStandardContainerResourceName(name ResourceName) bool {
	switch name {
	case ResourceCPU, ResourceMemory, ResourceEphemeralStorage:
		return true
	}
	return IsHugePageResourceName(name)
}

// IsStandardQuotaResourceName reports whether a quota may limit name.
func IsStandardQuotaResourceName(name ResourceName) bool {
	return standardQuotaResourceNames[name] || IsQuotaHugePageResourceName(name)
}

// IsIntegerResourceName reports whether name must hold whole numbers.
func IsIntegerResourceName(name ResourceName) bool {
	return integerResourceNames[name] || IsExtendedResourceName(name)
}

// ValidateResourceName checks a resource name: a qualified name that is
// either standard or domain-qualified.
func ValidateResourceName(name ResourceName, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	for _, msg := range validation.IsQualifiedName(string(name)) {
		errs = append(errs, field.Invalid(fldPath, name, msg))
	}
	if len(errs) != 0 {
		return errs
	}
	if !strings.Contains(string(name), "/") && !IsStandardResourceName(name) {
		errs = append(errs, field.Invalid(fldPath, name, "must be a standard resource type or fully qualified"))
	}
	return errs
}

// ValidateContainerResourceName checks a resource name used by a container.
func ValidateContainerResourceName(name ResourceName, fldPath *field.Path) field.ErrorList {
	errs := ValidateResourceName(name, fldPath)
	if !strings.Contains(string(name), "/") {
		if !IsStandardContainerResourceName(name) {
			return append(errs, field.Invalid(fldPath, name, "must be a standard resource for containers"))
		}
	} else if !IsNativeResource(name) && !IsExtendedResourceName(name) {
		return append(errs, field.Invalid(fldPath, name, "doesn't follow extended resource name standard"))
	}
	return errs
}

// ValidateResourceQuotaResourceName checks a resource name used by a quota.
func ValidateResourceQuotaResourceName(name ResourceName, fldPath *field.Path) field.ErrorList {
	errs := ValidateResourceName(name, fldPath)
	if !strings.Contains(string(name), "/") && !IsStandardQuotaResourceName(name) {
		errs = append(errs, field.Invalid(fldPath, name, isInvalidQuotaResource))
	}
	return errs
}

// ValidateNonnegativeQuantity requires q >= 0.
func ValidateNonnegativeQuantity(q resource.Quantity, fldPath *field.Path) field.ErrorList {
	if q.Sign() < 0 {
		return field.ErrorList{field.Invalid(fldPath, q.String(), apivalidation.IsNegativeErrorMsg)}
	}
	return nil
}

// ValidatePositiveQuantityValue requires q > 0.
func ValidatePositiveQuantityValue(q resource.Quantity, fldPath *field.Path) field.ErrorList {
	if q.Sign() <= 0 {
		return field.ErrorList{field.Invalid(fldPath, q.String(), apivalidation.IsNotPositiveErrorMsg)}
	}
	return nil
}

// ValidateResourceQuantityValue checks a quantity of a resource: not
// negative, and whole for integer resources (object counts and extended
// resources).
func ValidateResourceQuantityValue(name ResourceName, q resource.Quantity, fldPath *field.Path) field.ErrorList {
	errs := ValidateNonnegativeQuantity(q, fldPath)
	if IsIntegerResourceName(name) && q.MilliValue()%1000 != 0 {
		errs = append(errs, field.Invalid(fldPath, q.String(), isNotIntegerErrorMsg))
	}
	return errs
}

// standardFinalizerNames are the unqualified finalizers Kubernetes accepts.
var standardFinalizerNames = nameSetOf(string(FinalizerKubernetes), "orphan", "foregroundDeletion")

// ValidateFinalizerName checks a finalizer name: a qualified name that is
// either domain-qualified or one of the standard names.
func ValidateFinalizerName(name string, fldPath *field.Path) field.ErrorList {
	errs := apivalidation.ValidateFinalizerName(name, fldPath)
	if !strings.Contains(name, "/") && !standardFinalizerNames[name] {
		errs = append(errs, field.Invalid(fldPath, name, "name is neither a standard finalizer name nor is it fully qualified"))
	}
	return errs
}

// sortedResourceNames returns the names of l in order, for stable errors.
func sortedResourceNames(l ResourceList) []ResourceName {
	return slices.Sorted(maps.Keys(l))
}

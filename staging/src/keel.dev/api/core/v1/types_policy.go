package v1

import (
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
)

// LimitType names what a LimitRangeItem applies to.
type LimitType string

// Limit types.
const (
	// LimitTypePod applies to the sum over a pod's containers.
	LimitTypePod LimitType = "Pod"
	// LimitTypeContainer applies to each container.
	LimitTypeContainer LimitType = "Container"
	// LimitTypePersistentVolumeClaim applies to each claim.
	LimitTypePersistentVolumeClaim LimitType = "PersistentVolumeClaim"
)

// LimitRangeItem sets resource bounds and defaults for one kind of object.
type LimitRangeItem struct {
	// Type is what the limits apply to.
	Type LimitType `json:"type" protobuf:"bytes,1,opt,name=type,casttype=LimitType"`
	// Max is the largest allowed usage per resource.
	Max ResourceList `json:"max,omitempty" protobuf:"bytes,2,rep,name=max,casttype=ResourceList,castkey=ResourceName"`
	// Min is the smallest allowed usage per resource.
	Min ResourceList `json:"min,omitempty" protobuf:"bytes,3,rep,name=min,casttype=ResourceList,castkey=ResourceName"`
	// Default is the limit applied when none is given.
	Default ResourceList `json:"default,omitempty" protobuf:"bytes,4,rep,name=default,casttype=ResourceList,castkey=ResourceName"`
	// DefaultRequest is the request applied when none is given.
	DefaultRequest ResourceList `json:"defaultRequest,omitempty" protobuf:"bytes,5,rep,name=defaultRequest,casttype=ResourceList,castkey=ResourceName"`
	// MaxLimitRequestRatio caps limit divided by request per resource.
	MaxLimitRequestRatio ResourceList `json:"maxLimitRequestRatio,omitempty" protobuf:"bytes,6,rep,name=maxLimitRequestRatio,casttype=ResourceList,castkey=ResourceName"`
}

// LimitRangeSpec lists the limits of a LimitRange.
type LimitRangeSpec struct {
	// Limits are enforced in order.
	Limits []LimitRangeItem `json:"limits" protobuf:"bytes,1,rep,name=limits"`
}

// LimitRange constrains and defaults resource usage in a namespace.
type LimitRange struct {
	metav1.TypeMeta `json:",inline"`
	// ObjectMeta is the object's metadata.
	metav1.ObjectMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`
	// Spec holds the limits.
	Spec LimitRangeSpec `json:"spec,omitempty" protobuf:"bytes,2,opt,name=spec"`
}

// LimitRangeList is a list of limit ranges.
type LimitRangeList struct {
	metav1.TypeMeta `json:",inline"`
	// ListMeta carries the list's resourceVersion and continue token.
	metav1.ListMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`
	// Items are the limit ranges.
	Items []LimitRange `json:"items" protobuf:"bytes,2,rep,name=items"`
}

// Resource name patterns a ResourceQuota can count (the plain quota
// resource names such as ResourcePods live in types_common.go).
const (
	// ResourceClaimsPerClass is the suffix counting DRA devices per device class.
	ResourceClaimsPerClass string = ".deviceclass.resource.k8s.io/devices"
	// ResourceImplicitExtendedClaimsPerClass is the prefix counting implicit extended resource claims.
	ResourceImplicitExtendedClaimsPerClass string = "requests.deviceclass.resource.kubernetes.io/"
)

// Prefixes of quota resource names.
const (
	// ResourceRequestsHugePagesPrefix prefixes huge page request quotas.
	ResourceRequestsHugePagesPrefix = "requests.hugepages-"
	// DefaultResourceRequestsPrefix prefixes request quotas.
	DefaultResourceRequestsPrefix = "requests."
)

// ResourceQuotaScope narrows the objects a quota counts.
type ResourceQuotaScope string

// Quota scopes.
const (
	// ResourceQuotaScopeTerminating matches pods with activeDeadlineSeconds set.
	ResourceQuotaScopeTerminating ResourceQuotaScope = "Terminating"
	// ResourceQuotaScopeNotTerminating matches pods without activeDeadlineSeconds.
	ResourceQuotaScopeNotTerminating ResourceQuotaScope = "NotTerminating"
	// ResourceQuotaScopeBestEffort matches BestEffort pods.
	ResourceQuotaScopeBestEffort ResourceQuotaScope = "BestEffort"
	// ResourceQuotaScopeNotBestEffort matches pods that are not BestEffort.
	ResourceQuotaScopeNotBestEffort ResourceQuotaScope = "NotBestEffort"
	// ResourceQuotaScopePriorityClass matches pods by priority class.
	ResourceQuotaScopePriorityClass ResourceQuotaScope = "PriorityClass"
	// ResourceQuotaScopeCrossNamespacePodAffinity matches pods with cross-namespace affinity.
	ResourceQuotaScopeCrossNamespacePodAffinity ResourceQuotaScope = "CrossNamespacePodAffinity"
	// ResourceQuotaScopeVolumeAttributesClass matches claims by attributes class.
	ResourceQuotaScopeVolumeAttributesClass ResourceQuotaScope = "VolumeAttributesClass"
)

// ResourceQuotaSpec is the desired hard limits of a quota.
type ResourceQuotaSpec struct {
	// Hard is the limit per resource name.
	Hard ResourceList `json:"hard,omitempty" protobuf:"bytes,1,rep,name=hard,casttype=ResourceList,castkey=ResourceName"`
	// Scopes must all match for an object to be counted.
	Scopes []ResourceQuotaScope `json:"scopes,omitempty" protobuf:"bytes,2,rep,name=scopes,casttype=ResourceQuotaScope"`
	// ScopeSelector matches scopes by expression.
	ScopeSelector *ScopeSelector `json:"scopeSelector,omitempty" protobuf:"bytes,3,opt,name=scopeSelector"`
}

// ScopeSelector is a conjunction of scope requirements.
type ScopeSelector struct {
	// MatchExpressions must all hold.
	MatchExpressions []ScopedResourceSelectorRequirement `json:"matchExpressions,omitempty" protobuf:"bytes,1,rep,name=matchExpressions"`
}

// ScopedResourceSelectorRequirement relates a scope to values.
type ScopedResourceSelectorRequirement struct {
	// ScopeName is the scope the requirement applies to.
	ScopeName ResourceQuotaScope `json:"scopeName" protobuf:"bytes,1,opt,name=scopeName"`
	// Operator is In, NotIn, Exists or DoesNotExist.
	Operator ScopeSelectorOperator `json:"operator" protobuf:"bytes,2,opt,name=operator,casttype=ScopedResourceSelectorOperator"`
	// Values for In and NotIn; empty for Exists and DoesNotExist.
	Values []string `json:"values,omitempty" protobuf:"bytes,3,rep,name=values"`
}

// ScopeSelectorOperator relates a scope to its values.
type ScopeSelectorOperator string

// Scope selector operators.
const (
	// ScopeSelectorOpIn requires a value in the set.
	ScopeSelectorOpIn ScopeSelectorOperator = "In"
	// ScopeSelectorOpNotIn requires a value outside the set.
	ScopeSelectorOpNotIn ScopeSelectorOperator = "NotIn"
	// ScopeSelectorOpExists requires the scope to apply.
	ScopeSelectorOpExists ScopeSelectorOperator = "Exists"
	// ScopeSelectorOpDoesNotExist requires the scope not to apply.
	ScopeSelectorOpDoesNotExist ScopeSelectorOperator = "DoesNotExist"
)

// ResourceQuotaStatus is the enforced limits and current usage.
type ResourceQuotaStatus struct {
	// Hard is the enforced limit per resource.
	Hard ResourceList `json:"hard,omitempty" protobuf:"bytes,1,rep,name=hard,casttype=ResourceList,castkey=ResourceName"`
	// Used is the current usage per resource.
	Used ResourceList `json:"used,omitempty" protobuf:"bytes,2,rep,name=used,casttype=ResourceList,castkey=ResourceName"`
}

// ResourceQuota caps aggregate resource use in a namespace.
type ResourceQuota struct {
	metav1.TypeMeta `json:",inline"`
	// ObjectMeta is the object's metadata.
	metav1.ObjectMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`
	// Spec holds the hard limits.
	Spec ResourceQuotaSpec `json:"spec,omitempty" protobuf:"bytes,2,opt,name=spec"`
	// Status reports enforced limits and usage.
	Status ResourceQuotaStatus `json:"status,omitempty" protobuf:"bytes,3,opt,name=status"`
}

// ResourceQuotaList is a list of resource quotas.
type ResourceQuotaList struct {
	metav1.TypeMeta `json:",inline"`
	// ListMeta carries the list's resourceVersion and continue token.
	metav1.ListMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`
	// Items are the quotas.
	Items []ResourceQuota `json:"items" protobuf:"bytes,2,rep,name=items"`
}

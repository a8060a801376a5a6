package v1

import (
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/util/intstr"
)

// DisruptionBudgetCause is the status cause of an eviction refused by a
// disruption budget.
const DisruptionBudgetCause metav1.CauseType = "DisruptionBudget"

// PodDisruptionBudgetSpec bounds how many selected pods may be disrupted at
// once.
type PodDisruptionBudgetSpec struct {
	// MinAvailable is how many (or what share) of the pods must stay
	// available; exclusive with MaxUnavailable.
	MinAvailable *intstr.IntOrString `json:"minAvailable,omitempty" protobuf:"bytes,1,opt,name=minAvailable"`
	// Selector selects the pods the budget covers.
	Selector *metav1.LabelSelector `json:"selector,omitempty" patchStrategy:"replace" protobuf:"bytes,2,opt,name=selector"`
	// MaxUnavailable is how many (or what share) of the pods may be
	// unavailable; exclusive with MinAvailable.
	MaxUnavailable *intstr.IntOrString `json:"maxUnavailable,omitempty" protobuf:"bytes,3,opt,name=maxUnavailable"`
	// UnhealthyPodEvictionPolicy says when running but not ready pods may be
	// evicted.
	UnhealthyPodEvictionPolicy *UnhealthyPodEvictionPolicyType `json:"unhealthyPodEvictionPolicy,omitempty" protobuf:"bytes,4,opt,name=unhealthyPodEvictionPolicy"`
}

// UnhealthyPodEvictionPolicyType says when unhealthy pods may be evicted.
type UnhealthyPodEvictionPolicyType string

// Unhealthy pod eviction policies.
const (
	// IfHealthyBudget evicts unhealthy pods only while the budget is met.
	IfHealthyBudget UnhealthyPodEvictionPolicyType = "IfHealthyBudget"
	// AlwaysAllow always lets unhealthy pods be evicted.
	AlwaysAllow UnhealthyPodEvictionPolicyType = "AlwaysAllow"
)

// PodDisruptionBudgetStatus is the disruption controller's view of a budget.
type PodDisruptionBudgetStatus struct {
	// ObservedGeneration is the generation the status reflects.
	ObservedGeneration int64 `json:"observedGeneration,omitempty" protobuf:"varint,1,opt,name=observedGeneration"`
	// DisruptedPods maps pods being evicted to when the eviction was
	// admitted.
	DisruptedPods map[string]metav1.Time `json:"disruptedPods,omitempty" protobuf:"bytes,2,rep,name=disruptedPods"`
	// DisruptionsAllowed is how many more pods may be disrupted now.
	DisruptionsAllowed int32 `json:"disruptionsAllowed" protobuf:"varint,3,opt,name=disruptionsAllowed"`
	// CurrentHealthy is the number of healthy pods.
	CurrentHealthy int32 `json:"currentHealthy" protobuf:"varint,4,opt,name=currentHealthy"`
	// DesiredHealthy is the least number of healthy pods wanted.
	DesiredHealthy int32 `json:"desiredHealthy" protobuf:"varint,5,opt,name=desiredHealthy"`
	// ExpectedPods is the number of pods the budget covers.
	ExpectedPods int32 `json:"expectedPods" protobuf:"varint,6,opt,name=expectedPods"`
	// Conditions include DisruptionAllowed.
	Conditions []metav1.Condition `json:"conditions,omitempty" patchStrategy:"merge" patchMergeKey:"type" protobuf:"bytes,7,rep,name=conditions"`
}

// Condition type and reasons of a disruption budget.
const (
	// DisruptionAllowedCondition is true when pods may be disrupted.
	DisruptionAllowedCondition = "DisruptionAllowed"
	// SyncFailedReason means the controller could not compute the status.
	SyncFailedReason = "SyncFailed"
	// SufficientPodsReason means enough pods are healthy to allow a
	// disruption.
	SufficientPodsReason = "SufficientPods"
	// InsufficientPodsReason means too few pods are healthy.
	InsufficientPodsReason = "InsufficientPods"
)

// PodDisruptionBudget limits voluntary disruption of a set of pods.
type PodDisruptionBudget struct {
	metav1.TypeMeta `json:",inline"`
	// ObjectMeta is the object's metadata.
	metav1.ObjectMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`
	// Spec is the budget.
	Spec PodDisruptionBudgetSpec `json:"spec,omitempty" protobuf:"bytes,2,opt,name=spec"`
	// Status is the controller's view of the budget.
	Status PodDisruptionBudgetStatus `json:"status,omitempty" protobuf:"bytes,3,opt,name=status"`
}

// PodDisruptionBudgetList is a list of disruption budgets.
type PodDisruptionBudgetList struct {
	metav1.TypeMeta `json:",inline"`
	// ListMeta carries the list's resourceVersion and continue token.
	metav1.ListMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`
	// Items are the disruption budgets.
	Items []PodDisruptionBudget `json:"items" protobuf:"bytes,2,rep,name=items"`
}

// Eviction asks for a pod to be deleted subject to disruption budgets; it is
// posted to the pod's eviction subresource.
type Eviction struct {
	metav1.TypeMeta `json:",inline"`
	// ObjectMeta names the pod to evict.
	metav1.ObjectMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`
	// DeleteOptions are used for the deletion.
	DeleteOptions *metav1.DeleteOptions `json:"deleteOptions,omitempty" protobuf:"bytes,2,opt,name=deleteOptions"`
}

package v1

import (
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
)

// Namespace is a scope for names of namespaced objects.
type Namespace struct {
	metav1.TypeMeta `json:",inline"`
	// ObjectMeta is the namespace's metadata.
	metav1.ObjectMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`
	// Spec holds the namespace's finalizers.
	Spec NamespaceSpec `json:"spec,omitempty" protobuf:"bytes,2,opt,name=spec"`
	// Status is the namespace's lifecycle state.
	Status NamespaceStatus `json:"status,omitempty" protobuf:"bytes,3,opt,name=status"`
}

// NamespaceList is a list of namespaces.
type NamespaceList struct {
	metav1.TypeMeta `json:",inline"`
	// ListMeta carries the list's resourceVersion and continue token.
	metav1.ListMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`
	// Items are the namespaces.
	Items []Namespace `json:"items" protobuf:"bytes,2,rep,name=items"`
}

// FinalizerName names a namespace finalizer (spec.finalizers).
type FinalizerName string

// FinalizerKubernetes is the finalizer the namespace controller removes once
// the namespace's content is gone.
const FinalizerKubernetes FinalizerName = "kubernetes"

// NamespaceSpec is the desired state of a namespace.
type NamespaceSpec struct {
	// Finalizers must all be removed before the namespace is deleted.
	Finalizers []FinalizerName `json:"finalizers,omitempty" protobuf:"bytes,1,rep,name=finalizers,casttype=FinalizerName"`
}

// NamespaceStatus is the observed state of a namespace.
type NamespaceStatus struct {
	// Phase is Active or Terminating.
	Phase NamespacePhase `json:"phase,omitempty" protobuf:"bytes,1,opt,name=phase,casttype=NamespacePhase"`
	// Conditions report problems while the namespace is being deleted.
	Conditions []NamespaceCondition `json:"conditions,omitempty" patchStrategy:"merge" patchMergeKey:"type" protobuf:"bytes,2,rep,name=conditions"`
}

// NamespacePhase is the lifecycle phase of a namespace.
type NamespacePhase string

// Namespace phases.
const (
	// NamespaceActive means objects may be created in the namespace.
	NamespaceActive NamespacePhase = "Active"
	// NamespaceTerminating means the namespace is being deleted.
	NamespaceTerminating NamespacePhase = "Terminating"
)

// NamespaceTerminatingCause is the status cause of a create refused because
// the namespace is terminating.
const NamespaceTerminatingCause metav1.CauseType = "NamespaceTerminating"

// NamespaceConditionType names a namespace condition.
type NamespaceConditionType string

// Namespace condition types.
const (
	// NamespaceDeletionDiscoveryFailure means discovery failed during deletion.
	NamespaceDeletionDiscoveryFailure NamespaceConditionType = "NamespaceDeletionDiscoveryFailure"
	// NamespaceDeletionContentFailure means some content could not be deleted.
	NamespaceDeletionContentFailure NamespaceConditionType = "NamespaceDeletionContentFailure"
	// NamespaceDeletionGVParsingFailure means a group version could not be parsed.
	NamespaceDeletionGVParsingFailure NamespaceConditionType = "NamespaceDeletionGroupVersionParsingFailure"
	// NamespaceContentRemaining means objects remain in the namespace.
	NamespaceContentRemaining NamespaceConditionType = "NamespaceContentRemaining"
	// NamespaceFinalizersRemaining means objects with finalizers remain.
	NamespaceFinalizersRemaining NamespaceConditionType = "NamespaceFinalizersRemaining"
)

// NamespaceCondition is one aspect of a namespace's state.
type NamespaceCondition struct {
	// Type of the condition.
	Type NamespaceConditionType `json:"type" protobuf:"bytes,1,opt,name=type,casttype=NamespaceConditionType"`
	// Status is True, False or Unknown.
	Status ConditionStatus `json:"status" protobuf:"bytes,2,opt,name=status,casttype=ConditionStatus"`
	// LastTransitionTime is when Status last changed.
	LastTransitionTime metav1.Time `json:"lastTransitionTime,omitempty" protobuf:"bytes,4,opt,name=lastTransitionTime"`
	// Reason is a machine-readable cause.
	Reason string `json:"reason,omitempty" protobuf:"bytes,5,opt,name=reason"`
	// Message is a human-readable explanation.
	Message string `json:"message,omitempty" protobuf:"bytes,6,opt,name=message"`
}

package v1

import (
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
)

// IPAddress records that one IP address is allocated; its name is the
// address in canonical form.
type IPAddress struct {
	metav1.TypeMeta `json:",inline"`
	// ObjectMeta is the object's metadata.
	metav1.ObjectMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`
	// Spec names the owner of the address.
	Spec IPAddressSpec `json:"spec,omitempty" protobuf:"bytes,2,opt,name=spec"`
}

// IPAddressSpec names the object an address is allocated to.
type IPAddressSpec struct {
	// ParentRef is the owner of the address; required and immutable.
	ParentRef *ParentReference `json:"parentRef,omitempty" protobuf:"bytes,1,opt,name=parentRef"`
}

// ParentReference names the object an IP address belongs to.
type ParentReference struct {
	// Group of the referent ("" for core).
	Group string `json:"group,omitempty" protobuf:"bytes,1,opt,name=group"`
	// Resource of the referent ("services").
	Resource string `json:"resource,omitempty" protobuf:"bytes,2,opt,name=resource"`
	// Namespace of the referent.
	Namespace string `json:"namespace,omitempty" protobuf:"bytes,3,opt,name=namespace"`
	// Name of the referent.
	Name string `json:"name,omitempty" protobuf:"bytes,4,opt,name=name"`
}

// IPAddressList is a list of IP addresses.
type IPAddressList struct {
	metav1.TypeMeta `json:",inline"`
	// ListMeta carries the list's resourceVersion and continue token.
	metav1.ListMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`
	// Items are the IP addresses.
	Items []IPAddress `json:"items" protobuf:"bytes,2,rep,name=items"`
}

// ServiceCIDR is a range ClusterIPs of services are allocated from.
type ServiceCIDR struct {
	metav1.TypeMeta `json:",inline"`
	// ObjectMeta is the object's metadata.
	metav1.ObjectMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`
	// Spec holds the ranges.
	Spec ServiceCIDRSpec `json:"spec,omitempty" protobuf:"bytes,2,opt,name=spec"`
	// Status reports readiness.
	Status ServiceCIDRStatus `json:"status,omitempty" protobuf:"bytes,3,opt,name=status"`
}

// ServiceCIDRSpec holds up to one range per IP family.
type ServiceCIDRSpec struct {
	// CIDRs are the ranges, at most one IPv4 and one IPv6.
	CIDRs []string `json:"cidrs,omitempty" protobuf:"bytes,1,opt,name=cidrs"`
}

// Condition type and reason of a ServiceCIDR.
const (
	// ServiceCIDRConditionReady is true when the range can be allocated
	// from.
	ServiceCIDRConditionReady = "Ready"
	// ServiceCIDRReasonTerminating means the range is being deleted.
	ServiceCIDRReasonTerminating = "Terminating"
)

// ServiceCIDRStatus is the state of a ServiceCIDR.
type ServiceCIDRStatus struct {
	// Conditions include Ready.
	Conditions []metav1.Condition `json:"conditions,omitempty" patchStrategy:"merge" patchMergeKey:"type" protobuf:"bytes,1,rep,name=conditions"`
}

// ServiceCIDRList is a list of ServiceCIDRs.
type ServiceCIDRList struct {
	metav1.TypeMeta `json:",inline"`
	// ListMeta carries the list's resourceVersion and continue token.
	metav1.ListMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`
	// Items are the ServiceCIDRs.
	Items []ServiceCIDR `json:"items" protobuf:"bytes,2,rep,name=items"`
}

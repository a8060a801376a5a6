package v1

import (
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/util/intstr"

	corev1 "keel.dev/api/core/v1"
)

// NetworkPolicy says which traffic the selected pods accept and send.
type NetworkPolicy struct {
	metav1.TypeMeta `json:",inline"`
	// ObjectMeta is the object's metadata.
	metav1.ObjectMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`
	// Spec is the policy.
	Spec NetworkPolicySpec `json:"spec,omitempty" protobuf:"bytes,2,opt,name=spec"`
}

// PolicyType is a direction of traffic a policy governs.
type PolicyType string

// Policy types.
const (
	// PolicyTypeIngress governs incoming traffic.
	PolicyTypeIngress PolicyType = "Ingress"
	// PolicyTypeEgress governs outgoing traffic.
	PolicyTypeEgress PolicyType = "Egress"
)

// NetworkPolicySpec selects pods and lists the traffic allowed to and from
// them.
type NetworkPolicySpec struct {
	// PodSelector selects the pods of the namespace the policy applies to;
	// empty selects all.
	PodSelector metav1.LabelSelector `json:"podSelector" protobuf:"bytes,1,opt,name=podSelector"`
	// Ingress lists the allowed incoming traffic.
	Ingress []NetworkPolicyIngressRule `json:"ingress,omitempty" protobuf:"bytes,2,rep,name=ingress"`
	// Egress lists the allowed outgoing traffic.
	Egress []NetworkPolicyEgressRule `json:"egress,omitempty" protobuf:"bytes,3,rep,name=egress"`
	// PolicyTypes are the directions the policy governs; defaults to Ingress
	// plus Egress when egress rules are present.
	PolicyTypes []PolicyType `json:"policyTypes,omitempty" protobuf:"bytes,4,rep,name=policyTypes,casttype=PolicyType"`
}

// NetworkPolicyIngressRule allows traffic from peers on ports.
type NetworkPolicyIngressRule struct {
	// Ports are the allowed destination ports; empty allows all.
	Ports []NetworkPolicyPort `json:"ports,omitempty" protobuf:"bytes,1,rep,name=ports"`
	// From are the allowed sources; empty allows all.
	From []NetworkPolicyPeer `json:"from,omitempty" protobuf:"bytes,2,rep,name=from"`
}

// NetworkPolicyEgressRule allows traffic to peers on ports.
type NetworkPolicyEgressRule struct {
	// Ports are the allowed destination ports; empty allows all.
	Ports []NetworkPolicyPort `json:"ports,omitempty" protobuf:"bytes,1,rep,name=ports"`
	// To are the allowed destinations; empty allows all.
	To []NetworkPolicyPeer `json:"to,omitempty" protobuf:"bytes,2,rep,name=to"`
}

// NetworkPolicyPort is a port or port range of a protocol.
type NetworkPolicyPort struct {
	// Protocol is TCP, UDP or SCTP; defaults to TCP.
	Protocol *corev1.Protocol `json:"protocol,omitempty" protobuf:"bytes,1,opt,name=protocol,casttype=k8s.io/api/core/v1.Protocol"`
	// Port is a port number or named port; nil means all ports.
	Port *intstr.IntOrString `json:"port,omitempty" protobuf:"bytes,2,opt,name=port"`
	// EndPort ends a numeric port range starting at Port.
	EndPort *int32 `json:"endPort,omitempty" protobuf:"bytes,3,opt,name=endPort"`
}

// IPBlock is a CIDR with exceptions.
type IPBlock struct {
	// CIDR is the allowed range.
	CIDR string `json:"cidr" protobuf:"bytes,1,name=cidr"`
	// Except are sub-ranges excluded from CIDR.
	Except []string `json:"except,omitempty" protobuf:"bytes,2,rep,name=except"`
}

// NetworkPolicyPeer is a set of pods, namespaces or an IP block.
type NetworkPolicyPeer struct {
	// PodSelector selects pods (in the policy's namespace unless
	// NamespaceSelector is set too).
	PodSelector *metav1.LabelSelector `json:"podSelector,omitempty" protobuf:"bytes,1,opt,name=podSelector"`
	// NamespaceSelector selects namespaces.
	NamespaceSelector *metav1.LabelSelector `json:"namespaceSelector,omitempty" protobuf:"bytes,2,opt,name=namespaceSelector"`
	// IPBlock selects addresses; it may not be combined with selectors.
	IPBlock *IPBlock `json:"ipBlock,omitempty" protobuf:"bytes,3,rep,name=ipBlock"`
}

// NetworkPolicyList is a list of network policies.
type NetworkPolicyList struct {
	metav1.TypeMeta `json:",inline"`
	// ListMeta carries the list's resourceVersion and continue token.
	metav1.ListMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`
	// Items are the network policies.
	Items []NetworkPolicy `json:"items" protobuf:"bytes,2,rep,name=items"`
}

package v1

import (
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"

	corev1 "keel.dev/api/core/v1"
)

// EndpointSlice is a slice of the endpoints behind a service, all of one
// address type and sharing one port list.
type EndpointSlice struct {
	metav1.TypeMeta `json:",inline"`
	// ObjectMeta is the object's metadata.
	metav1.ObjectMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`
	// AddressType is the kind of every address in the slice; immutable.
	AddressType AddressType `json:"addressType" protobuf:"bytes,4,rep,name=addressType"`
	// Endpoints are the endpoints of the slice (at most 1000).
	Endpoints []Endpoint `json:"endpoints" protobuf:"bytes,2,rep,name=endpoints"`
	// Ports are the ports every endpoint exposes; empty means no port
	// restriction.
	Ports []EndpointPort `json:"ports" protobuf:"bytes,3,rep,name=ports"`
}

// AddressType is the kind of address an EndpointSlice carries.
type AddressType string

// Address types.
const (
	// AddressTypeIPv4 is for IPv4 addresses.
	AddressTypeIPv4 = AddressType(corev1.IPv4Protocol)
	// AddressTypeIPv6 is for IPv6 addresses.
	AddressTypeIPv6 = AddressType(corev1.IPv6Protocol)
	// AddressTypeFQDN is for fully qualified domain names.
	AddressTypeFQDN = AddressType("FQDN")
)

// Endpoint is one backend of a slice.
type Endpoint struct {
	// Addresses of the endpoint; consumers treat them as interchangeable.
	Addresses []string `json:"addresses" protobuf:"bytes,1,rep,name=addresses"`
	// Conditions is the endpoint's readiness state.
	Conditions EndpointConditions `json:"conditions,omitempty" protobuf:"bytes,2,opt,name=conditions"`
	// Hostname is the endpoint's DNS label, if any.
	Hostname *string `json:"hostname,omitempty" protobuf:"bytes,3,opt,name=hostname"`
	// TargetRef points at the object behind the endpoint, usually a pod.
	TargetRef *corev1.ObjectReference `json:"targetRef,omitempty" protobuf:"bytes,4,opt,name=targetRef"`
	// DeprecatedTopology is the old topology label map; use NodeName and Zone.
	DeprecatedTopology map[string]string `json:"deprecatedTopology,omitempty" protobuf:"bytes,5,opt,name=deprecatedTopology"`
	// NodeName is the node hosting the endpoint.
	NodeName *string `json:"nodeName,omitempty" protobuf:"bytes,6,opt,name=nodeName"`
	// Zone is the zone the endpoint lives in.
	Zone *string `json:"zone,omitempty" protobuf:"bytes,7,opt,name=zone"`
	// Hints guide topology-aware routing.
	Hints *EndpointHints `json:"hints,omitempty" protobuf:"bytes,8,opt,name=hints"`
}

// EndpointConditions is the readiness state of an endpoint.
type EndpointConditions struct {
	// Ready says the endpoint should receive traffic.
	Ready *bool `json:"ready,omitempty" protobuf:"bytes,1,name=ready"`
	// Serving says the endpoint can serve, even while terminating.
	Serving *bool `json:"serving,omitempty" protobuf:"bytes,2,name=serving"`
	// Terminating says the endpoint is shutting down.
	Terminating *bool `json:"terminating,omitempty" protobuf:"bytes,3,name=terminating"`
}

// EndpointHints tells consumers which zones and nodes should use an endpoint.
type EndpointHints struct {
	// ForZones lists zones that should route to this endpoint (at most 8).
	ForZones []ForZone `json:"forZones,omitempty" protobuf:"bytes,1,name=forZones"`
	// ForNodes lists nodes that should route to this endpoint (at most 8).
	ForNodes []ForNode `json:"forNodes,omitempty" protobuf:"bytes,2,name=forNodes"`
}

// ForZone names a zone in a routing hint.
type ForZone struct {
	// Name is the zone name.
	Name string `json:"name" protobuf:"bytes,1,name=name"`
}

// ForNode names a node in a routing hint.
type ForNode struct {
	// Name is the node name.
	Name string `json:"name" protobuf:"bytes,1,name=name"`
}

// EndpointPort is one port of the endpoints of a slice.
type EndpointPort struct {
	// Name is the port's name, unique within the slice; may be empty.
	Name *string `json:"name,omitempty" protobuf:"bytes,1,name=name"`
	// Protocol is TCP, UDP or SCTP; defaults to TCP.
	Protocol *corev1.Protocol `json:"protocol,omitempty" protobuf:"bytes,2,name=protocol"`
	// Port is the port number; nil means all ports.
	Port *int32 `json:"port,omitempty" protobuf:"bytes,3,opt,name=port"`
	// AppProtocol is the application protocol carried on the port.
	AppProtocol *string `json:"appProtocol,omitempty" protobuf:"bytes,4,name=appProtocol"`
}

// EndpointSliceList is a list of endpoint slices.
type EndpointSliceList struct {
	metav1.TypeMeta `json:",inline"`
	// ListMeta carries the list's resourceVersion and continue token.
	metav1.ListMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`
	// Items are the endpoint slices.
	Items []EndpointSlice `json:"items" protobuf:"bytes,2,rep,name=items"`
}

// Well-known labels of endpoint slices.
const (
	// LabelServiceName names the service a slice belongs to.
	LabelServiceName = "kubernetes.io/service-name"
	// LabelManagedBy names the controller or user managing a slice.
	LabelManagedBy = "endpointslice.kubernetes.io/managed-by"
	// LabelSkipMirror asks the mirroring controller to leave an Endpoints
	// object alone.
	LabelSkipMirror = "endpointslice.kubernetes.io/skip-mirror"
)

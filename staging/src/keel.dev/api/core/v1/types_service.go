package v1

import (
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/util/intstr"
)

// Service is a stable network name and address for a set of pods.
type Service struct {
	metav1.TypeMeta `json:",inline"`
	// ObjectMeta is the service's metadata.
	metav1.ObjectMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`
	// Spec is the desired behaviour of the service.
	Spec ServiceSpec `json:"spec,omitempty" protobuf:"bytes,2,opt,name=spec"`
	// Status is the service's observed state (load balancer, conditions).
	Status ServiceStatus `json:"status,omitempty" protobuf:"bytes,3,opt,name=status"`
}

// ServiceList is a list of services.
type ServiceList struct {
	metav1.TypeMeta `json:",inline"`
	// ListMeta carries the list's resourceVersion and continue token.
	metav1.ListMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`
	// Items are the services.
	Items []Service `json:"items" protobuf:"bytes,2,rep,name=items"`
}

// ClusterIPNone as spec.clusterIP makes a headless service.
const ClusterIPNone = "None"

// ServiceAffinity is a session affinity mode.
type ServiceAffinity string

// Session affinity modes.
const (
	// ServiceAffinityClientIP sends a client's connections to the same endpoint.
	ServiceAffinityClientIP ServiceAffinity = "ClientIP"
	// ServiceAffinityNone spreads connections without affinity.
	ServiceAffinityNone ServiceAffinity = "None"
)

// DefaultClientIPServiceAffinitySeconds is the default ClientIP affinity timeout (3 hours).
const DefaultClientIPServiceAffinitySeconds int32 = 10800

// SessionAffinityConfig configures session affinity.
type SessionAffinityConfig struct {
	// ClientIP configures ClientIP affinity.
	ClientIP *ClientIPConfig `json:"clientIP,omitempty" protobuf:"bytes,1,opt,name=clientIP"`
}

// ClientIPConfig configures ClientIP session affinity.
type ClientIPConfig struct {
	// TimeoutSeconds is how long affinity sticks, 1..86400.
	TimeoutSeconds *int32 `json:"timeoutSeconds,omitempty" protobuf:"varint,1,opt,name=timeoutSeconds"`
}

// ServiceType says how a service is exposed.
type ServiceType string

// Service types.
const (
	// ServiceTypeClusterIP exposes the service on a cluster-internal IP.
	ServiceTypeClusterIP ServiceType = "ClusterIP"
	// ServiceTypeNodePort also exposes it on a port of every node.
	ServiceTypeNodePort ServiceType = "NodePort"
	// ServiceTypeLoadBalancer also asks for an external load balancer.
	ServiceTypeLoadBalancer ServiceType = "LoadBalancer"
	// ServiceTypeExternalName makes the service a DNS alias (CNAME).
	ServiceTypeExternalName ServiceType = "ExternalName"
)

// ServiceInternalTrafficPolicy says how cluster-internal traffic is routed.
type ServiceInternalTrafficPolicy string

// Internal traffic policies.
const (
	// ServiceInternalTrafficPolicyCluster routes to all ready endpoints.
	ServiceInternalTrafficPolicyCluster ServiceInternalTrafficPolicy = "Cluster"
	// ServiceInternalTrafficPolicyLocal routes only to endpoints on the same node.
	ServiceInternalTrafficPolicyLocal ServiceInternalTrafficPolicy = "Local"
)

// ServiceInternalTrafficPolicyType is the older name of ServiceInternalTrafficPolicy.
type ServiceInternalTrafficPolicyType = ServiceInternalTrafficPolicy

// ServiceExternalTrafficPolicy says how external traffic is routed.
type ServiceExternalTrafficPolicy string

// External traffic policies.
const (
	// ServiceExternalTrafficPolicyCluster routes to all ready endpoints.
	ServiceExternalTrafficPolicyCluster ServiceExternalTrafficPolicy = "Cluster"
	// ServiceExternalTrafficPolicyLocal keeps the client IP and routes to local endpoints.
	ServiceExternalTrafficPolicyLocal ServiceExternalTrafficPolicy = "Local"
)

// ServiceExternalTrafficPolicyType is the older name of ServiceExternalTrafficPolicy.
type ServiceExternalTrafficPolicyType = ServiceExternalTrafficPolicy

// Older names of the external traffic policies.
const (
	// ServiceExternalTrafficPolicyTypeLocal is ServiceExternalTrafficPolicyLocal.
	ServiceExternalTrafficPolicyTypeLocal = ServiceExternalTrafficPolicyLocal
	// ServiceExternalTrafficPolicyTypeCluster is ServiceExternalTrafficPolicyCluster.
	ServiceExternalTrafficPolicyTypeCluster = ServiceExternalTrafficPolicyCluster
)

// Values of spec.trafficDistribution.
const (
	// ServiceTrafficDistributionPreferSameZone prefers endpoints in the client's zone.
	ServiceTrafficDistributionPreferSameZone = "PreferSameZone"
	// ServiceTrafficDistributionPreferSameNode prefers endpoints on the client's node.
	ServiceTrafficDistributionPreferSameNode = "PreferSameNode"
	// ServiceTrafficDistributionPreferClose is the older name of PreferSameZone.
	ServiceTrafficDistributionPreferClose = "PreferClose"
)

// Service condition type and reason for load balancers that cannot mix protocols.
const (
	// LoadBalancerPortsError is the condition type.
	LoadBalancerPortsError = "LoadBalancerPortsError"
	// LoadBalancerPortsErrorReason is the condition reason.
	LoadBalancerPortsErrorReason = "LoadBalancerMixedProtocolNotSupported"
)

// ServiceStatus is the observed state of a service.
type ServiceStatus struct {
	// LoadBalancer is the state of the external load balancer, if any.
	LoadBalancer LoadBalancerStatus `json:"loadBalancer,omitempty" protobuf:"bytes,1,opt,name=loadBalancer"`
	// Conditions report the service's state.
	Conditions []metav1.Condition `json:"conditions,omitempty" patchStrategy:"merge" patchMergeKey:"type" protobuf:"bytes,2,rep,name=conditions"`
}

// LoadBalancerStatus describes a load balancer.
type LoadBalancerStatus struct {
	// Ingress lists the load balancer's entry points.
	Ingress []LoadBalancerIngress `json:"ingress,omitempty" protobuf:"bytes,1,rep,name=ingress"`
}

// LoadBalancerIngress is one entry point of a load balancer.
type LoadBalancerIngress struct {
	// IP of the entry point.
	IP string `json:"ip,omitempty" protobuf:"bytes,1,opt,name=ip"`
	// Hostname of the entry point.
	Hostname string `json:"hostname,omitempty" protobuf:"bytes,2,opt,name=hostname"`
	// IPMode says how traffic reaches the backends (VIP or Proxy).
	IPMode *LoadBalancerIPMode `json:"ipMode,omitempty" protobuf:"bytes,3,opt,name=ipMode"`
	// Ports report per-port errors.
	Ports []PortStatus `json:"ports,omitempty" protobuf:"bytes,4,rep,name=ports"`
}

// PortStatus reports the state of one service port.
type PortStatus struct {
	// Port number.
	Port int32 `json:"port" protobuf:"varint,1,opt,name=port"`
	// Protocol of the port.
	Protocol Protocol `json:"protocol" protobuf:"bytes,2,opt,name=protocol,casttype=Protocol"`
	// Error is a CamelCase reason when the port is broken.
	Error *string `json:"error,omitempty" protobuf:"bytes,3,opt,name=error"`
}

// LoadBalancerIPMode says how a load balancer delivers traffic.
type LoadBalancerIPMode string

// Load balancer IP modes.
const (
	// LoadBalancerIPModeVIP delivers packets with the load balancer IP as destination.
	LoadBalancerIPModeVIP LoadBalancerIPMode = "VIP"
	// LoadBalancerIPModeProxy delivers packets with the node or pod IP as destination.
	LoadBalancerIPModeProxy LoadBalancerIPMode = "Proxy"
)

// IPFamily is an IP protocol family.
type IPFamily string

// IP families.
const (
	// IPv4Protocol is IPv4.
	IPv4Protocol IPFamily = "IPv4"
	// IPv6Protocol is IPv6.
	IPv6Protocol IPFamily = "IPv6"
	// IPFamilyUnknown is an unset family.
	IPFamilyUnknown IPFamily = ""
)

// IPFamilyPolicy says how many IP families a service gets.
type IPFamilyPolicy string

// IP family policies.
const (
	// IPFamilyPolicySingleStack gives one family.
	IPFamilyPolicySingleStack IPFamilyPolicy = "SingleStack"
	// IPFamilyPolicyPreferDualStack gives two families when the cluster has them.
	IPFamilyPolicyPreferDualStack IPFamilyPolicy = "PreferDualStack"
	// IPFamilyPolicyRequireDualStack requires two families.
	IPFamilyPolicyRequireDualStack IPFamilyPolicy = "RequireDualStack"
)

// IPFamilyPolicyType is the older name of IPFamilyPolicy.
type IPFamilyPolicyType = IPFamilyPolicy

// ServiceSpec is the desired behaviour of a service.
type ServiceSpec struct {
	// Ports the service exposes.
	Ports []ServicePort `json:"ports,omitempty" patchStrategy:"merge" patchMergeKey:"port" protobuf:"bytes,1,rep,name=ports"`
	// Selector picks the pods traffic goes to; empty means endpoints are managed externally.
	Selector map[string]string `json:"selector,omitempty" protobuf:"bytes,2,rep,name=selector"`
	// ClusterIP is the service's virtual IP, "None" for headless, empty to allocate.
	ClusterIP string `json:"clusterIP,omitempty" protobuf:"bytes,3,opt,name=clusterIP"`
	// ClusterIPs are the virtual IPs, one per family; the first equals ClusterIP.
	ClusterIPs []string `json:"clusterIPs,omitempty" protobuf:"bytes,18,opt,name=clusterIPs"`
	// Type says how the service is exposed.
	Type ServiceType `json:"type,omitempty" protobuf:"bytes,4,opt,name=type,casttype=ServiceType"`
	// ExternalIPs are extra IPs nodes accept traffic for.
	ExternalIPs []string `json:"externalIPs,omitempty" protobuf:"bytes,5,rep,name=externalIPs"`
	// SessionAffinity is None or ClientIP.
	SessionAffinity ServiceAffinity `json:"sessionAffinity,omitempty" protobuf:"bytes,7,opt,name=sessionAffinity,casttype=ServiceAffinity"`
	// LoadBalancerIP is a deprecated request for a specific load balancer IP.
	LoadBalancerIP string `json:"loadBalancerIP,omitempty" protobuf:"bytes,8,opt,name=loadBalancerIP"`
	// LoadBalancerSourceRanges restricts client CIDRs of a load balancer.
	LoadBalancerSourceRanges []string `json:"loadBalancerSourceRanges,omitempty" protobuf:"bytes,9,opt,name=loadBalancerSourceRanges"`
	// ExternalName is the DNS name an ExternalName service aliases.
	ExternalName string `json:"externalName,omitempty" protobuf:"bytes,10,opt,name=externalName"`
	// ExternalTrafficPolicy routes external traffic (Cluster or Local).
	ExternalTrafficPolicy ServiceExternalTrafficPolicy `json:"externalTrafficPolicy,omitempty" protobuf:"bytes,11,opt,name=externalTrafficPolicy"`
	// HealthCheckNodePort is the node port for load balancer health checks with Local policy.
	HealthCheckNodePort int32 `json:"healthCheckNodePort,omitempty" protobuf:"bytes,12,opt,name=healthCheckNodePort"`
	// PublishNotReadyAddresses publishes endpoints regardless of readiness.
	PublishNotReadyAddresses bool `json:"publishNotReadyAddresses,omitempty" protobuf:"varint,13,opt,name=publishNotReadyAddresses"`
	// SessionAffinityConfig tunes session affinity.
	SessionAffinityConfig *SessionAffinityConfig `json:"sessionAffinityConfig,omitempty" protobuf:"bytes,14,opt,name=sessionAffinityConfig"`
	// IPFamilies are the families of the service's IPs, in order.
	IPFamilies []IPFamily `json:"ipFamilies,omitempty" protobuf:"bytes,19,opt,name=ipFamilies,casttype=IPFamily"`
	// IPFamilyPolicy says how many families the service gets.
	IPFamilyPolicy *IPFamilyPolicy `json:"ipFamilyPolicy,omitempty" protobuf:"bytes,17,opt,name=ipFamilyPolicy,casttype=IPFamilyPolicy"`
	// AllocateLoadBalancerNodePorts says whether LoadBalancer services get node ports.
	AllocateLoadBalancerNodePorts *bool `json:"allocateLoadBalancerNodePorts,omitempty" protobuf:"bytes,20,opt,name=allocateLoadBalancerNodePorts"`
	// LoadBalancerClass picks the load balancer implementation.
	LoadBalancerClass *string `json:"loadBalancerClass,omitempty" protobuf:"bytes,21,opt,name=loadBalancerClass"`
	// InternalTrafficPolicy routes cluster-internal traffic (Cluster or Local).
	InternalTrafficPolicy *ServiceInternalTrafficPolicy `json:"internalTrafficPolicy,omitempty" protobuf:"bytes,22,opt,name=internalTrafficPolicy"`
	// TrafficDistribution states a routing preference (PreferSameZone, PreferSameNode).
	TrafficDistribution *string `json:"trafficDistribution,omitempty" protobuf:"bytes,23,opt,name=trafficDistribution"`
}

// ServicePort is one port a service exposes.
type ServicePort struct {
	// Name is the port's DNS label name; required when there are several ports.
	Name string `json:"name,omitempty" protobuf:"bytes,1,opt,name=name"`
	// Protocol is TCP, UDP or SCTP.
	Protocol Protocol `json:"protocol,omitempty" protobuf:"bytes,2,opt,name=protocol,casttype=Protocol"`
	// AppProtocol is the application protocol hint.
	AppProtocol *string `json:"appProtocol,omitempty" protobuf:"bytes,6,opt,name=appProtocol"`
	// Port is the port the service listens on.
	Port int32 `json:"port" protobuf:"varint,3,opt,name=port"`
	// TargetPort is the pod port (number or named port); defaults to Port.
	TargetPort intstr.IntOrString `json:"targetPort,omitempty" protobuf:"bytes,4,opt,name=targetPort"`
	// NodePort is the node port for NodePort and LoadBalancer services.
	NodePort int32 `json:"nodePort,omitempty" protobuf:"varint,5,opt,name=nodePort"`
}

// ServiceProxyOptions are the query parameters of the services/proxy subresource.
type ServiceProxyOptions struct {
	metav1.TypeMeta `json:",inline"`
	// Path is the URL path to forward to the service.
	Path string `json:"path,omitempty" protobuf:"bytes,1,opt,name=path"`
}

// Endpoints lists the addresses backing a service; named like the service.
type Endpoints struct {
	metav1.TypeMeta `json:",inline"`
	// ObjectMeta is the object's metadata.
	metav1.ObjectMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`
	// Subsets group addresses that share the same ports.
	Subsets []EndpointSubset `json:"subsets,omitempty" protobuf:"bytes,2,rep,name=subsets"`
}

// EndpointsList is a list of Endpoints objects.
type EndpointsList struct {
	metav1.TypeMeta `json:",inline"`
	// ListMeta carries the list's resourceVersion and continue token.
	metav1.ListMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`
	// Items are the endpoints.
	Items []Endpoints `json:"items" protobuf:"bytes,2,rep,name=items"`
}

// EndpointSubset is a set of addresses that all serve the same ports.
type EndpointSubset struct {
	// Addresses are ready to serve.
	Addresses []EndpointAddress `json:"addresses,omitempty" protobuf:"bytes,1,rep,name=addresses"`
	// NotReadyAddresses are not ready yet or failed readiness.
	NotReadyAddresses []EndpointAddress `json:"notReadyAddresses,omitempty" protobuf:"bytes,2,rep,name=notReadyAddresses"`
	// Ports are served by every address of the subset.
	Ports []EndpointPort `json:"ports,omitempty" protobuf:"bytes,3,rep,name=ports"`
}

// EndpointAddress is one backend IP.
type EndpointAddress struct {
	// IP of the endpoint.
	IP string `json:"ip" protobuf:"bytes,1,opt,name=ip"`
	// Hostname of the endpoint.
	Hostname string `json:"hostname,omitempty" protobuf:"bytes,3,opt,name=hostname"`
	// NodeName is the node hosting the endpoint.
	NodeName *string `json:"nodeName,omitempty" protobuf:"bytes,4,opt,name=nodeName"`
	// TargetRef is the object (usually a pod) behind the endpoint.
	TargetRef *ObjectReference `json:"targetRef,omitempty" protobuf:"bytes,2,opt,name=targetRef"`
}

// EndpointPort is one port of an endpoint subset.
type EndpointPort struct {
	// Name matches the service port's name.
	Name string `json:"name,omitempty" protobuf:"bytes,1,opt,name=name"`
	// Port number.
	Port int32 `json:"port" protobuf:"varint,2,opt,name=port"`
	// Protocol is TCP, UDP or SCTP.
	Protocol Protocol `json:"protocol,omitempty" protobuf:"bytes,3,opt,name=protocol,casttype=Protocol"`
	// AppProtocol is the application protocol hint.
	AppProtocol *string `json:"appProtocol,omitempty" protobuf:"bytes,4,opt,name=appProtocol"`
}

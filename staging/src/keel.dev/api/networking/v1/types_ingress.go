package v1

import (
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"

	corev1 "keel.dev/api/core/v1"
)

// AnnotationIsDefaultIngressClass marks the IngressClass used by ingresses
// that name none.
const AnnotationIsDefaultIngressClass = "ingressclass.kubernetes.io/is-default-class"

// annotationIngressClass is the legacy annotation naming an ingress's class.
const annotationIngressClass = "kubernetes.io/ingress.class"

// Ingress routes external HTTP traffic to services by host and path.
type Ingress struct {
	metav1.TypeMeta `json:",inline"`
	// ObjectMeta is the object's metadata.
	metav1.ObjectMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`
	// Spec holds the routing rules.
	Spec IngressSpec `json:"spec,omitempty" protobuf:"bytes,2,opt,name=spec"`
	// Status is the load balancer state.
	Status IngressStatus `json:"status,omitempty" protobuf:"bytes,3,opt,name=status"`
}

// IngressList is a list of ingresses.
type IngressList struct {
	metav1.TypeMeta `json:",inline"`
	// ListMeta carries the list's resourceVersion and continue token.
	metav1.ListMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`
	// Items are the ingresses.
	Items []Ingress `json:"items" protobuf:"bytes,2,rep,name=items"`
}

// IngressSpec is the routing of an ingress.
type IngressSpec struct {
	// IngressClassName names the IngressClass that implements the ingress.
	IngressClassName *string `json:"ingressClassName,omitempty" protobuf:"bytes,4,opt,name=ingressClassName"`
	// DefaultBackend receives requests matching no rule.
	DefaultBackend *IngressBackend `json:"defaultBackend,omitempty" protobuf:"bytes,1,opt,name=defaultBackend"`
	// TLS lists hosts served over TLS and their certificates.
	TLS []IngressTLS `json:"tls,omitempty" protobuf:"bytes,2,rep,name=tls"`
	// Rules map hosts and paths to backends.
	Rules []IngressRule `json:"rules,omitempty" protobuf:"bytes,3,rep,name=rules"`
}

// IngressTLS is a certificate for a set of hosts.
type IngressTLS struct {
	// Hosts covered by the certificate.
	Hosts []string `json:"hosts,omitempty" protobuf:"bytes,1,rep,name=hosts"`
	// SecretName is the secret holding the certificate and key.
	SecretName string `json:"secretName,omitempty" protobuf:"bytes,2,opt,name=secretName"`
}

// IngressStatus is the observed state of an ingress.
type IngressStatus struct {
	// LoadBalancer lists the load balancer's addresses.
	LoadBalancer IngressLoadBalancerStatus `json:"loadBalancer,omitempty" protobuf:"bytes,1,opt,name=loadBalancer"`
}

// IngressLoadBalancerStatus lists a load balancer's ingress points.
type IngressLoadBalancerStatus struct {
	// Ingress are the ingress points.
	Ingress []IngressLoadBalancerIngress `json:"ingress,omitempty" protobuf:"bytes,1,rep,name=ingress"`
}

// IngressLoadBalancerIngress is one ingress point of a load balancer.
type IngressLoadBalancerIngress struct {
	// IP is the point's IP address.
	IP string `json:"ip,omitempty" protobuf:"bytes,1,opt,name=ip"`
	// Hostname is the point's DNS name.
	Hostname string `json:"hostname,omitempty" protobuf:"bytes,2,opt,name=hostname"`
	// Ports are the point's port records.
	Ports []IngressPortStatus `json:"ports,omitempty" protobuf:"bytes,4,rep,name=ports"`
}

// IngressPortStatus is the state of one load balancer port.
type IngressPortStatus struct {
	// Port is the port number.
	Port int32 `json:"port" protobuf:"varint,1,opt,name=port"`
	// Protocol is the port's protocol.
	Protocol corev1.Protocol `json:"protocol" protobuf:"bytes,2,opt,name=protocol,casttype=Protocol"`
	// Error records a problem with the port.
	Error *string `json:"error,omitempty" protobuf:"bytes,3,opt,name=error"`
}

// IngressRule routes one host (or all hosts) to backends.
type IngressRule struct {
	// Host is the host name matched; empty matches all.
	Host string `json:"host,omitempty" protobuf:"bytes,1,opt,name=host"`
	// IngressRuleValue holds the protocol-specific routes.
	IngressRuleValue `json:",inline,omitempty" protobuf:"bytes,2,opt,name=ingressRuleValue"`
}

// IngressRuleValue holds the routes of a rule.
type IngressRuleValue struct {
	// HTTP lists the HTTP path routes.
	HTTP *HTTPIngressRuleValue `json:"http,omitempty" protobuf:"bytes,1,opt,name=http"`
}

// HTTPIngressRuleValue is a list of path routes.
type HTTPIngressRuleValue struct {
	// Paths are the routes.
	Paths []HTTPIngressPath `json:"paths" protobuf:"bytes,1,rep,name=paths"`
}

// PathType says how an ingress path is matched.
type PathType string

// Path types.
const (
	// PathTypeExact matches the exact path.
	PathTypeExact = PathType("Exact")
	// PathTypePrefix matches by path-element prefix.
	PathTypePrefix = PathType("Prefix")
	// PathTypeImplementationSpecific leaves matching to the controller.
	PathTypeImplementationSpecific = PathType("ImplementationSpecific")
)

// HTTPIngressPath routes one path to a backend.
type HTTPIngressPath struct {
	// Path is matched against the request path.
	Path string `json:"path,omitempty" protobuf:"bytes,1,opt,name=path"`
	// PathType is how Path is matched; required.
	PathType *PathType `json:"pathType" protobuf:"bytes,3,opt,name=pathType"`
	// Backend receives the matched requests.
	Backend IngressBackend `json:"backend" protobuf:"bytes,2,opt,name=backend"`
}

// IngressBackend is a service port or another resource; exactly one is set.
type IngressBackend struct {
	// Service is a service backend.
	Service *IngressServiceBackend `json:"service,omitempty" protobuf:"bytes,4,opt,name=service"`
	// Resource is a backend resource in the ingress's namespace.
	Resource *corev1.TypedLocalObjectReference `json:"resource,omitempty" protobuf:"bytes,3,opt,name=resource"`
}

// IngressServiceBackend names a service and one of its ports.
type IngressServiceBackend struct {
	// Name is the service's name.
	Name string `json:"name" protobuf:"bytes,1,opt,name=name"`
	// Port is the service port.
	Port ServiceBackendPort `json:"port,omitempty" protobuf:"bytes,2,opt,name=port"`
}

// ServiceBackendPort is a service port by name or number; exactly one is set.
type ServiceBackendPort struct {
	// Name is the port's name.
	Name string `json:"name,omitempty" protobuf:"bytes,1,opt,name=name"`
	// Number is the port's number.
	Number int32 `json:"number,omitempty" protobuf:"bytes,2,opt,name=number"`
}

// IngressClass names a controller that implements ingresses.
type IngressClass struct {
	metav1.TypeMeta `json:",inline"`
	// ObjectMeta is the object's metadata.
	metav1.ObjectMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`
	// Spec describes the class.
	Spec IngressClassSpec `json:"spec,omitempty" protobuf:"bytes,2,opt,name=spec"`
}

// IngressClassSpec names the controller and its configuration.
type IngressClassSpec struct {
	// Controller is the domain-prefixed name of the controller.
	Controller string `json:"controller,omitempty" protobuf:"bytes,1,opt,name=controller"`
	// Parameters points at controller-specific configuration.
	Parameters *IngressClassParametersReference `json:"parameters,omitempty" protobuf:"bytes,2,opt,name=parameters"`
}

// Scopes of an IngressClass parameters reference.
const (
	// IngressClassParametersReferenceScopeNamespace is a namespaced resource.
	IngressClassParametersReferenceScopeNamespace = "Namespace"
	// IngressClassParametersReferenceScopeCluster is a cluster resource.
	IngressClassParametersReferenceScopeCluster = "Cluster"
)

// IngressClassParametersReference points at a configuration object.
type IngressClassParametersReference struct {
	// APIGroup is the object's group; nil is the core group.
	APIGroup *string `json:"apiGroup,omitempty" protobuf:"bytes,1,opt,name=aPIGroup"`
	// Kind is the object's kind.
	Kind string `json:"kind" protobuf:"bytes,2,opt,name=kind"`
	// Name is the object's name.
	Name string `json:"name" protobuf:"bytes,3,opt,name=name"`
	// Scope is "Cluster" (default) or "Namespace".
	Scope *string `json:"scope" protobuf:"bytes,4,opt,name=scope"`
	// Namespace is the object's namespace when Scope is "Namespace".
	Namespace *string `json:"namespace,omitempty" protobuf:"bytes,5,opt,name=namespace"`
}

// IngressClassList is a list of ingress classes.
type IngressClassList struct {
	metav1.TypeMeta `json:",inline"`
	// ListMeta carries the list's resourceVersion and continue token.
	metav1.ListMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`
	// Items are the ingress classes.
	Items []IngressClass `json:"items" protobuf:"bytes,2,rep,name=items"`
}

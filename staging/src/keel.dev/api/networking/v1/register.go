package v1

import (
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"
	"keel.dev/apimachinery/pkg/util/validation/field"
)

// GroupName is the API group of this package.
const GroupName = "networking.k8s.io"

// SchemeGroupVersion is the group version of this package's kinds.
var SchemeGroupVersion = schema.GroupVersion{Group: GroupName, Version: "v1"}

// Resource returns a group resource of this group.
func Resource(resource string) schema.GroupResource {
	return SchemeGroupVersion.WithResource(resource).GroupResource()
}

// AddToScheme registers the kinds and resources of networking.k8s.io/v1
// (ingresses, ingress classes, network policies, IP addresses and service
// CIDRs) with their defaulting and validation.
func AddToScheme(s *runtime.Scheme) error {
	s.AddKnownTypes(SchemeGroupVersion,
		&Ingress{}, &IngressList{},
		&IngressClass{}, &IngressClassList{},
		&NetworkPolicy{}, &NetworkPolicyList{},
		&IPAddress{}, &IPAddressList{},
		&ServiceCIDR{}, &ServiceCIDRList{},
	)
	s.AddResources(
		runtime.ResourceInfo{
			GroupVersionResource: SchemeGroupVersion.WithResource("ingressclasses"),
			Kind:                 "IngressClass",
			Singular:             "ingressclass",
		},
		runtime.ResourceInfo{
			GroupVersionResource: SchemeGroupVersion.WithResource("ingresses"),
			Kind:                 "Ingress",
			Singular:             "ingress",
			ShortNames:           []string{"ing"},
			Namespaced:           true,
			Subresources: []runtime.SubresourceInfo{
				{Name: "status", Verbs: []string{"get", "patch", "update"}},
			},
		},
		runtime.ResourceInfo{
			GroupVersionResource: SchemeGroupVersion.WithResource("ipaddresses"),
			Kind:                 "IPAddress",
			Singular:             "ipaddress",
			ShortNames:           []string{"ip"},
		},
		runtime.ResourceInfo{
			GroupVersionResource: SchemeGroupVersion.WithResource("networkpolicies"),
			Kind:                 "NetworkPolicy",
			Singular:             "networkpolicy",
			ShortNames:           []string{"netpol"},
			Namespaced:           true,
		},
		runtime.ResourceInfo{
			GroupVersionResource: SchemeGroupVersion.WithResource("servicecidrs"),
			Kind:                 "ServiceCIDR",
			Singular:             "servicecidr",
			Subresources: []runtime.SubresourceInfo{
				{Name: "status", Verbs: []string{"get", "patch", "update"}},
			},
		},
	)
	registerDefaults(s)
	runtime.AddTypedValidator(s, func(obj, old *Ingress) field.ErrorList {
		if old == nil {
			return ValidateIngressCreate(obj)
		}
		return ValidateIngressUpdate(obj, old)
	})
	runtime.AddTypedValidator(s, func(obj, old *IngressClass) field.ErrorList {
		if old == nil {
			return ValidateIngressClass(obj)
		}
		return ValidateIngressClassUpdate(obj, old)
	})
	runtime.AddTypedValidator(s, func(obj, old *NetworkPolicy) field.ErrorList {
		if old == nil {
			return ValidateNetworkPolicy(obj)
		}
		return ValidateNetworkPolicyUpdate(obj, old)
	})
	runtime.AddTypedValidator(s, func(obj, old *IPAddress) field.ErrorList {
		if old == nil {
			return ValidateIPAddress(obj)
		}
		return ValidateIPAddressUpdate(obj, old)
	})
	runtime.AddTypedValidator(s, func(obj, old *ServiceCIDR) field.ErrorList {
		if old == nil {
			return ValidateServiceCIDR(obj)
		}
		return ValidateServiceCIDRUpdate(obj, old)
	})
	return nil
}

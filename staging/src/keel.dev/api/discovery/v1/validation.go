package v1

import (
	metavalidation "keel.dev/apimachinery/pkg/api/validation"
	utilvalidation "keel.dev/apimachinery/pkg/util/validation"
	"keel.dev/apimachinery/pkg/util/validation/field"

	corev1 "keel.dev/api/core/v1"
	apivalidation "keel.dev/api/internal/apivalidation"
)

// Limits of an endpoint slice, as Kubernetes enforces them.
const (
	maxTopologyLabels = 16
	maxAddresses      = 100
	maxPorts          = 20000
	maxEndpoints      = 1000
	maxZoneHints      = 8
	maxNodeHints      = 8
)

var (
	addressTypes  = []AddressType{AddressTypeFQDN, AddressTypeIPv4, AddressTypeIPv6}
	portProtocols = []corev1.Protocol{corev1.ProtocolSCTP, corev1.ProtocolTCP, corev1.ProtocolUDP}
)

// ValidateEndpointSlice checks a slice on create.
func ValidateEndpointSlice(s *EndpointSlice) field.ErrorList {
	errs := metavalidation.ValidateObjectMeta(&s.ObjectMeta, true, metavalidation.NameIsDNSSubdomain, field.NewPath("metadata"))
	errs = append(errs, validateAddressType(s.AddressType)...)
	errs = append(errs, validateEndpoints(s.Endpoints, s.AddressType, field.NewPath("endpoints"))...)
	return append(errs, validatePorts(s.Ports, field.NewPath("ports"))...)
}

// ValidateEndpointSliceUpdate checks a slice on update; the address type may
// not change.
func ValidateEndpointSliceUpdate(s, old *EndpointSlice) field.ErrorList {
	errs := metavalidation.ValidateObjectMetaUpdate(&s.ObjectMeta, &old.ObjectMeta, field.NewPath("metadata"))
	errs = append(errs, validateAddressType(s.AddressType)...)
	errs = append(errs, validateEndpoints(s.Endpoints, s.AddressType, field.NewPath("endpoints"))...)
	errs = append(errs, validatePorts(s.Ports, field.NewPath("ports"))...)
	return append(errs, metavalidation.ValidateImmutableField(s.AddressType, old.AddressType, field.NewPath("addressType"))...)
}

func validateAddressType(t AddressType) field.ErrorList {
	p := field.NewPath("addressType")
	if t == "" {
		return field.ErrorList{field.Required(p, "")}
	}
	for _, ok := range addressTypes {
		if t == ok {
			return nil
		}
	}
	return field.ErrorList{field.NotSupported(p, t, addressTypes)}
}

func validateEndpoints(endpoints []Endpoint, addrType AddressType, fldPath *field.Path) field.ErrorList {
	if len(endpoints) > maxEndpoints {
		return field.ErrorList{field.TooMany(fldPath, len(endpoints), maxEndpoints)}
	}
	var errs field.ErrorList
	for i := range endpoints {
		ep := &endpoints[i]
		idx := fldPath.Index(i)
		addrPath := idx.Child("addresses")
		if len(ep.Addresses) == 0 {
			errs = append(errs, field.Required(addrPath, "must contain at least 1 address"))
		} else if len(ep.Addresses) > maxAddresses {
			errs = append(errs, field.TooMany(addrPath, len(ep.Addresses), maxAddresses))
		}
		for j, addr := range ep.Addresses {
			p := addrPath.Index(j)
			switch addrType {
			case AddressTypeIPv4:
				errs = append(errs, utilvalidation.IsValidIPv4Address(p, addr)...)
				errs = append(errs, apivalidation.ValidateNonSpecialIP(addr, p)...)
			case AddressTypeIPv6:
				errs = append(errs, utilvalidation.IsValidIPv6Address(p, addr)...)
				errs = append(errs, apivalidation.ValidateNonSpecialIP(addr, p)...)
			case AddressTypeFQDN:
				errs = append(errs, utilvalidation.IsFullyQualifiedDomainName(p, addr)...)
			}
		}
		if ep.NodeName != nil {
			for _, msg := range metavalidation.NameIsDNSSubdomain(*ep.NodeName, false) {
				errs = append(errs, field.Invalid(idx.Child("nodeName"), *ep.NodeName, msg))
			}
		}
		topo := idx.Child("deprecatedTopology")
		if len(ep.DeprecatedTopology) > maxTopologyLabels {
			errs = append(errs, field.TooMany(topo, len(ep.DeprecatedTopology), maxTopologyLabels))
		}
		errs = append(errs, metavalidation.ValidateLabels(ep.DeprecatedTopology, topo)...)
		if ep.Hostname != nil {
			errs = append(errs, metavalidation.ValidateDNS1123Label(*ep.Hostname, idx.Child("hostname"))...)
		}
		if ep.Hints != nil {
			errs = append(errs, validateHints(ep.Hints, idx.Child("hints"))...)
		}
	}
	return errs
}

func validateHints(h *EndpointHints, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	zones := fldPath.Child("forZones")
	if len(h.ForZones) > maxZoneHints {
		errs = append(errs, field.TooMany(zones, len(h.ForZones), maxZoneHints))
	} else {
		seen := map[string]bool{}
		for i, z := range h.ForZones {
			p := zones.Index(i).Child("name")
			if seen[z.Name] {
				errs = append(errs, field.Duplicate(p, z.Name))
			}
			seen[z.Name] = true
			for _, msg := range utilvalidation.IsValidLabelValue(z.Name) {
				errs = append(errs, field.Invalid(p, z.Name, msg))
			}
		}
	}
	nodes := fldPath.Child("forNodes")
	if len(h.ForNodes) > maxNodeHints {
		errs = append(errs, field.TooMany(nodes, len(h.ForNodes), maxNodeHints))
	} else {
		seen := map[string]bool{}
		for i, n := range h.ForNodes {
			p := nodes.Index(i).Child("name")
			if seen[n.Name] {
				errs = append(errs, field.Duplicate(p, n.Name))
			}
			seen[n.Name] = true
			for _, msg := range metavalidation.NameIsDNSSubdomain(n.Name, false) {
				errs = append(errs, field.Invalid(p, n.Name, msg))
			}
		}
	}
	return errs
}

func validatePorts(ports []EndpointPort, fldPath *field.Path) field.ErrorList {
	if len(ports) > maxPorts {
		return field.ErrorList{field.TooMany(fldPath, len(ports), maxPorts)}
	}
	var errs field.ErrorList
	names := map[string]bool{}
	for i := range ports {
		port := &ports[i]
		idx := fldPath.Index(i)
		name := ""
		if port.Name != nil {
			name = *port.Name
		}
		if name != "" {
			errs = append(errs, metavalidation.ValidateDNS1123Label(name, idx.Child("name"))...)
		}
		if names[name] {
			errs = append(errs, field.Duplicate(idx.Child("name"), name))
		}
		names[name] = true
		if port.Protocol == nil {
			errs = append(errs, field.Required(idx.Child("protocol"), ""))
		} else if !protocolSupported(*port.Protocol) {
			errs = append(errs, field.NotSupported(idx.Child("protocol"), *port.Protocol, portProtocols))
		}
		if port.AppProtocol != nil {
			errs = append(errs, metavalidation.ValidateQualifiedName(*port.AppProtocol, idx.Child("appProtocol"))...)
		}
	}
	return errs
}

func protocolSupported(p corev1.Protocol) bool {
	for _, ok := range portProtocols {
		if p == ok {
			return true
		}
	}
	return false
}

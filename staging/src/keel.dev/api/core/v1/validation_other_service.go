package v1

import (
	"fmt"
	"net/netip"
	"strings"

	apivalidation "keel.dev/apimachinery/pkg/api/validation"
	"keel.dev/apimachinery/pkg/util/intstr"
	"keel.dev/apimachinery/pkg/util/validation"
	"keel.dev/apimachinery/pkg/util/validation/field"
)

// Service annotations that validation looks at.
const (
	// AnnotationLoadBalancerSourceRangesKey is the legacy annotation form of
	// spec.loadBalancerSourceRanges.
	AnnotationLoadBalancerSourceRangesKey = "service.beta.kubernetes.io/load-balancer-source-ranges"
	// AnnotationTopologyMode asks for topology aware routing.
	AnnotationTopologyMode = "service.kubernetes.io/topology-mode"
	// DeprecatedAnnotationTopologyAwareHints is the older form of AnnotationTopologyMode.
	DeprecatedAnnotationTopologyAwareHints = "service.kubernetes.io/topology-aware-hints"
)

// maxClientIPAffinitySeconds is the longest ClientIP affinity timeout (one day).
const maxClientIPAffinitySeconds int32 = 86400

var (
	serviceTypes            = []ServiceType{ServiceTypeClusterIP, ServiceTypeExternalName, ServiceTypeLoadBalancer, ServiceTypeNodePort}
	serviceAffinities       = []ServiceAffinity{ServiceAffinityClientIP, ServiceAffinityNone}
	servicePortProtocols    = []Protocol{ProtocolSCTP, ProtocolTCP, ProtocolUDP}
	serviceIPFamilies       = []IPFamily{IPv4Protocol, IPv6Protocol}
	serviceIPFamilyPolicies = []IPFamilyPolicy{IPFamilyPolicyPreferDualStack, IPFamilyPolicyRequireDualStack, IPFamilyPolicySingleStack}
	externalTrafficPolicies = []ServiceExternalTrafficPolicy{ServiceExternalTrafficPolicyCluster, ServiceExternalTrafficPolicyLocal}
	internalTrafficPolicies = []ServiceInternalTrafficPolicy{ServiceInternalTrafficPolicyCluster, ServiceInternalTrafficPolicyLocal}
	trafficDistributions    = []string{ServiceTrafficDistributionPreferClose, ServiceTrafficDistributionPreferSameNode, ServiceTrafficDistributionPreferSameZone}
	loadBalancerIPModes     = []LoadBalancerIPMode{LoadBalancerIPModeProxy, LoadBalancerIPModeVIP}
)

// oneOf reports whether v is among valid.
func oneOf[T comparable](v T, valid []T) bool {
	for _, x := range valid {
		if x == v {
			return true
		}
	}
	return false
}

// isHeadlessService reports whether the service's only cluster IP is "None".
func isHeadlessService(svc *Service) bool {
	return len(svc.Spec.ClusterIPs) == 1 && svc.Spec.ClusterIPs[0] == ClusterIPNone
}

// ValidateService checks a service. The apiserver must first sync clusterIP
// into clusterIPs (NormalizeServiceClusterIPs), as Kubernetes' strategy does.
func ValidateService(svc *Service) field.ErrorList {
	metaPath, specPath := field.NewPath("metadata"), field.NewPath("spec")
	spec := &svc.Spec
	errs := validateMeta(&svc.ObjectMeta, true, ValidateServiceName)

	modeVal, modeSet := svc.Annotations[AnnotationTopologyMode]
	hintsVal, hintsSet := svc.Annotations[DeprecatedAnnotationTopologyAwareHints]
	if modeSet && hintsSet && modeVal != hintsVal {
		errs = append(errs, field.Invalid(metaPath.Child("annotations").Key(AnnotationTopologyMode), modeVal,
			fmt.Sprintf("must match annotations[%s] when both are specified", DeprecatedAnnotationTopologyAwareHints)))
	}

	headless := isHeadlessService(svc)
	if len(spec.Ports) == 0 && !headless && spec.Type != ServiceTypeExternalName {
		errs = append(errs, field.Required(specPath.Child("ports"), ""))
	}
	switch spec.Type {
	case ServiceTypeLoadBalancer, ServiceTypeNodePort:
		if headless {
			errs = append(errs, field.Invalid(specPath.Child("clusterIPs").Index(0), spec.ClusterIPs[0],
				fmt.Sprintf("may not be set to 'None' for %s services", spec.Type)))
		}
	case ServiceTypeExternalName:
		if len(spec.ClusterIPs) > 0 {
			errs = append(errs, field.Forbidden(specPath.Child("clusterIPs"), "may not be set for ExternalName services"))
		}
		if len(spec.IPFamilies) > 0 {
			errs = append(errs, field.Forbidden(specPath.Child("ipFamilies"), "may not be set for ExternalName services"))
		}
		if spec.IPFamilyPolicy != nil {
			errs = append(errs, field.Forbidden(specPath.Child("ipFamilyPolicy"), "may not be set for ExternalName services"))
		}
		if cname := strings.TrimSuffix(spec.ExternalName, "."); cname != "" {
			errs = append(errs, apivalidation.ValidateDNS1123Subdomain(cname, specPath.Child("externalName"))...)
		} else {
			errs = append(errs, field.Required(specPath.Child("externalName"), ""))
		}
	}

	portsPath := specPath.Child("ports")
	names := map[string]bool{}
	for i := range spec.Ports {
		errs = append(errs, validateServicePort(&spec.Ports[i], len(spec.Ports) > 1, names, portsPath.Index(i))...)
	}
	if spec.Selector != nil {
		errs = append(errs, apivalidation.ValidateLabels(spec.Selector, specPath.Child("selector"))...)
	}

	switch {
	case spec.SessionAffinity == "":
		errs = append(errs, field.Required(specPath.Child("sessionAffinity"), ""))
	case !oneOf(spec.SessionAffinity, serviceAffinities):
		errs = append(errs, field.NotSupported(specPath.Child("sessionAffinity"), spec.SessionAffinity, serviceAffinities))
	}
	switch spec.SessionAffinity {
	case ServiceAffinityClientIP:
		errs = append(errs, validateClientIPAffinity(spec.SessionAffinityConfig, specPath.Child("sessionAffinityConfig"))...)
	case ServiceAffinityNone:
		if spec.SessionAffinityConfig != nil {
			errs = append(errs, field.Forbidden(specPath.Child("sessionAffinityConfig"),
				fmt.Sprintf("must not be set when session affinity is %s", ServiceAffinityNone)))
		}
	}

	errs = append(errs, ValidateServiceClusterIPsRelatedFields(svc)...)

	for i, ip := range spec.ExternalIPs {
		p := specPath.Child("externalIPs").Index(i)
		if ipErrs := validation.IsValidIP(p, ip); len(ipErrs) != 0 {
			errs = append(errs, ipErrs...)
		} else {
			errs = append(errs, ValidateNonSpecialIP(ip, p)...)
		}
	}

	switch {
	case spec.Type == "":
		errs = append(errs, field.Required(specPath.Child("type"), ""))
	case !oneOf(spec.Type, serviceTypes):
		errs = append(errs, field.NotSupported(specPath.Child("type"), spec.Type, serviceTypes))
	}
	if spec.Type == ServiceTypeClusterIP {
		for i := range spec.Ports {
			if spec.Ports[i].NodePort != 0 {
				errs = append(errs, field.Forbidden(portsPath.Index(i).Child("nodePort"), "may not be used when `type` is 'ClusterIP'"))
			}
		}
	}

	type protoPort struct {
		proto Protocol
		port  int32
	}
	nodePorts, ports := map[protoPort]bool{}, map[protoPort]bool{}
	for i, p := range spec.Ports {
		if p.NodePort != 0 {
			key := protoPort{p.Protocol, p.NodePort}
			if nodePorts[key] {
				errs = append(errs, field.Duplicate(portsPath.Index(i).Child("nodePort"), p.NodePort))
			}
			nodePorts[key] = true
		}
	}
	for i, p := range spec.Ports {
		key := protoPort{p.Protocol, p.Port}
		if ports[key] {
			errs = append(errs, field.Duplicate(portsPath.Index(i), ServicePort{Protocol: p.Protocol, Port: p.Port}))
		}
		ports[key] = true
	}

	errs = append(errs, validateLoadBalancerSourceRanges(svc)...)

	if spec.AllocateLoadBalancerNodePorts != nil && spec.Type != ServiceTypeLoadBalancer {
		errs = append(errs, field.Forbidden(specPath.Child("allocateLoadBalancerNodePorts"), "may only be used when `type` is 'LoadBalancer'"))
	}
	if spec.Type == ServiceTypeLoadBalancer && spec.AllocateLoadBalancerNodePorts == nil {
		// Kubernetes reports this one without the "spec." prefix.
		errs = append(errs, field.Required(field.NewPath("allocateLoadBalancerNodePorts"), ""))
	}
	errs = append(errs, validateLoadBalancerClass(nil, svc)...)
	errs = append(errs, validateExternalTrafficPolicy(svc)...)

	itpPath := specPath.Child("internalTrafficPolicy")
	if spec.InternalTrafficPolicy == nil {
		switch spec.Type {
		case ServiceTypeClusterIP, ServiceTypeNodePort, ServiceTypeLoadBalancer:
			errs = append(errs, field.Required(itpPath, ""))
		}
	} else if !oneOf(*spec.InternalTrafficPolicy, internalTrafficPolicies) {
		errs = append(errs, field.NotSupported(itpPath, *spec.InternalTrafficPolicy, internalTrafficPolicies))
	}
	if td := spec.TrafficDistribution; td != nil && !oneOf(*td, trafficDistributions) {
		errs = append(errs, field.NotSupported(specPath.Child("trafficDistribution"), *td, trafficDistributions))
	}
	return errs
}

// validateServicePort checks one service port; names are required when the
// service has several ports and must be unique.
func validateServicePort(sp *ServicePort, requireName bool, names map[string]bool, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	if requireName && sp.Name == "" {
		errs = append(errs, field.Required(fldPath.Child("name"), ""))
	} else if sp.Name != "" {
		errs = append(errs, apivalidation.ValidateDNS1123Label(sp.Name, fldPath.Child("name"))...)
		if names[sp.Name] {
			errs = append(errs, field.Duplicate(fldPath.Child("name"), sp.Name))
		}
		names[sp.Name] = true
	}
	for _, msg := range validation.IsValidPortNum(int(sp.Port)) {
		errs = append(errs, field.Invalid(fldPath.Child("port"), sp.Port, msg))
	}
	errs = append(errs, validatePortProtocol(sp.Protocol, fldPath.Child("protocol"))...)
	errs = append(errs, ValidatePortNumOrName(sp.TargetPort, fldPath.Child("targetPort"))...)
	if sp.AppProtocol != nil {
		errs = append(errs, apivalidation.ValidateQualifiedName(*sp.AppProtocol, fldPath.Child("appProtocol"))...)
	}
	return errs
}

// validatePortProtocol requires TCP, UDP or SCTP.
func validatePortProtocol(proto Protocol, fldPath *field.Path) field.ErrorList {
	if proto == "" {
		return field.ErrorList{field.Required(fldPath, "")}
	}
	if !oneOf(proto, servicePortProtocols) {
		return field.ErrorList{field.NotSupported(fldPath, proto, servicePortProtocols)}
	}
	return nil
}

// ValidatePortNumOrName checks a port given as a number (1-65535) or as an
// IANA_SVC_NAME.
func ValidatePortNumOrName(port intstr.IntOrString, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	switch port.Type {
	case intstr.Int:
		for _, msg := range validation.IsValidPortNum(int(port.IntVal)) {
			errs = append(errs, field.Invalid(fldPath, port.IntVal, msg))
		}
	case intstr.String:
		for _, msg := range validation.IsValidPortName(port.StrVal) {
			errs = append(errs, field.Invalid(fldPath, port.StrVal, msg))
		}
	default:
		errs = append(errs, field.InternalError(fldPath, fmt.Errorf("unknown type: %v", port.Type)))
	}
	return errs
}

// validateClientIPAffinity requires a timeout in (0, 86400] for ClientIP affinity.
func validateClientIPAffinity(cfg *SessionAffinityConfig, fldPath *field.Path) field.ErrorList {
	detail := fmt.Sprintf("when session affinity type is %s", ServiceAffinityClientIP)
	switch {
	case cfg == nil:
		return field.ErrorList{field.Required(fldPath, detail)}
	case cfg.ClientIP == nil:
		return field.ErrorList{field.Required(fldPath.Child("clientIP"), detail)}
	case cfg.ClientIP.TimeoutSeconds == nil:
		return field.ErrorList{field.Required(fldPath.Child("clientIP", "timeoutSeconds"), detail)}
	}
	if t := *cfg.ClientIP.TimeoutSeconds; t <= 0 || t > maxClientIPAffinitySeconds {
		return field.ErrorList{field.Invalid(fldPath.Child("clientIP", "timeoutSeconds"), t,
			fmt.Sprintf("must be greater than 0 and less than %d", maxClientIPAffinitySeconds))}
	}
	return nil
}

// validateLoadBalancerSourceRanges checks the source ranges field, or the
// legacy annotation when the field is empty.
func validateLoadBalancerSourceRanges(svc *Service) field.ErrorList {
	const onlyLB = "may only be used when `type` is 'LoadBalancer'"
	var errs field.ErrorList
	if len(svc.Spec.LoadBalancerSourceRanges) > 0 {
		// Kubernetes spells this path with a capital L.
		p := field.NewPath("spec", "LoadBalancerSourceRanges")
		if svc.Spec.Type != ServiceTypeLoadBalancer {
			errs = append(errs, field.Forbidden(p, onlyLB))
		}
		for i, cidr := range svc.Spec.LoadBalancerSourceRanges {
			errs = append(errs, validation.IsValidCIDR(p.Index(i), strings.TrimSpace(cidr))...)
		}
		return errs
	}
	val, ok := svc.Annotations[AnnotationLoadBalancerSourceRangesKey]
	if !ok {
		return nil
	}
	p := field.NewPath("metadata", "annotations").Key(AnnotationLoadBalancerSourceRangesKey)
	if svc.Spec.Type != ServiceTypeLoadBalancer {
		errs = append(errs, field.Forbidden(p, onlyLB))
	}
	if val = strings.TrimSpace(val); val != "" {
		for _, cidr := range strings.Split(val, ",") {
			errs = append(errs, validation.IsValidCIDR(p, strings.TrimSpace(cidr))...)
		}
	}
	return errs
}

// validateLoadBalancerClass checks loadBalancerClass: a qualified name, only
// on LoadBalancer services, and fixed while the service stays one.
func validateLoadBalancerClass(old, svc *Service) field.ErrorList {
	var errs field.ErrorList
	p := field.NewPath("spec", "loadBalancerClass")
	isLB := svc.Spec.Type == ServiceTypeLoadBalancer
	if old != nil && old.Spec.Type == ServiceTypeLoadBalancer && isLB {
		a, b := old.Spec.LoadBalancerClass, svc.Spec.LoadBalancerClass
		if (a == nil) != (b == nil) || (a != nil && *a != *b) {
			errs = append(errs, field.Invalid(p, svc.Spec.LoadBalancerClass, "may not change once set"))
		}
	}
	if svc.Spec.LoadBalancerClass != nil {
		if isLB {
			errs = append(errs, apivalidation.ValidateQualifiedName(*svc.Spec.LoadBalancerClass, p)...)
		} else {
			errs = append(errs, field.Forbidden(p, "may only be used when `type` is 'LoadBalancer'"))
		}
	}
	return errs
}

// needsHealthCheck reports whether the service is a LoadBalancer with the
// Local external traffic policy (and so gets a health check node port).
func needsHealthCheck(svc *Service) bool {
	return svc.Spec.Type == ServiceTypeLoadBalancer && svc.Spec.ExternalTrafficPolicy == ServiceExternalTrafficPolicyLocal
}

// validateExternalTrafficPolicy checks externalTrafficPolicy and healthCheckNodePort.
func validateExternalTrafficPolicy(svc *Service) field.ErrorList {
	var errs field.ErrorList
	specPath := field.NewPath("spec")
	etp := svc.Spec.ExternalTrafficPolicy
	if !externallyAccessible(svc) {
		if etp != "" {
			errs = append(errs, field.Invalid(specPath.Child("externalTrafficPolicy"), etp, "may only be set for externally-accessible services"))
		}
	} else if etp == "" {
		errs = append(errs, field.Required(specPath.Child("externalTrafficPolicy"), ""))
	} else if !oneOf(etp, externalTrafficPolicies) {
		errs = append(errs, field.NotSupported(specPath.Child("externalTrafficPolicy"), etp, externalTrafficPolicies))
	}
	hcPath := specPath.Child("healthCheckNodePort")
	hc := svc.Spec.HealthCheckNodePort
	if !needsHealthCheck(svc) {
		if hc != 0 {
			errs = append(errs, field.Invalid(hcPath, hc, "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"))
		}
	} else if hc == 0 {
		errs = append(errs, field.Required(hcPath, ""))
	} else {
		for _, msg := range validation.IsValidPortNum(int(hc)) {
			errs = append(errs, field.Invalid(hcPath, hc, msg))
		}
	}
	return errs
}

// ValidateServiceClusterIPsRelatedFields checks clusterIP, clusterIPs,
// ipFamilies and ipFamilyPolicy together.
func ValidateServiceClusterIPsRelatedFields(svc *Service) field.ErrorList {
	spec := &svc.Spec
	if spec.Type == ServiceTypeExternalName {
		return nil
	}
	var errs field.ErrorList
	specPath := field.NewPath("spec")
	ipsPath, famPath := specPath.Child("clusterIPs"), specPath.Child("ipFamilies")

	if spec.ClusterIP != "" {
		if len(spec.ClusterIPs) == 0 {
			errs = append(errs, field.Required(ipsPath, ""))
		} else if spec.ClusterIPs[0] != spec.ClusterIP {
			errs = append(errs, field.Invalid(ipsPath, spec.ClusterIPs, "first value must match `clusterIP`"))
		}
	} else if len(spec.ClusterIPs) != 0 {
		errs = append(errs, field.Invalid(ipsPath, spec.ClusterIPs, "must be empty when `clusterIP` is not specified"))
	}

	seen := map[IPFamily]bool{}
	for i, fam := range spec.IPFamilies {
		if !oneOf(fam, serviceIPFamilies) {
			errs = append(errs, field.NotSupported(famPath.Index(i), fam, serviceIPFamilies))
		}
		if seen[fam] {
			errs = append(errs, field.Duplicate(famPath.Index(i), fam))
		}
		seen[fam] = true
	}
	if p := spec.IPFamilyPolicy; p != nil && !oneOf(*p, serviceIPFamilyPolicies) {
		errs = append(errs, field.NotSupported(specPath.Child("ipFamilyPolicy"), spec.IPFamilyPolicy, serviceIPFamilyPolicies))
	}

	badIPs := false
	for i, ip := range spec.ClusterIPs {
		if i == 0 && ip == ClusterIPNone {
			if len(spec.ClusterIPs) > 1 {
				badIPs = true
				errs = append(errs, field.Invalid(ipsPath, spec.ClusterIPs, "'None' must be the first and only value"))
			}
			continue
		}
		ipErrs := validation.IsValidIP(ipsPath.Index(i), ip)
		badIPs = badIPs || len(ipErrs) != 0
		errs = append(errs, ipErrs...)
	}
	if len(spec.ClusterIPs) > 2 {
		errs = append(errs, field.Invalid(ipsPath, spec.ClusterIPs, "may only hold up to 2 values"))
	}
	if badIPs {
		return errs
	}
	if len(spec.ClusterIPs) > 1 && !isDualStackIPs(spec.ClusterIPs) {
		errs = append(errs, field.Invalid(ipsPath, spec.ClusterIPs, "may specify no more than one IP for each IP family"))
	}
	if !isHeadlessService(svc) {
		for i, ip := range spec.ClusterIPs {
			if i >= len(spec.IPFamilies) {
				break
			}
			v6 := isIPv6String(ip)
			if spec.IPFamilies[i] == IPv4Protocol && v6 {
				errs = append(errs, field.Invalid(ipsPath.Index(i), ip, fmt.Sprintf("expected an IPv4 value as indicated by `ipFamilies[%v]`", i)))
			}
			if spec.IPFamilies[i] == IPv6Protocol && !v6 {
				errs = append(errs, field.Invalid(ipsPath.Index(i), ip, fmt.Sprintf("expected an IPv6 value as indicated by `ipFamilies[%v]`", i)))
			}
		}
	}
	return errs
}

// isIPv6String reports whether s parses as an IPv6 address.
func isIPv6String(s string) bool {
	addr, err := netip.ParseAddr(stripIPv4LeadingZeros(s))
	return err == nil && addr.Is6() && !addr.Is4In6()
}

// isDualStackIPs reports whether the IPs hold both an IPv4 and an IPv6 address.
func isDualStackIPs(ips []string) bool {
	var v4, v6 bool
	for _, ip := range ips {
		if isIPv6String(ip) {
			v6 = true
		} else {
			v4 = true
		}
	}
	return v4 && v6
}

// ValidateServiceUpdate checks a service update: cluster IPs, IP families
// and loadBalancerClass may not change (beyond dual-stack upgrades and
// downgrades), nor the health check port while it is needed.
func ValidateServiceUpdate(svc, old *Service) field.ErrorList {
	errs := validateMetaUpdate(&svc.ObjectMeta, &old.ObjectMeta)
	errs = append(errs, validateClusterIPsUpdate(old, svc)...)
	errs = append(errs, validateIPFamiliesUpdate(old, svc)...)
	errs = append(errs, validateLoadBalancerClass(old, svc)...)
	if needsHealthCheck(old) && needsHealthCheck(svc) && old.Spec.HealthCheckNodePort != svc.Spec.HealthCheckNodePort {
		errs = append(errs, field.Forbidden(field.NewPath("spec", "healthCheckNodePort"), apivalidation.FieldImmutableErrorMsg))
	}
	return append(errs, ValidateService(svc)...)
}

// validateClusterIPsUpdate allows adding or removing the secondary cluster
// IP but never changing the primary one.
func validateClusterIPsUpdate(old, svc *Service) field.ErrorList {
	if svc.Spec.Type == ServiceTypeExternalName || old.Spec.Type == ServiceTypeExternalName {
		return nil
	}
	if isHeadlessService(old) && isHeadlessService(svc) {
		return nil
	}
	var errs field.ErrorList
	p := field.NewPath("spec", "clusterIPs")
	oldIPs, newIPs := old.Spec.ClusterIPs, svc.Spec.ClusterIPs
	const changed = "may not change once set"
	switch {
	case len(oldIPs) == len(newIPs):
		for i, ip := range oldIPs {
			if ip != newIPs[i] {
				errs = append(errs, field.Invalid(p.Index(i), newIPs, changed))
			}
		}
	case len(oldIPs) > len(newIPs):
		if len(newIPs) == 0 {
			errs = append(errs, field.Invalid(p.Index(0), newIPs, "primary clusterIP can not be unset"))
		}
		if len(oldIPs) > 0 && len(newIPs) > 0 && newIPs[0] != oldIPs[0] {
			errs = append(errs, field.Invalid(p.Index(0), newIPs, changed))
		}
		if len(newIPs) == 1 && (svc.Spec.IPFamilyPolicy == nil || *svc.Spec.IPFamilyPolicy != IPFamilyPolicySingleStack) {
			errs = append(errs, field.Invalid(field.NewPath("spec", "ipFamilyPolicy"), svc.Spec.IPFamilyPolicy,
				"must be set to 'SingleStack' when releasing the secondary clusterIP"))
		}
	default:
		if len(oldIPs) > 0 && newIPs[0] != oldIPs[0] {
			errs = append(errs, field.Invalid(p.Index(0), newIPs, changed))
		}
	}
	return errs
}

// validateIPFamiliesUpdate allows adding or removing the secondary family
// but never changing the primary one (headless services may change freely).
func validateIPFamiliesUpdate(old, svc *Service) field.ErrorList {
	if svc.Spec.Type == ServiceTypeExternalName || old.Spec.Type == ServiceTypeExternalName {
		return nil
	}
	if isHeadlessService(old) || isHeadlessService(svc) {
		return nil
	}
	var errs field.ErrorList
	p := field.NewPath("spec", "ipFamilies").Index(0)
	oldFam, newFam := old.Spec.IPFamilies, svc.Spec.IPFamilies
	const changed = "may not change once set"
	switch {
	case len(oldFam) == len(newFam):
		for i, f := range oldFam {
			if f != newFam[i] {
				errs = append(errs, field.Invalid(p, newFam, changed))
			}
		}
	case len(oldFam) > len(newFam):
		if len(svc.Spec.ClusterIPs) == 0 {
			errs = append(errs, field.Invalid(p, newFam, "primary ipFamily can not be unset"))
		}
		if len(newFam) > 0 && newFam[0] != oldFam[0] {
			errs = append(errs, field.Invalid(p, svc.Spec.ClusterIPs, changed))
		}
		if len(newFam) == 1 && (svc.Spec.IPFamilyPolicy == nil || *svc.Spec.IPFamilyPolicy != IPFamilyPolicySingleStack) {
			errs = append(errs, field.Invalid(field.NewPath("spec", "ipFamilyPolicy"), svc.Spec.IPFamilyPolicy,
				"must be set to 'SingleStack' when releasing the secondary ipFamily"))
		}
	default:
		if len(oldFam) > 0 && len(newFam) > 0 && newFam[0] != oldFam[0] {
			errs = append(errs, field.Invalid(p, svc.Spec.ClusterIPs, changed))
		}
	}
	return errs
}

// ValidateServiceStatusUpdate checks an update of services/status.
func ValidateServiceStatusUpdate(svc, old *Service) field.ErrorList {
	errs := validateMetaUpdate(&svc.ObjectMeta, &old.ObjectMeta)
	return append(errs, ValidateLoadBalancerStatus(&svc.Status.LoadBalancer, field.NewPath("status", "loadBalancer"), &svc.Spec)...)
}

// ValidateLoadBalancerStatus checks load balancer ingress points: only on
// LoadBalancer services, valid IPs with an IP mode, DNS host names.
func ValidateLoadBalancerStatus(st *LoadBalancerStatus, fldPath *field.Path, spec *ServiceSpec) field.ErrorList {
	var errs field.ErrorList
	ingPath := fldPath.Child("ingress")
	if spec.Type != ServiceTypeLoadBalancer && len(st.Ingress) != 0 {
		return field.ErrorList{field.Forbidden(ingPath, "may only be used when `spec.type` is 'LoadBalancer'")}
	}
	for i, ing := range st.Ingress {
		p := ingPath.Index(i)
		if ing.IP != "" {
			errs = append(errs, validation.IsValidIP(p.Child("ip"), ing.IP)...)
		}
		switch {
		case ing.IPMode == nil:
			if ing.IP != "" {
				errs = append(errs, field.Required(p.Child("ipMode"), "must be specified when `ip` is set"))
			}
		case ing.IP == "":
			errs = append(errs, field.Forbidden(p.Child("ipMode"), "may not be specified when `ip` is not set"))
		case !oneOf(*ing.IPMode, loadBalancerIPModes):
			errs = append(errs, field.NotSupported(p.Child("ipMode"), ing.IPMode, loadBalancerIPModes))
		}
		if ing.Hostname != "" {
			for _, msg := range validation.IsDNS1123Subdomain(ing.Hostname) {
				errs = append(errs, field.Invalid(p.Child("hostname"), ing.Hostname, msg))
			}
			if _, err := netip.ParseAddr(ing.Hostname); err == nil {
				errs = append(errs, field.Invalid(p.Child("hostname"), ing.Hostname, "must be a DNS name, not an IP address"))
			}
		}
	}
	return errs
}

// ValidateEndpoints checks an Endpoints object (create and update).
func ValidateEndpoints(ep *Endpoints) field.ErrorList {
	errs := validateMeta(&ep.ObjectMeta, true, ValidateEndpointsName)
	subsetsPath := field.NewPath("subsets")
	for i := range ep.Subsets {
		ss := &ep.Subsets[i]
		p := subsetsPath.Index(i)
		if len(ss.Addresses) == 0 && len(ss.NotReadyAddresses) == 0 {
			errs = append(errs, field.Required(p, "must specify `addresses` or `notReadyAddresses`"))
		}
		for j := range ss.Addresses {
			errs = append(errs, validateEndpointAddress(&ss.Addresses[j], p.Child("addresses").Index(j))...)
		}
		for j := range ss.NotReadyAddresses {
			errs = append(errs, validateEndpointAddress(&ss.NotReadyAddresses[j], p.Child("notReadyAddresses").Index(j))...)
		}
		for j := range ss.Ports {
			errs = append(errs, validateEndpointPort(&ss.Ports[j], len(ss.Ports) > 1, p.Child("ports").Index(j))...)
		}
	}
	return errs
}

// ValidateEndpointsUpdate checks an Endpoints update.
func ValidateEndpointsUpdate(ep, old *Endpoints) field.ErrorList {
	errs := validateMetaUpdate(&ep.ObjectMeta, &old.ObjectMeta)
	return append(errs, ValidateEndpoints(ep)...)
}

// validateEndpointAddress checks an endpoint's IP, hostname and node name.
func validateEndpointAddress(addr *EndpointAddress, fldPath *field.Path) field.ErrorList {
	errs := validation.IsValidIP(fldPath.Child("ip"), addr.IP)
	if addr.Hostname != "" {
		errs = append(errs, apivalidation.ValidateDNS1123Label(addr.Hostname, fldPath.Child("hostname"))...)
	}
	if addr.NodeName != nil {
		for _, msg := range ValidateNodeName(*addr.NodeName, false) {
			errs = append(errs, field.Invalid(fldPath.Child("nodeName"), *addr.NodeName, msg))
		}
	}
	return append(errs, ValidateNonSpecialIP(addr.IP, fldPath.Child("ip"))...)
}

// validateEndpointPort checks an endpoint port.
func validateEndpointPort(port *EndpointPort, requireName bool, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	if requireName && port.Name == "" {
		errs = append(errs, field.Required(fldPath.Child("name"), ""))
	} else if port.Name != "" {
		errs = append(errs, apivalidation.ValidateDNS1123Label(port.Name, fldPath.Child("name"))...)
	}
	for _, msg := range validation.IsValidPortNum(int(port.Port)) {
		errs = append(errs, field.Invalid(fldPath.Child("port"), port.Port, msg))
	}
	errs = append(errs, validatePortProtocol(port.Protocol, fldPath.Child("protocol"))...)
	if port.AppProtocol != nil {
		errs = append(errs, apivalidation.ValidateQualifiedName(*port.AppProtocol, fldPath.Child("appProtocol"))...)
	}
	return errs
}

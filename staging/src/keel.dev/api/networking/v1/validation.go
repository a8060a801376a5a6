package v1

import (
	"net/netip"
	"regexp"
	"strings"

	apivalidation "keel.dev/apimachinery/pkg/api/validation"
	"keel.dev/apimachinery/pkg/util/intstr"
	utilvalidation "keel.dev/apimachinery/pkg/util/validation"
	"keel.dev/apimachinery/pkg/util/validation/field"

	corev1 "keel.dev/api/core/v1"
	internal "keel.dev/api/internal/apivalidation"
)

var (
	policyProtocols = []corev1.Protocol{corev1.ProtocolTCP, corev1.ProtocolUDP, corev1.ProtocolSCTP}
	policyTypes     = []PolicyType{PolicyTypeIngress, PolicyTypeEgress}
	pathTypes       = []PathType{PathTypeExact, PathTypeImplementationSpecific, PathTypePrefix}
	paramScopes     = []string{IngressClassParametersReferenceScopeCluster, IngressClassParametersReferenceScopeNamespace}

	// Sequences and suffixes an Exact or Prefix path may not contain.
	badPathSequences = []string{"//", "/./", "/../", "%2f", "%2F"}
	badPathSuffixes  = []string{"/..", "/."}

	httpPathRE = regexp.MustCompile("^" + httpPathFmt + "$")
)

// httpPathFmt is the character set of a URL path.
const httpPathFmt = `[A-Za-z0-9/\-._~%!$&'()*+,;=:]+`

const maxControllerLen = 250

// ValidateNetworkPolicy checks a network policy on create.
func ValidateNetworkPolicy(np *NetworkPolicy) field.ErrorList {
	errs := apivalidation.ValidateObjectMeta(&np.ObjectMeta, true, apivalidation.NameIsDNSSubdomain, field.NewPath("metadata"))
	return append(errs, ValidateNetworkPolicySpec(&np.Spec, field.NewPath("spec"))...)
}

// ValidateNetworkPolicyUpdate checks a network policy on update.
func ValidateNetworkPolicyUpdate(np, old *NetworkPolicy) field.ErrorList {
	errs := apivalidation.ValidateObjectMetaUpdate(&np.ObjectMeta, &old.ObjectMeta, field.NewPath("metadata"))
	return append(errs, ValidateNetworkPolicySpec(&np.Spec, field.NewPath("spec"))...)
}

// ValidateNetworkPolicySpec checks selectors, rules and policy types.
func ValidateNetworkPolicySpec(spec *NetworkPolicySpec, fldPath *field.Path) field.ErrorList {
	opts := apivalidation.LabelSelectorValidationOptions{}
	errs := apivalidation.ValidateLabelSelector(&spec.PodSelector, opts, fldPath.Child("podSelector"))
	for i, rule := range spec.Ingress {
		p := fldPath.Child("ingress").Index(i)
		for j := range rule.Ports {
			errs = append(errs, validatePolicyPort(&rule.Ports[j], p.Child("ports").Index(j))...)
		}
		for j := range rule.From {
			errs = append(errs, validatePeer(&rule.From[j], p.Child("from").Index(j))...)
		}
	}
	for i, rule := range spec.Egress {
		p := fldPath.Child("egress").Index(i)
		for j := range rule.Ports {
			errs = append(errs, validatePolicyPort(&rule.Ports[j], p.Child("ports").Index(j))...)
		}
		for j := range rule.To {
			errs = append(errs, validatePeer(&rule.To[j], p.Child("to").Index(j))...)
		}
	}
	if len(spec.PolicyTypes) > len(policyTypes) {
		return append(errs, field.Invalid(fldPath.Child("policyTypes"), spec.PolicyTypes, "may not specify more than two policyTypes"))
	}
	for i, t := range spec.PolicyTypes {
		if t != PolicyTypeIngress && t != PolicyTypeEgress {
			errs = append(errs, field.NotSupported(fldPath.Child("policyTypes").Index(i), t, policyTypes))
		}
	}
	return errs
}

func validatePolicyPort(port *NetworkPolicyPort, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	if port.Protocol != nil {
		switch *port.Protocol {
		case corev1.ProtocolTCP, corev1.ProtocolUDP, corev1.ProtocolSCTP:
		default:
			errs = append(errs, field.NotSupported(fldPath.Child("protocol"), *port.Protocol, policyProtocols))
		}
	}
	switch {
	case port.Port == nil:
		if port.EndPort != nil {
			errs = append(errs, field.Invalid(fldPath.Child("endPort"), *port.EndPort, "may not be specified when `port` is not specified"))
		}
	case port.Port.Type == intstr.Int:
		for _, msg := range utilvalidation.IsValidPortNum(int(port.Port.IntVal)) {
			errs = append(errs, field.Invalid(fldPath.Child("port"), port.Port.IntVal, msg))
		}
		if port.EndPort != nil {
			if *port.EndPort < port.Port.IntVal {
				errs = append(errs, field.Invalid(fldPath.Child("endPort"), port.Port.IntVal, "must be greater than or equal to `port`"))
			}
			for _, msg := range utilvalidation.IsValidPortNum(int(*port.EndPort)) {
				errs = append(errs, field.Invalid(fldPath.Child("endPort"), *port.EndPort, msg))
			}
		}
	default:
		if port.EndPort != nil {
			errs = append(errs, field.Invalid(fldPath.Child("endPort"), *port.EndPort, "may not be specified when `port` is non-numeric"))
		}
		for _, msg := range utilvalidation.IsValidPortName(port.Port.StrVal) {
			errs = append(errs, field.Invalid(fldPath.Child("port"), port.Port.StrVal, msg))
		}
	}
	return errs
}

func validatePeer(peer *NetworkPolicyPeer, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	opts := apivalidation.LabelSelectorValidationOptions{}
	n := 0
	if peer.PodSelector != nil {
		n++
		errs = append(errs, apivalidation.ValidateLabelSelector(peer.PodSelector, opts, fldPath.Child("podSelector"))...)
	}
	if peer.NamespaceSelector != nil {
		n++
		errs = append(errs, apivalidation.ValidateLabelSelector(peer.NamespaceSelector, opts, fldPath.Child("namespaceSelector"))...)
	}
	if peer.IPBlock != nil {
		n++
		errs = append(errs, validateIPBlock(peer.IPBlock, fldPath.Child("ipBlock"))...)
	}
	if n == 0 {
		errs = append(errs, field.Required(fldPath, "must specify a peer"))
	} else if n > 1 && peer.IPBlock != nil {
		errs = append(errs, field.Forbidden(fldPath, "may not specify both ipBlock and another peer"))
	}
	return errs
}

func validateIPBlock(b *IPBlock, fldPath *field.Path) field.ErrorList {
	if b.CIDR == "" {
		return field.ErrorList{field.Required(fldPath.Child("cidr"), "")}
	}
	errs := utilvalidation.IsValidCIDR(fldPath.Child("cidr"), b.CIDR)
	outer, err := netip.ParsePrefix(b.CIDR)
	if err != nil {
		return errs
	}
	outer = outer.Masked()
	for i, ex := range b.Except {
		p := fldPath.Child("except").Index(i)
		errs = append(errs, utilvalidation.IsValidCIDR(p, ex)...)
		inner, err := netip.ParsePrefix(ex)
		if err != nil {
			continue
		}
		if !outer.Contains(inner.Addr()) || outer.Bits() >= inner.Bits() {
			errs = append(errs, field.Invalid(p, ex, "must be a strict subset of `cidr`"))
		}
	}
	return errs
}

// ValidateIngressCreate checks an ingress on create.
func ValidateIngressCreate(ing *Ingress) field.ErrorList {
	errs := validateIngress(ing)
	if class, ok := ing.Annotations[annotationIngressClass]; ok && ing.Spec.IngressClassName != nil && class != *ing.Spec.IngressClassName {
		errs = append(errs, field.Invalid(field.NewPath("annotations").Child(annotationIngressClass), class, "must match `ingressClassName` when both are specified"))
	}
	return errs
}

// ValidateIngressUpdate checks an ingress on update.
func ValidateIngressUpdate(ing, old *Ingress) field.ErrorList {
	errs := apivalidation.ValidateObjectMetaUpdate(&ing.ObjectMeta, &old.ObjectMeta, field.NewPath("metadata"))
	return append(errs, ValidateIngressSpec(&ing.Spec, field.NewPath("spec"))...)
}

func validateIngress(ing *Ingress) field.ErrorList {
	errs := apivalidation.ValidateObjectMeta(&ing.ObjectMeta, true, apivalidation.NameIsDNSSubdomain, field.NewPath("metadata"))
	return append(errs, ValidateIngressSpec(&ing.Spec, field.NewPath("spec"))...)
}

// ValidateIngressSpec checks backends, rules, TLS and the class name.
func ValidateIngressSpec(spec *IngressSpec, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	if len(spec.Rules) == 0 && spec.DefaultBackend == nil {
		errs = append(errs, field.Invalid(fldPath, spec.Rules, "either `defaultBackend` or `rules` must be specified"))
	}
	if spec.DefaultBackend != nil {
		errs = append(errs, validateBackend(spec.DefaultBackend, fldPath.Child("defaultBackend"))...)
	}
	for i := range spec.Rules {
		errs = append(errs, validateRule(&spec.Rules[i], fldPath.Child("rules").Index(i))...)
	}
	for i, tls := range spec.TLS {
		p := fldPath.Child("tls").Index(i)
		for j, host := range tls.Hosts {
			errs = append(errs, validateHost(host, p.Child("hosts").Index(j))...)
		}
		if tls.SecretName != "" {
			for _, msg := range apivalidation.NameIsDNSSubdomain(tls.SecretName, false) {
				errs = append(errs, field.Invalid(p.Child("secretName"), tls.SecretName, msg))
			}
		}
	}
	if spec.IngressClassName != nil {
		for _, msg := range apivalidation.NameIsDNSSubdomain(*spec.IngressClassName, false) {
			errs = append(errs, field.Invalid(fldPath.Child("ingressClassName"), *spec.IngressClassName, msg))
		}
	}
	return errs
}

// validateHost accepts DNS subdomains and "*."-prefixed wildcards.
func validateHost(host string, fldPath *field.Path) field.ErrorList {
	var msgs []string
	if strings.Contains(host, "*") {
		msgs = utilvalidation.IsWildcardDNS1123Subdomain(host)
	} else {
		msgs = utilvalidation.IsDNS1123Subdomain(host)
	}
	var errs field.ErrorList
	for _, msg := range msgs {
		errs = append(errs, field.Invalid(fldPath, host, msg))
	}
	return errs
}

func validateRule(rule *IngressRule, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	if rule.Host != "" {
		if _, err := netip.ParseAddr(rule.Host); err == nil {
			errs = append(errs, field.Invalid(fldPath.Child("host"), rule.Host, "must be a DNS name, not an IP address"))
		}
		errs = append(errs, validateHost(rule.Host, fldPath.Child("host"))...)
	}
	if rule.HTTP == nil {
		return errs
	}
	httpPath := fldPath.Child("http")
	if len(rule.HTTP.Paths) == 0 {
		errs = append(errs, field.Required(httpPath.Child("paths"), ""))
	}
	for i := range rule.HTTP.Paths {
		errs = append(errs, validateHTTPPath(&rule.HTTP.Paths[i], httpPath.Child("paths").Index(i))...)
	}
	return errs
}

func validateHTTPPath(p *HTTPIngressPath, fldPath *field.Path) field.ErrorList {
	if p.PathType == nil {
		return field.ErrorList{field.Required(fldPath.Child("pathType"), "pathType must be specified")}
	}
	var errs field.ErrorList
	pathPath := fldPath.Child("path")
	switch *p.PathType {
	case PathTypeExact, PathTypePrefix:
		if !strings.HasPrefix(p.Path, "/") {
			errs = append(errs, field.Invalid(pathPath, p.Path, "must be an absolute path"))
		}
		for _, seq := range badPathSequences {
			if strings.Contains(p.Path, seq) {
				errs = append(errs, field.Invalid(pathPath, p.Path, "must not contain '"+seq+"'"))
			}
		}
		for _, suf := range badPathSuffixes {
			if strings.HasSuffix(p.Path, suf) {
				errs = append(errs, field.Invalid(pathPath, p.Path, "cannot end with '"+suf+"'"))
			}
		}
	case PathTypeImplementationSpecific:
		if p.Path != "" && !strings.HasPrefix(p.Path, "/") {
			errs = append(errs, field.Invalid(pathPath, p.Path, "must be an absolute path"))
		}
	default:
		errs = append(errs, field.NotSupported(fldPath.Child("pathType"), *p.PathType, pathTypes))
	}
	return append(errs, validateBackend(&p.Backend, fldPath.Child("backend"))...)
}

func validateBackend(b *IngressBackend, fldPath *field.Path) field.ErrorList {
	switch {
	case b.Resource != nil && b.Service != nil:
		return field.ErrorList{field.Invalid(fldPath, "", "cannot set both resource and service backends")}
	case b.Resource != nil:
		return validateTypedRef(b.Resource.APIGroup, b.Resource.Kind, b.Resource.Name, fldPath.Child("resource"))
	case b.Service != nil:
		var errs field.ErrorList
		svc := fldPath.Child("service")
		if b.Service.Name == "" {
			errs = append(errs, field.Required(svc.Child("name"), ""))
		} else {
			for _, msg := range apivalidation.NameIsDNS1035Label(b.Service.Name, false) {
				errs = append(errs, field.Invalid(svc.Child("name"), b.Service.Name, msg))
			}
		}
		port := b.Service.Port
		switch {
		case port.Name != "" && port.Number != 0:
			errs = append(errs, field.Invalid(fldPath, "", "cannot set both port name & port number"))
		case port.Name != "":
			for _, msg := range utilvalidation.IsValidPortName(port.Name) {
				errs = append(errs, field.Invalid(svc.Child("port", "name"), port.Name, msg))
			}
		case port.Number != 0:
			for _, msg := range utilvalidation.IsValidPortNum(int(port.Number)) {
				errs = append(errs, field.Invalid(svc.Child("port", "number"), port.Number, msg))
			}
		default:
			errs = append(errs, field.Required(fldPath, "port name or number is required"))
		}
		return errs
	default:
		return field.ErrorList{field.Invalid(fldPath, "", "resource or service backend is required")}
	}
}

func validateTypedRef(group *string, kind, name string, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	if group != nil {
		for _, msg := range utilvalidation.IsDNS1123Subdomain(*group) {
			errs = append(errs, field.Invalid(fldPath.Child("apiGroup"), *group, msg))
		}
	}
	if kind == "" {
		errs = append(errs, field.Required(fldPath.Child("kind"), "kind is required"))
	} else {
		for _, msg := range internal.IsValidPathSegmentName(kind, false) {
			errs = append(errs, field.Invalid(fldPath.Child("kind"), kind, msg))
		}
	}
	if name == "" {
		errs = append(errs, field.Required(fldPath.Child("name"), "name is required"))
	} else {
		for _, msg := range internal.IsValidPathSegmentName(name, false) {
			errs = append(errs, field.Invalid(fldPath.Child("name"), name, msg))
		}
	}
	return errs
}

// ValidateIngressClass checks an ingress class on create.
func ValidateIngressClass(c *IngressClass) field.ErrorList {
	errs := apivalidation.ValidateObjectMeta(&c.ObjectMeta, false, apivalidation.NameIsDNSSubdomain, field.NewPath("metadata"))
	return append(errs, validateIngressClassSpec(&c.Spec, field.NewPath("spec"))...)
}

// ValidateIngressClassUpdate checks an ingress class on update; the
// controller is immutable.
func ValidateIngressClassUpdate(c, old *IngressClass) field.ErrorList {
	errs := apivalidation.ValidateObjectMetaUpdate(&c.ObjectMeta, &old.ObjectMeta, field.NewPath("metadata"))
	errs = append(errs, validateIngressClassSpec(&c.Spec, field.NewPath("spec"))...)
	return append(errs, apivalidation.ValidateImmutableField(c.Spec.Controller, old.Spec.Controller, field.NewPath("spec", "controller"))...)
}

func validateIngressClassSpec(spec *IngressClassSpec, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	cp := fldPath.Child("controller")
	if len(spec.Controller) > maxControllerLen {
		errs = append(errs, field.TooLong(cp, spec.Controller, maxControllerLen))
	}
	errs = append(errs, validateDomainPrefixedPath(spec.Controller, cp)...)
	if p := spec.Parameters; p != nil {
		pp := fldPath.Child("parameters")
		errs = append(errs, validateTypedRef(p.APIGroup, p.Kind, p.Name, pp)...)
		switch {
		case p.Scope == nil:
			errs = append(errs, field.Required(pp.Child("scope"), ""))
		case *p.Scope == IngressClassParametersReferenceScopeNamespace:
			if p.Namespace == nil {
				errs = append(errs, field.Required(pp.Child("namespace"), "`parameters.scope` is set to 'Namespace'"))
			} else {
				for _, msg := range apivalidation.ValidateNamespaceName(*p.Namespace, false) {
					errs = append(errs, field.Invalid(pp.Child("namespace"), *p.Namespace, msg))
				}
			}
		case *p.Scope == IngressClassParametersReferenceScopeCluster:
			if p.Namespace != nil {
				errs = append(errs, field.Forbidden(pp.Child("namespace"), "`parameters.scope` is set to 'Cluster'"))
			}
		default:
			errs = append(errs, field.NotSupported(pp.Child("scope"), *p.Scope, paramScopes))
		}
	}
	return errs
}

// validateDomainPrefixedPath checks a "domain/path" controller name.
func validateDomainPrefixedPath(s string, fldPath *field.Path) field.ErrorList {
	if s == "" {
		return field.ErrorList{field.Required(fldPath, "")}
	}
	host, path, ok := strings.Cut(s, "/")
	if !ok || host == "" || path == "" {
		return field.ErrorList{field.Invalid(fldPath, s, `must be a domain-prefixed path (such as "acme.io/foo")`)}
	}
	var errs field.ErrorList
	for _, msg := range utilvalidation.IsDNS1123Subdomain(host) {
		errs = append(errs, field.Invalid(fldPath, host, msg))
	}
	if !httpPathRE.MatchString(path) {
		errs = append(errs, field.Invalid(fldPath, path, utilvalidation.RegexError("must be a valid path", httpPathFmt)))
	}
	return errs
}

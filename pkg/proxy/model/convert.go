package model

import (
	"fmt"
	"net/netip"

	corev1 "keel.dev/api/core/v1"
	discoveryv1 "keel.dev/api/discovery/v1"
	"keel.dev/apimachinery/pkg/types"
)

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}

// familyOf maps an address to its IPFamily.
func familyOf(a netip.Addr) corev1.IPFamily {
	if a.Is4() {
		return corev1.IPv4Protocol
	}
	return corev1.IPv6Protocol
}

// parseIP parses an address, rejecting zones and mapping 4in6 forms to IPv4.
func parseIP(s string) (netip.Addr, error) {
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Addr{}, err
	}
	if a.Zone() != "" {
		return netip.Addr{}, fmt.Errorf("address %q has a zone", s)
	}
	return a.Unmap(), nil
}

// servicePorts converts a Service to ServicePorts of the tracker's family.
func (t *Tracker) servicePorts(svc *corev1.Service, problems *[]Problem) ServiceMap {
	obj := "Service " + svc.Namespace + "/" + svc.Name
	spec := &svc.Spec
	if spec.Type == corev1.ServiceTypeExternalName || spec.ClusterIP == corev1.ClusterIPNone || spec.ClusterIP == "" {
		return nil
	}
	ips := spec.ClusterIPs
	if len(ips) == 0 {
		ips = []string{spec.ClusterIP}
	}
	var clusterIP netip.Addr
	for _, s := range ips {
		a, err := parseIP(s)
		if err != nil {
			*problems = append(*problems, Problem{Object: obj, Reason: fmt.Sprintf("invalid cluster IP %q", s)})
			return nil
		}
		if familyOf(a) == t.cfg.Family && !clusterIP.IsValid() {
			clusterIP = a
		}
	}
	if !clusterIP.IsValid() {
		return nil
	}
	externalIPs := t.familyIPs(obj, "external IP", spec.ExternalIPs, problems)
	var lbStrings []string
	for _, ing := range svc.Status.LoadBalancer.Ingress {
		if ing.IP == "" || (ing.IPMode != nil && *ing.IPMode == corev1.LoadBalancerIPModeProxy) {
			continue
		}
		lbStrings = append(lbStrings, ing.IP)
	}
	lbIPs := t.familyIPs(obj, "load balancer IP", lbStrings, problems)
	external := spec.Type == corev1.ServiceTypeNodePort || spec.Type == corev1.ServiceTypeLoadBalancer || len(externalIPs) > 0
	affinity := spec.SessionAffinity == corev1.ServiceAffinityClientIP
	sticky := int32(0)
	if affinity {
		sticky = corev1.DefaultClientIPServiceAffinitySeconds
		if c := spec.SessionAffinityConfig; c != nil && c.ClientIP != nil && c.ClientIP.TimeoutSeconds != nil {
			sticky = *c.ClientIP.TimeoutSeconds
		}
	}
	out := ServiceMap{}
	for _, p := range spec.Ports {
		proto := p.Protocol
		if proto == "" {
			proto = corev1.ProtocolTCP
		}
		if proto != corev1.ProtocolTCP && proto != corev1.ProtocolUDP && proto != corev1.ProtocolSCTP {
			*problems = append(*problems, Problem{Object: obj, Reason: fmt.Sprintf("port %q has unsupported protocol %q", p.Name, proto)})
			continue
		}
		if p.Port < 1 || p.Port > 65535 || p.NodePort < 0 || p.NodePort > 65535 {
			*problems = append(*problems, Problem{Object: obj, Reason: fmt.Sprintf("port %q has an out-of-range number", p.Name)})
			continue
		}
		spn := ServicePortName{NamespacedName: types.NamespacedName{Namespace: svc.Namespace, Name: svc.Name}, Port: p.Name, Protocol: proto}
		sp := &ServicePort{
			Name:                spn,
			ClusterIP:           clusterIP,
			Port:                p.Port,
			Protocol:            proto,
			ExternalIPs:         externalIPs,
			LoadBalancerIPs:     lbIPs,
			SessionAffinity:     affinity,
			StickySeconds:       sticky,
			ExternalPolicyLocal: external && spec.ExternalTrafficPolicy == corev1.ServiceExternalTrafficPolicyLocal,
			InternalPolicyLocal: spec.InternalTrafficPolicy != nil && *spec.InternalTrafficPolicy == corev1.ServiceInternalTrafficPolicyLocal,
		}
		if spec.Type == corev1.ServiceTypeNodePort || spec.Type == corev1.ServiceTypeLoadBalancer {
			sp.NodePort = p.NodePort
		}
		if sp.ExternalPolicyLocal {
			sp.HealthCheckNodePort = spec.HealthCheckNodePort
		}
		if _, dup := out[spn]; dup {
			*problems = append(*problems, Problem{Object: obj, Reason: fmt.Sprintf("duplicate port %q/%s", p.Name, proto)})
			continue
		}
		out[spn] = sp
	}
	return out
}

// familyIPs parses addresses, keeping those of the tracker's family.
func (t *Tracker) familyIPs(obj, what string, in []string, problems *[]Problem) []netip.Addr {
	var out []netip.Addr
	for _, s := range in {
		a, err := parseIP(s)
		if err != nil {
			*problems = append(*problems, Problem{Object: obj, Reason: fmt.Sprintf("invalid %s %q", what, s)})
			continue
		}
		if familyOf(a) == t.cfg.Family {
			out = append(out, a)
		}
	}
	return out
}

// addSlice merges the endpoints of one slice into eps.
func (t *Tracker) addSlice(svc types.NamespacedName, s *discoveryv1.EndpointSlice, ports ServiceMap, eps EndpointsMap,
	matched map[ServicePortName]bool, problems *[]Problem) {
	obj := "EndpointSlice " + s.Namespace + "/" + s.Name
	switch s.AddressType {
	case discoveryv1.AddressTypeIPv4, discoveryv1.AddressTypeIPv6:
		if string(s.AddressType) != string(t.cfg.Family) {
			return
		}
	default:
		if s.AddressType != discoveryv1.AddressTypeFQDN {
			*problems = append(*problems, Problem{Object: obj, Reason: fmt.Sprintf("unknown address type %q", s.AddressType)})
		}
		return
	}
	type target struct {
		spn  ServicePortName
		port int32
	}
	var targets []target
	for _, p := range s.Ports {
		name := ""
		if p.Name != nil {
			name = *p.Name
		}
		proto := corev1.ProtocolTCP
		if p.Protocol != nil {
			proto = *p.Protocol
		}
		if p.Port == nil || *p.Port < 1 || *p.Port > 65535 {
			*problems = append(*problems, Problem{Object: obj, Reason: fmt.Sprintf("port %q has no valid number", name)})
			continue
		}
		spn := ServicePortName{NamespacedName: svc, Port: name, Protocol: proto}
		if _, ok := ports[spn]; !ok {
			continue
		}
		matched[spn] = true
		targets = append(targets, target{spn: spn, port: *p.Port})
	}
	if len(targets) == 0 {
		return
	}
	for _, e := range s.Endpoints {
		if len(e.Addresses) == 0 {
			*problems = append(*problems, Problem{Object: obj, Reason: "endpoint without addresses"})
			continue
		}
		ip, err := parseIP(e.Addresses[0])
		if err != nil || string(familyOf(ip)) != string(s.AddressType) || ip.IsUnspecified() || ip.IsLoopback() {
			*problems = append(*problems, Problem{Object: obj, Reason: fmt.Sprintf("invalid endpoint address %q", e.Addresses[0])})
			continue
		}
		ready := e.Conditions.Ready == nil || *e.Conditions.Ready
		serving := ready
		if e.Conditions.Serving != nil {
			serving = *e.Conditions.Serving
		}
		terminating := e.Conditions.Terminating != nil && *e.Conditions.Terminating
		ep := Endpoint{IP: ip, Ready: ready && !terminating, Serving: serving, Terminating: terminating}
		if e.NodeName != nil {
			ep.NodeName = *e.NodeName
			ep.IsLocal = t.cfg.NodeName != "" && ep.NodeName == t.cfg.NodeName
		}
		if e.Zone != nil {
			ep.Zone = *e.Zone
		}
		for _, tg := range targets {
			ep.Port = tg.port
			eps[tg.spn] = append(eps[tg.spn], ep)
		}
	}
}

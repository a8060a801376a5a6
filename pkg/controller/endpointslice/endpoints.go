package endpointslice

import (
	"fmt"
	"net/netip"
	"sort"
	"strings"

	corev1 "keel.dev/api/core/v1"
	discoveryv1 "keel.dev/api/discovery/v1"
	"keel.dev/apimachinery/pkg/util/intstr"
)

// LabelTopologyZone is the node label giving a node's zone.
const LabelTopologyZone = "topology.kubernetes.io/zone"

// group is the desired endpoints sharing one resolved port list.
type group struct {
	ports []discoveryv1.EndpointPort
	eps   map[string]discoveryv1.Endpoint // by pod name
}

// podIPv4 returns the pod's first IPv4 address, or "".
func podIPv4(p *corev1.Pod) string {
	ips := []string{p.Status.PodIP}
	for _, ip := range p.Status.PodIPs {
		ips = append(ips, ip.IP)
	}
	for _, s := range ips {
		if a, err := netip.ParseAddr(s); err == nil && a.Is4() {
			return s
		}
	}
	return ""
}

// resolvePort finds the pod's port for a service port: a number directly,
// a name through the pod's container ports of the same protocol.
func resolvePort(sp *corev1.ServicePort, p *corev1.Pod) (int32, bool) {
	tp := sp.TargetPort
	if tp.Type == intstr.String && tp.StrVal != "" {
		proto := sp.Protocol
		if proto == "" {
			proto = corev1.ProtocolTCP
		}
		for _, ctr := range p.Spec.Containers {
			for _, cp := range ctr.Ports {
				cpProto := cp.Protocol
				if cpProto == "" {
					cpProto = corev1.ProtocolTCP
				}
				if cp.Name == tp.StrVal && cpProto == proto {
					return cp.ContainerPort, true
				}
			}
		}
		return 0, false
	}
	if tp.Type == intstr.Int && tp.IntVal != 0 {
		return tp.IntVal, true
	}
	return sp.Port, true
}

// endpointPorts resolves every service port for p.
func endpointPorts(svc *corev1.Service, p *corev1.Pod) []discoveryv1.EndpointPort {
	out := []discoveryv1.EndpointPort{}
	for i := range svc.Spec.Ports {
		sp := &svc.Spec.Ports[i]
		n, ok := resolvePort(sp, p)
		if !ok {
			continue
		}
		name, proto, port := sp.Name, sp.Protocol, n
		if proto == "" {
			proto = corev1.ProtocolTCP
		}
		out = append(out, discoveryv1.EndpointPort{Name: &name, Protocol: &proto, Port: &port, AppProtocol: sp.AppProtocol})
	}
	return out
}

// portsKey identifies a port list.
func portsKey(ports []discoveryv1.EndpointPort) string {
	parts := make([]string, 0, len(ports))
	for _, p := range ports {
		var b strings.Builder
		if p.Name != nil {
			b.WriteString(*p.Name)
		}
		b.WriteByte('/')
		if p.Protocol != nil {
			b.WriteString(string(*p.Protocol))
		}
		b.WriteByte('/')
		if p.Port != nil {
			fmt.Fprint(&b, *p.Port)
		}
		b.WriteByte('/')
		if p.AppProtocol != nil {
			b.WriteString(*p.AppProtocol)
		}
		parts = append(parts, b.String())
	}
	sort.Strings(parts)
	return strings.Join(parts, ",")
}

// includePod reports whether a pod belongs in the service's slices.
func includePod(p *corev1.Pod) bool {
	return !corev1.IsPodTerminal(p) && podIPv4(p) != ""
}

// endpointFor builds the endpoint of pod p in svc.
func (c *Controller) endpointFor(svc *corev1.Service, p *corev1.Pod) discoveryv1.Endpoint {
	podReady := corev1.IsPodReady(p)
	terminating := p.DeletionTimestamp != nil
	ready := svc.Spec.PublishNotReadyAddresses || (podReady && !terminating)
	serving := podReady
	ep := discoveryv1.Endpoint{
		Addresses:  []string{podIPv4(p)},
		Conditions: discoveryv1.EndpointConditions{Ready: &ready, Serving: &serving, Terminating: &terminating},
		TargetRef:  &corev1.ObjectReference{Kind: "Pod", Namespace: p.Namespace, Name: p.Name, UID: p.UID},
	}
	if p.Spec.NodeName != "" {
		node := p.Spec.NodeName
		ep.NodeName = &node
		if n, err := c.nodes.Get("", node); err == nil {
			if z, ok := n.Labels[LabelTopologyZone]; ok {
				ep.Zone = &z
			}
		}
	}
	if p.Spec.Hostname != "" && p.Spec.Subdomain == svc.Name {
		h := p.Spec.Hostname
		ep.Hostname = &h
	}
	return ep
}

// desiredGroups groups the endpoints of pods by their resolved ports.
func (c *Controller) desiredGroups(svc *corev1.Service, pods []*corev1.Pod) (map[string]*group, int) {
	groups := map[string]*group{}
	total := 0
	for _, p := range pods {
		if !includePod(p) {
			continue
		}
		ports := endpointPorts(svc, p)
		k := portsKey(ports)
		g := groups[k]
		if g == nil {
			g = &group{ports: ports, eps: map[string]discoveryv1.Endpoint{}}
			groups[k] = g
		}
		g.eps[p.Name] = c.endpointFor(svc, p)
		total++
	}
	return groups, total
}

// endpointName is the identity of an endpoint across syncs.
func endpointName(ep *discoveryv1.Endpoint) string {
	if ep.TargetRef != nil && ep.TargetRef.Name != "" {
		return ep.TargetRef.Name
	}
	if len(ep.Addresses) > 0 {
		return "ip:" + ep.Addresses[0]
	}
	return ""
}

// Package proxytest builds Services and EndpointSlices for proxy tests and
// benchmarks, plus the shared table of cases the golden files cover.
package proxytest

import (
	"fmt"

	corev1 "keel.dev/api/core/v1"
	discoveryv1 "keel.dev/api/discovery/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/util/intstr"
	"keel.dev/keel/pkg/proxy/model"
)

// NodeName is the node the fixtures treat as local.
const NodeName = "node-a"

// ClusterCIDR is the pod range used by the fixtures.
const ClusterCIDR = "10.244.0.0/16"

// Port builds a ServicePort.
func Port(name string, proto corev1.Protocol, port, nodePort int32) corev1.ServicePort {
	return corev1.ServicePort{Name: name, Protocol: proto, Port: port, NodePort: nodePort, TargetPort: intstr.FromInt32(port)}
}

// Service builds a Service; mutate the result for special cases.
func Service(ns, name string, typ corev1.ServiceType, clusterIP string, ports ...corev1.ServicePort) *corev1.Service {
	return &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Spec: corev1.ServiceSpec{
			Type: typ, ClusterIP: clusterIP, ClusterIPs: []string{clusterIP}, Ports: ports,
			SessionAffinity: corev1.ServiceAffinityNone,
		},
	}
}

// EP describes one endpoint of a Slice.
type EP struct {
	IP          string
	Node        string
	NotReady    bool
	Terminating bool
	NotServing  bool
}

// SlicePort builds an EndpointSlice port.
func SlicePort(name string, proto corev1.Protocol, port int32) discoveryv1.EndpointPort {
	return discoveryv1.EndpointPort{Name: &name, Protocol: &proto, Port: &port}
}

// Slice builds an IPv4 EndpointSlice of service ns/svc.
func Slice(ns, svc, name string, ports []discoveryv1.EndpointPort, eps ...EP) *discoveryv1.EndpointSlice {
	s := &discoveryv1.EndpointSlice{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name,
			Labels: map[string]string{discoveryv1.LabelServiceName: svc}},
		AddressType: discoveryv1.AddressTypeIPv4,
		Ports:       ports,
	}
	for _, e := range eps {
		ready, serving, term := !e.NotReady && !e.Terminating, !e.NotServing, e.Terminating
		ep := discoveryv1.Endpoint{Addresses: []string{e.IP},
			Conditions: discoveryv1.EndpointConditions{Ready: &ready, Serving: &serving, Terminating: &term}}
		if e.Node != "" {
			node := e.Node
			ep.NodeName = &node
		}
		s.Endpoints = append(s.Endpoints, ep)
	}
	return s
}

func ptr[T any](v T) *T { return &v }

// Case is a named set of objects.
type Case struct {
	Services []*corev1.Service
	Slices   []*discoveryv1.EndpointSlice
}

// Table returns the golden-file cases: every kind of Service the proxy
// programs, plus malformed input that must be skipped.
func Table() Case {
	tcp, udp := corev1.ProtocolTCP, corev1.ProtocolUDP
	var c Case
	add := func(s *corev1.Service, slices ...*discoveryv1.EndpointSlice) {
		c.Services = append(c.Services, s)
		c.Slices = append(c.Slices, slices...)
	}
	http := []discoveryv1.EndpointPort{SlicePort("http", tcp, 8080)}

	add(Service("ns1", "web", corev1.ServiceTypeClusterIP, "10.96.0.10", Port("http", tcp, 80, 0)),
		Slice("ns1", "web", "web-abc", http, EP{IP: "10.244.1.1", Node: "node-b"}, EP{IP: "10.244.1.2", Node: "node-b"},
			EP{IP: "10.244.1.3", Node: NodeName}))

	add(Service("ns1", "nodeport", corev1.ServiceTypeNodePort, "10.96.0.11", Port("http", tcp, 80, 30080)),
		Slice("ns1", "nodeport", "nodeport-1", http, EP{IP: "10.244.1.4", Node: "node-b"}, EP{IP: "10.244.1.5", Node: "node-b"}))

	add(Service("ns1", "empty", corev1.ServiceTypeNodePort, "10.96.0.12", Port("http", tcp, 80, 30082)))

	sticky := Service("ns1", "sticky", corev1.ServiceTypeClusterIP, "10.96.0.13", Port("http", tcp, 80, 0))
	sticky.Spec.SessionAffinity = corev1.ServiceAffinityClientIP
	sticky.Spec.SessionAffinityConfig = &corev1.SessionAffinityConfig{ClientIP: &corev1.ClientIPConfig{TimeoutSeconds: ptr[int32](600)}}
	add(sticky, Slice("ns1", "sticky", "sticky-1", http, EP{IP: "10.244.1.6"}, EP{IP: "10.244.1.7"}))

	lb := Service("ns2", "local", corev1.ServiceTypeLoadBalancer, "10.96.0.14", Port("http", tcp, 80, 30084))
	lb.Spec.ExternalTrafficPolicy = corev1.ServiceExternalTrafficPolicyLocal
	lb.Spec.HealthCheckNodePort = 32000
	lb.Status.LoadBalancer.Ingress = []corev1.LoadBalancerIngress{{IP: "203.0.113.10"}}
	add(lb, Slice("ns2", "local", "local-1", http, EP{IP: "10.244.0.5", Node: NodeName}, EP{IP: "10.244.2.5", Node: "node-c"}))

	ext := Service("ns2", "extip", corev1.ServiceTypeClusterIP, "10.96.0.15", Port("https", tcp, 443, 0))
	ext.Spec.ExternalIPs = []string{"192.0.2.50"}
	add(ext, Slice("ns2", "extip", "extip-1", []discoveryv1.EndpointPort{SlicePort("https", tcp, 8443)}, EP{IP: "10.244.2.6"}))

	add(Service("ns2", "dns", corev1.ServiceTypeClusterIP, "10.96.0.16", Port("dns", udp, 53, 0), Port("dns-tcp", tcp, 53, 0)),
		Slice("ns2", "dns", "dns-1", []discoveryv1.EndpointPort{SlicePort("dns", udp, 5353), SlicePort("dns-tcp", tcp, 5353)},
			EP{IP: "10.244.2.7"}, EP{IP: "10.244.2.8"}))

	add(Service("ns2", "draining", corev1.ServiceTypeClusterIP, "10.96.0.17", Port("http", tcp, 80, 0)),
		Slice("ns2", "draining", "draining-1", http, EP{IP: "10.244.3.1", Terminating: true},
			EP{IP: "10.244.3.2", Terminating: true, NotServing: true}, EP{IP: "10.244.3.3", NotReady: true}))

	internal := Service("ns2", "internal-local", corev1.ServiceTypeClusterIP, "10.96.0.18", Port("http", tcp, 80, 0))
	internal.Spec.InternalTrafficPolicy = ptr(corev1.ServiceInternalTrafficPolicyLocal)
	add(internal, Slice("ns2", "internal-local", "internal-local-1", http, EP{IP: "10.244.3.4", Node: "node-b"}))

	// Malformed input: none of it may affect the services above.
	add(Service("ns3", "bad-ip", corev1.ServiceTypeClusterIP, "10.96.0.999", Port("http", tcp, 80, 0)),
		Slice("ns3", "bad-ip", "bad-ip-1", http, EP{IP: "10.244.4.1"}))
	add(Service("ns3", "missing-port", corev1.ServiceTypeClusterIP, "10.96.0.20", Port("metrics", tcp, 9090, 0)),
		Slice("ns3", "missing-port", "missing-port-1", http, EP{IP: "10.244.4.2"}))
	add(Service("ns3", "bad-addr", corev1.ServiceTypeClusterIP, "10.96.0.21", Port("http", tcp, 80, 0)),
		Slice("ns3", "bad-addr", "bad-addr-1", http, EP{IP: "not-an-ip"}, EP{IP: "10.244.4.3"}))
	unlabeled := Slice("ns3", "bad-addr", "unlabeled", http, EP{IP: "10.244.4.4"})
	delete(unlabeled.Labels, discoveryv1.LabelServiceName)
	c.Slices = append(c.Slices, unlabeled)
	return c
}

// Scale returns n ClusterIP services with eps ready endpoints each, spread
// over 10.96.0.0/12 and 10.128.0.0/9.
func Scale(n, eps int) Case {
	var c Case
	http := []discoveryv1.EndpointPort{SlicePort("http", corev1.ProtocolTCP, 8080)}
	for i := range n {
		name := fmt.Sprintf("svc-%05d", i)
		ip := fmt.Sprintf("10.%d.%d.%d", 96+i/65536, (i/256)%256, i%256)
		c.Services = append(c.Services, Service("bench", name, corev1.ServiceTypeClusterIP, ip, Port("http", corev1.ProtocolTCP, 80, 0)))
		var list []EP
		for j := range eps {
			k := i*eps + j
			list = append(list, EP{IP: fmt.Sprintf("10.%d.%d.%d", 128+k/65536, (k/256)%256, k%256), Node: "node-b"})
		}
		c.Slices = append(c.Slices, Slice("bench", name, name+"-1", http, list...))
	}
	return c
}

// IPv6 returns a small dual-stack case: one service with an IPv6 cluster
// IP next to an IPv4 one, and endpoints in both families.
func IPv6() Case {
	tcp := corev1.ProtocolTCP
	svc := Service("ns6", "web", corev1.ServiceTypeNodePort, "10.96.6.1", Port("http", tcp, 80, 30600))
	svc.Spec.ClusterIPs = []string{"10.96.6.1", "fd00:96::1"}
	http := []discoveryv1.EndpointPort{SlicePort("http", tcp, 8080)}
	v4 := Slice("ns6", "web", "web-v4", http, EP{IP: "10.244.6.1"})
	v6 := Slice("ns6", "web", "web-v6", http, EP{IP: "fd00:244::1"}, EP{IP: "fd00:244::2"})
	v6.AddressType = discoveryv1.AddressTypeIPv6
	return Case{Services: []*corev1.Service{svc}, Slices: []*discoveryv1.EndpointSlice{v4, v6}}
}

// LoadFamily is Load for one IP family.
func LoadFamily(c Case, family corev1.IPFamily) (*model.Tracker, *model.Result) {
	tr := model.NewTracker(model.Config{NodeName: NodeName, Family: family, Logger: Discard()})
	for _, s := range c.Services {
		tr.OnServiceUpdate(nil, s)
	}
	for _, s := range c.Slices {
		tr.OnEndpointSliceUpdate(nil, s)
	}
	return tr, tr.Update()
}

package model

import (
	"crypto/sha256"
	"encoding/base32"
	"net/netip"
	"slices"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/apimachinery/pkg/types"
)

// ServicePortName identifies one port of one Service.
type ServicePortName struct {
	types.NamespacedName
	Port     string
	Protocol corev1.Protocol
}

// String renders the name as ns/name:port (ns/name for an unnamed port).
func (n ServicePortName) String() string {
	if n.Port == "" {
		return n.Namespace + "/" + n.Name
	}
	return n.Namespace + "/" + n.Name + ":" + n.Port
}

// ServicePort is the proxy's view of one port of one Service.
type ServicePort struct {
	Name                ServicePortName
	ClusterIP           netip.Addr
	Port                int32
	Protocol            corev1.Protocol
	NodePort            int32
	ExternalIPs         []netip.Addr
	LoadBalancerIPs     []netip.Addr
	SessionAffinity     bool
	StickySeconds       int32
	ExternalPolicyLocal bool
	InternalPolicyLocal bool
	HealthCheckNodePort int32
}

// ExternallyAccessible reports whether traffic from outside the cluster can
// reach the port (NodePort, external IPs or load-balancer IPs).
func (s *ServicePort) ExternallyAccessible() bool {
	return s.NodePort > 0 || len(s.ExternalIPs) > 0 || len(s.LoadBalancerIPs) > 0
}

// Equal reports whether two ServicePorts program identical rules.
func (s *ServicePort) Equal(o *ServicePort) bool {
	if s == nil || o == nil {
		return s == o
	}
	return s.Name == o.Name && s.ClusterIP == o.ClusterIP && s.Port == o.Port &&
		s.Protocol == o.Protocol && s.NodePort == o.NodePort &&
		slices.Equal(s.ExternalIPs, o.ExternalIPs) && slices.Equal(s.LoadBalancerIPs, o.LoadBalancerIPs) &&
		s.SessionAffinity == o.SessionAffinity && s.StickySeconds == o.StickySeconds &&
		s.ExternalPolicyLocal == o.ExternalPolicyLocal && s.InternalPolicyLocal == o.InternalPolicyLocal &&
		s.HealthCheckNodePort == o.HealthCheckNodePort
}

// Endpoint is one backend address of a ServicePort.
type Endpoint struct {
	IP          netip.Addr
	Port        int32
	Ready       bool
	Serving     bool
	Terminating bool
	NodeName    string
	Zone        string
	IsLocal     bool
}

// String renders the endpoint as ip:port ([ip]:port for IPv6).
func (e Endpoint) String() string {
	return netip.AddrPortFrom(e.IP, uint16(e.Port)).String()
}

// ServiceMap holds every programmed ServicePort by name.
type ServiceMap map[ServicePortName]*ServicePort

// EndpointsMap holds the endpoints of every ServicePort, sorted by address.
type EndpointsMap map[ServicePortName][]Endpoint

// UsableEndpoints picks the endpoints traffic may go to: the ready ones (only
// local ones when localOnly), or, when none is ready, the serving
// terminating ones.
func UsableEndpoints(eps []Endpoint, localOnly bool) []Endpoint {
	var ready, terminating []Endpoint
	for _, ep := range eps {
		if localOnly && !ep.IsLocal {
			continue
		}
		switch {
		case ep.Ready:
			ready = append(ready, ep)
		case ep.Serving && ep.Terminating:
			terminating = append(terminating, ep)
		}
	}
	if len(ready) > 0 {
		return ready
	}
	return terminating
}

// Hash returns a stable 16-character base32 digest of parts, used to build
// chain names that fit the kernel's name length limits.
func Hash(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	var sum [sha256.Size]byte
	return base32.StdEncoding.EncodeToString(h.Sum(sum[:0]))[:16]
}

// Problem records one piece of input that was skipped and why.
type Problem struct {
	Object string
	Reason string
}

// String renders the problem for logs.
func (p Problem) String() string { return p.Object + ": " + p.Reason }

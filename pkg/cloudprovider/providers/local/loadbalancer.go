package local

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"

	corev1 "keel.dev/api/core/v1"
	cloudprovider "keel.dev/cloud-provider"
)

// portKey identifies one forwarded Service port.
type portKey struct {
	proto corev1.Protocol
	port  int32
}

// balancer is the running load balancer of one Service.
type balancer struct {
	ip    netip.Addr
	nodes nodeSet
	fwd   map[portKey]forwarder
}

func (b *balancer) close() {
	for k, f := range b.fwd {
		f.close()
		delete(b.fwd, k)
	}
}

func serviceKey(svc *corev1.Service) string { return svc.Namespace + "/" + svc.Name }

func lbStatus(ip netip.Addr) *corev1.LoadBalancerStatus {
	mode := corev1.LoadBalancerIPModeProxy
	return &corev1.LoadBalancerStatus{Ingress: []corev1.LoadBalancerIngress{{IP: ip.String(), IPMode: &mode}}}
}

// addressRank orders the node address types nodeHosts prefers.
var addressRank = map[corev1.NodeAddressType]int{corev1.NodeInternalIP: 3, corev1.NodeExternalIP: 2, corev1.NodeHostName: 1}

// nodeHosts returns one address per node: InternalIP, else ExternalIP, else
// Hostname; nodes without any are skipped.
func nodeHosts(nodes []*corev1.Node) []string {
	var hosts []string
	for _, n := range nodes {
		best, rank := "", 0
		for _, a := range n.Status.Addresses {
			r := addressRank[a.Type]
			if r > rank && a.Address != "" {
				best, rank = a.Address, r
			}
		}
		if best != "" {
			hosts = append(hosts, best)
		}
	}
	return hosts
}

// GetLoadBalancer reports the Service's assigned IP. After a restart the
// assignment exists before EnsureLoadBalancer has restarted its forwarders.
func (c *Cloud) GetLoadBalancer(_ context.Context, _ string, svc *corev1.Service) (*corev1.LoadBalancerStatus, bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	ip, ok := c.alloc.get(serviceKey(svc))
	if !ok {
		return nil, false, nil
	}
	return lbStatus(ip), true, nil
}

// GetLoadBalancerName returns cloudprovider.DefaultLoadBalancerName(svc).
func (c *Cloud) GetLoadBalancerName(_ context.Context, _ string, svc *corev1.Service) string {
	return cloudprovider.DefaultLoadBalancerName(svc)
}

// EnsureLoadBalancer assigns the Service its IP (spec.loadBalancerIP if it
// is in the range and free) and forwards each TCP and UDP port with a node
// port to the nodes. A port that cannot be bound fails the call; the other
// ports keep working and a retry binds the missing ones.
func (c *Cloud) EnsureLoadBalancer(_ context.Context, _ string, svc *corev1.Service, nodes []*corev1.Node) (*corev1.LoadBalancerStatus, error) {
	key := serviceKey(svc)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil, fmt.Errorf("local: ensure load balancer for %s: provider closed", key)
	}
	want, _ := netip.ParseAddr(svc.Spec.LoadBalancerIP)
	ip, err := c.alloc.allocate(key, string(svc.UID), want)
	if err != nil {
		return nil, fmt.Errorf("local: ensure load balancer for %s: %w", key, err)
	}
	b := c.balancers[key]
	if b == nil {
		b = &balancer{ip: ip, fwd: map[portKey]forwarder{}}
		c.balancers[key] = b
	}
	b.nodes.set(nodeHosts(nodes))

	desired := map[portKey]int32{}
	for _, p := range svc.Spec.Ports {
		proto := p.Protocol
		if proto == "" {
			proto = corev1.ProtocolTCP
		}
		if (proto == corev1.ProtocolTCP || proto == corev1.ProtocolUDP) && p.NodePort != 0 {
			desired[portKey{proto, p.Port}] = p.NodePort
		}
	}
	for k, f := range b.fwd {
		if _, ok := desired[k]; !ok {
			f.close()
			delete(b.fwd, k)
		}
	}
	var errs []error
	for k, nodePort := range desired {
		if f, ok := b.fwd[k]; ok {
			f.setNodePort(nodePort)
			continue
		}
		addr := net.JoinHostPort(ip.String(), strconv.Itoa(int(k.port)))
		var f forwarder
		var err error
		if k.proto == corev1.ProtocolUDP {
			f, err = listenUDP(addr, &b.nodes, nodePort)
		} else {
			f, err = listenTCP(addr, &b.nodes, nodePort)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("listen %s/%s: %w", addr, k.proto, err))
			continue
		}
		b.fwd[k] = f
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("local: ensure load balancer for %s: %w", key, err)
	}
	return lbStatus(ip), nil
}

// UpdateLoadBalancer replaces the nodes traffic is forwarded to.
func (c *Cloud) UpdateLoadBalancer(_ context.Context, _ string, svc *corev1.Service, nodes []*corev1.Node) error {
	key := serviceKey(svc)
	c.mu.Lock()
	defer c.mu.Unlock()
	b := c.balancers[key]
	if b == nil {
		return fmt.Errorf("local: update load balancer for %s: not running", key)
	}
	b.nodes.set(nodeHosts(nodes))
	return nil
}

// EnsureLoadBalancerDeleted stops the Service's forwarders and frees its IP.
func (c *Cloud) EnsureLoadBalancerDeleted(_ context.Context, _ string, svc *corev1.Service) error {
	key := serviceKey(svc)
	c.mu.Lock()
	defer c.mu.Unlock()
	if b := c.balancers[key]; b != nil {
		b.close()
		delete(c.balancers, key)
	}
	if err := c.alloc.release(key); err != nil {
		return fmt.Errorf("local: delete load balancer for %s: %w", key, err)
	}
	return nil
}

package fake

import (
	"context"
	"fmt"
	"slices"

	corev1 "keel.dev/api/core/v1"
	cloudprovider "keel.dev/cloud-provider"
)

// Balancer is the fake's record of one load balancer.
type Balancer struct {
	// Name is the load balancer name (DefaultLoadBalancerName).
	Name string
	// Service is the Service's namespace/name.
	Service string
	// IP is the assigned address.
	IP string
	// Nodes are the names of the nodes last given, in order.
	Nodes []string
	// Ports are the Service's ports at the last ensure.
	Ports []corev1.ServicePort
}

// Balancers returns copies of the current load balancers keyed by Service
// namespace/name.
func (c *Cloud) Balancers() map[string]Balancer {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[string]Balancer, len(c.balancers))
	for k, b := range c.balancers {
		cp := *b
		cp.Nodes = slices.Clone(b.Nodes)
		cp.Ports = slices.Clone(b.Ports)
		out[k] = cp
	}
	return out
}

func serviceKey(svc *corev1.Service) string { return svc.Namespace + "/" + svc.Name }

func copyNodes(nodes []*corev1.Node) []*corev1.Node {
	out := make([]*corev1.Node, len(nodes))
	for i, n := range nodes {
		out[i] = n.DeepCopy()
	}
	return out
}

func nodeNames(nodes []*corev1.Node) []string {
	out := make([]string, len(nodes))
	for i, n := range nodes {
		out[i] = n.Name
	}
	return out
}

func status(ip string) *corev1.LoadBalancerStatus {
	return &corev1.LoadBalancerStatus{Ingress: []corev1.LoadBalancerIngress{{IP: ip}}}
}

// GetLoadBalancer reports the Service's load balancer.
func (c *Cloud) GetLoadBalancer(ctx context.Context, clusterName string, svc *corev1.Service) (*corev1.LoadBalancerStatus, bool, error) {
	if err := c.begin(ctx, MethodGetLoadBalancer, clusterName, svc.DeepCopy()); err != nil {
		return nil, false, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	b, ok := c.balancers[serviceKey(svc)]
	if !ok {
		return nil, false, nil
	}
	return status(b.IP), true, nil
}

// GetLoadBalancerName returns DefaultLoadBalancerName(svc).
func (c *Cloud) GetLoadBalancerName(ctx context.Context, clusterName string, svc *corev1.Service) string {
	_ = c.begin(ctx, MethodGetLoadBalancerName, clusterName, svc.DeepCopy())
	return cloudprovider.DefaultLoadBalancerName(svc)
}

// EnsureLoadBalancer creates the load balancer with the next pool IP, or
// updates its nodes and ports.
func (c *Cloud) EnsureLoadBalancer(ctx context.Context, clusterName string, svc *corev1.Service, nodes []*corev1.Node) (*corev1.LoadBalancerStatus, error) {
	if err := c.begin(ctx, MethodEnsureLoadBalancer, clusterName, svc.DeepCopy(), copyNodes(nodes)); err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	key := serviceKey(svc)
	b, ok := c.balancers[key]
	if !ok {
		if len(c.ipPool) == 0 {
			return nil, fmt.Errorf("fake: ensure load balancer for %s: no free IP", key)
		}
		b = &Balancer{Name: cloudprovider.DefaultLoadBalancerName(svc), Service: key, IP: c.ipPool[0]}
		c.ipPool = c.ipPool[1:]
		c.balancers[key] = b
	}
	b.Nodes = nodeNames(nodes)
	b.Ports = slices.Clone(svc.Spec.Ports)
	return status(b.IP), nil
}

// UpdateLoadBalancer replaces the load balancer's nodes; it fails if the
// load balancer does not exist.
func (c *Cloud) UpdateLoadBalancer(ctx context.Context, clusterName string, svc *corev1.Service, nodes []*corev1.Node) error {
	if err := c.begin(ctx, MethodUpdateLoadBalancer, clusterName, svc.DeepCopy(), copyNodes(nodes)); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	b, ok := c.balancers[serviceKey(svc)]
	if !ok {
		return fmt.Errorf("fake: update load balancer for %s: not found", serviceKey(svc))
	}
	b.Nodes = nodeNames(nodes)
	return nil
}

// EnsureLoadBalancerDeleted removes the load balancer and returns its IP to
// the pool.
func (c *Cloud) EnsureLoadBalancerDeleted(ctx context.Context, clusterName string, svc *corev1.Service) error {
	if err := c.begin(ctx, MethodEnsureLoadBalancerDeleted, clusterName, svc.DeepCopy()); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	key := serviceKey(svc)
	if b, ok := c.balancers[key]; ok {
		c.ipPool = append(c.ipPool, b.IP)
		delete(c.balancers, key)
	}
	return nil
}

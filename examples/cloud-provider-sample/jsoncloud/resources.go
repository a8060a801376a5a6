package jsoncloud

import (
	"context"
	"fmt"
	"slices"
	"strings"

	corev1 "keel.dev/api/core/v1"
	cloudprovider "keel.dev/cloud-provider"
)

// machine finds the node's machine by provider ID, then by node name;
// c.mu must be held.
func (db *Database) machine(node *corev1.Node) (Machine, bool) {
	if id, ok := strings.CutPrefix(node.Spec.ProviderID, ProviderName+"://"); ok {
		for _, m := range db.Machines {
			if m.ID == id {
				return m, true
			}
		}
	}
	m, ok := db.Machines[node.Name]
	return m, ok
}

// InstanceExists reports whether the database lists the node's machine.
func (c *Cloud) InstanceExists(_ context.Context, node *corev1.Node) (bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	db, err := c.load()
	if err != nil {
		return false, err
	}
	_, ok := db.machine(node)
	return ok, nil
}

// InstanceShutdown reports whether the node's machine is not running.
func (c *Cloud) InstanceShutdown(_ context.Context, node *corev1.Node) (bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	db, err := c.load()
	if err != nil {
		return false, err
	}
	m, ok := db.machine(node)
	if !ok {
		return false, fmt.Errorf("sample-json: node %q: %w", node.Name, cloudprovider.ErrInstanceNotFound)
	}
	return !m.Running, nil
}

// InstanceMetadata describes the node's machine.
func (c *Cloud) InstanceMetadata(_ context.Context, node *corev1.Node) (*cloudprovider.InstanceMetadata, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	db, err := c.load()
	if err != nil {
		return nil, err
	}
	m, ok := db.machine(node)
	if !ok {
		return nil, fmt.Errorf("sample-json: node %q: %w", node.Name, cloudprovider.ErrInstanceNotFound)
	}
	return &cloudprovider.InstanceMetadata{
		ProviderID:    ProviderName + "://" + m.ID,
		InstanceType:  m.Type,
		NodeAddresses: slices.Clone(m.Addresses),
		Zone:          m.Zone,
		Region:        m.Region,
	}, nil
}

func lbStatus(ip string) *corev1.LoadBalancerStatus {
	return &corev1.LoadBalancerStatus{Ingress: []corev1.LoadBalancerIngress{{IP: ip}}}
}

func names(nodes []*corev1.Node) []string {
	out := make([]string, 0, len(nodes))
	for _, n := range nodes {
		out = append(out, n.Name)
	}
	return out
}

// GetLoadBalancer reports the Service's load balancer record.
func (c *Cloud) GetLoadBalancer(ctx context.Context, cluster string, svc *corev1.Service) (*corev1.LoadBalancerStatus, bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	db, err := c.load()
	if err != nil {
		return nil, false, err
	}
	lb, ok := db.LoadBalancers[c.GetLoadBalancerName(ctx, cluster, svc)]
	if !ok {
		return nil, false, nil
	}
	return lbStatus(lb.IP), true, nil
}

// GetLoadBalancerName returns the default name derived from the Service UID.
func (c *Cloud) GetLoadBalancerName(_ context.Context, _ string, svc *corev1.Service) string {
	return cloudprovider.DefaultLoadBalancerName(svc)
}

// EnsureLoadBalancer creates or updates the Service's record, taking an IP
// from freeIPs for a new one.
func (c *Cloud) EnsureLoadBalancer(ctx context.Context, cluster string, svc *corev1.Service, nodes []*corev1.Node) (*corev1.LoadBalancerStatus, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	db, err := c.load()
	if err != nil {
		return nil, err
	}
	name := c.GetLoadBalancerName(ctx, cluster, svc)
	lb, ok := db.LoadBalancers[name]
	if !ok {
		if len(db.FreeIPs) == 0 {
			return nil, fmt.Errorf("sample-json: load balancer %s: no free IPs", name)
		}
		lb = LoadBalancerRecord{Service: svc.Namespace + "/" + svc.Name, IP: db.FreeIPs[0]}
		db.FreeIPs = db.FreeIPs[1:]
	}
	lb.Nodes = names(nodes)
	db.LoadBalancers[name] = lb
	if err := c.save(db); err != nil {
		return nil, err
	}
	return lbStatus(lb.IP), nil
}

// UpdateLoadBalancer replaces the record's nodes.
func (c *Cloud) UpdateLoadBalancer(ctx context.Context, cluster string, svc *corev1.Service, nodes []*corev1.Node) error {
	_, err := c.EnsureLoadBalancer(ctx, cluster, svc, nodes)
	return err
}

// EnsureLoadBalancerDeleted removes the record and frees its IP.
func (c *Cloud) EnsureLoadBalancerDeleted(ctx context.Context, cluster string, svc *corev1.Service) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	db, err := c.load()
	if err != nil {
		return err
	}
	name := c.GetLoadBalancerName(ctx, cluster, svc)
	lb, ok := db.LoadBalancers[name]
	if !ok {
		return nil
	}
	delete(db.LoadBalancers, name)
	db.FreeIPs = append(db.FreeIPs, lb.IP)
	return c.save(db)
}

package cloudtest

import (
	"context"
	"fmt"
	"slices"
	"sync"

	corev1 "keel.dev/api/core/v1"

	cloudprovider "keel.dev/cloud-provider"
)

// Instance is a machine of the test cloud.
type Instance struct {
	Metadata cloudprovider.InstanceMetadata
	Shutdown bool
}

// Cloud implements cloudprovider.Interface; all fields are guarded by the
// methods, configure it with the setters.
type Cloud struct {
	// NoRoutes and NoLoadBalancer disable those capabilities.
	NoRoutes, NoLoadBalancer bool

	mu        sync.Mutex
	calls     []string
	errs      map[string][]error
	instances map[string]*Instance
	balancers map[string][]string // service key -> node names
	nextIP    int
	routes    map[string]*cloudprovider.Route // name -> route
}

var _ cloudprovider.Interface = (*Cloud)(nil)

// New returns an empty test cloud.
func New() *Cloud {
	return &Cloud{errs: map[string][]error{}, instances: map[string]*Instance{},
		balancers: map[string][]string{}, routes: map[string]*cloudprovider.Route{}}
}

// AddInstance adds or replaces the instance of the named node.
func (c *Cloud) AddInstance(node string, inst Instance) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.instances[node] = &inst
}

// RemoveInstance deletes the instance of the named node.
func (c *Cloud) RemoveInstance(node string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.instances, node)
}

// FailNext makes the next len(errs) calls of method return errs in order.
func (c *Cloud) FailNext(method string, errs ...error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.errs[method] = append(c.errs[method], errs...)
}

// Calls returns the names of the methods called so far, in order.
func (c *Cloud) Calls() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.calls)
}

// CallCount returns how often method was called.
func (c *Cloud) CallCount(method string) int {
	n := 0
	for _, m := range c.Calls() {
		if m == method {
			n++
		}
	}
	return n
}

// Balancer returns the node names of the Service's load balancer.
func (c *Cloud) Balancer(namespace, name string) ([]string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	n, ok := c.balancers[namespace+"/"+name]
	return slices.Clone(n), ok
}

// RouteList returns a copy of the routes, sorted by name.
func (c *Cloud) RouteList() []cloudprovider.Route {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []cloudprovider.Route
	for _, r := range c.routes {
		out = append(out, *r)
	}
	slices.SortFunc(out, func(a, b cloudprovider.Route) int { return cmpString(a.Name, b.Name) })
	return out
}

// AddRoute adds a route directly, as if created earlier.
func (c *Cloud) AddRoute(r cloudprovider.Route) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.routes[r.Name] = &r
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// call records method and pops its next configured error; mu must be held.
func (c *Cloud) call(method string) error {
	c.calls = append(c.calls, method)
	if q := c.errs[method]; len(q) > 0 {
		c.errs[method] = q[1:]
		return q[0]
	}
	return nil
}

// Initialize records the call.
func (c *Cloud) Initialize(context.Context, cloudprovider.ClientBuilder) {
	c.mu.Lock()
	defer c.mu.Unlock()
	_ = c.call("Initialize")
}

// LoadBalancer returns c unless NoLoadBalancer.
func (c *Cloud) LoadBalancer() (cloudprovider.LoadBalancer, bool) { return c, !c.NoLoadBalancer }

// Instances returns c.
func (c *Cloud) Instances() (cloudprovider.Instances, bool) { return c, true }

// Zones is not supported.
func (c *Cloud) Zones() (cloudprovider.Zones, bool) { return nil, false }

// Clusters is not supported.
func (c *Cloud) Clusters() (cloudprovider.Clusters, bool) { return nil, false }

// Routes returns c unless NoRoutes.
func (c *Cloud) Routes() (cloudprovider.Routes, bool) { return c, !c.NoRoutes }

// ProviderName returns "cloudtest".
func (c *Cloud) ProviderName() string { return "cloudtest" }

// HasClusterID returns false.
func (c *Cloud) HasClusterID() bool { return false }

// InstanceExists reports whether the node has an instance.
func (c *Cloud) InstanceExists(_ context.Context, node *corev1.Node) (bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.call("InstanceExists"); err != nil {
		return false, err
	}
	_, ok := c.instances[node.Name]
	return ok, nil
}

// InstanceShutdown reports whether the node's instance is shut down.
func (c *Cloud) InstanceShutdown(_ context.Context, node *corev1.Node) (bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.call("InstanceShutdown"); err != nil {
		return false, err
	}
	inst, ok := c.instances[node.Name]
	if !ok {
		return false, fmt.Errorf("node %s: %w", node.Name, cloudprovider.ErrInstanceNotFound)
	}
	return inst.Shutdown, nil
}

// InstanceMetadata returns the node's instance metadata.
func (c *Cloud) InstanceMetadata(_ context.Context, node *corev1.Node) (*cloudprovider.InstanceMetadata, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.call("InstanceMetadata"); err != nil {
		return nil, err
	}
	inst, ok := c.instances[node.Name]
	if !ok {
		return nil, fmt.Errorf("node %s: %w", node.Name, cloudprovider.ErrInstanceNotFound)
	}
	md := inst.Metadata
	md.NodeAddresses = slices.Clone(md.NodeAddresses)
	return &md, nil
}

// GetLoadBalancer reports the Service's load balancer.
func (c *Cloud) GetLoadBalancer(_ context.Context, _ string, svc *corev1.Service) (*corev1.LoadBalancerStatus, bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.call("GetLoadBalancer"); err != nil {
		return nil, false, err
	}
	_, ok := c.balancers[svc.Namespace+"/"+svc.Name]
	return nil, ok, nil
}

// GetLoadBalancerName returns the default name.
func (c *Cloud) GetLoadBalancerName(_ context.Context, _ string, svc *corev1.Service) string {
	return cloudprovider.DefaultLoadBalancerName(svc)
}

func nodeNames(nodes []*corev1.Node) []string {
	names := make([]string, 0, len(nodes))
	for _, n := range nodes {
		names = append(names, n.Name)
	}
	slices.Sort(names)
	return names
}

// EnsureLoadBalancer records the nodes and hands out 203.0.113.<n>.
func (c *Cloud) EnsureLoadBalancer(_ context.Context, _ string, svc *corev1.Service, nodes []*corev1.Node) (*corev1.LoadBalancerStatus, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.call("EnsureLoadBalancer"); err != nil {
		return nil, err
	}
	key := svc.Namespace + "/" + svc.Name
	if _, ok := c.balancers[key]; !ok {
		c.nextIP++
	}
	c.balancers[key] = nodeNames(nodes)
	return &corev1.LoadBalancerStatus{Ingress: []corev1.LoadBalancerIngress{{IP: fmt.Sprintf("203.0.113.%d", c.nextIP)}}}, nil
}

// UpdateLoadBalancer records the nodes of an existing balancer.
func (c *Cloud) UpdateLoadBalancer(_ context.Context, _ string, svc *corev1.Service, nodes []*corev1.Node) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.call("UpdateLoadBalancer"); err != nil {
		return err
	}
	key := svc.Namespace + "/" + svc.Name
	if _, ok := c.balancers[key]; !ok {
		return fmt.Errorf("no load balancer for %s", key)
	}
	c.balancers[key] = nodeNames(nodes)
	return nil
}

// EnsureLoadBalancerDeleted forgets the Service's balancer.
func (c *Cloud) EnsureLoadBalancerDeleted(_ context.Context, _ string, svc *corev1.Service) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.call("EnsureLoadBalancerDeleted"); err != nil {
		return err
	}
	delete(c.balancers, svc.Namespace+"/"+svc.Name)
	return nil
}

// ListRoutes returns copies of the routes.
func (c *Cloud) ListRoutes(context.Context, string) ([]*cloudprovider.Route, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.call("ListRoutes"); err != nil {
		return nil, err
	}
	var out []*cloudprovider.Route
	for _, r := range c.routes {
		cp := *r
		out = append(out, &cp)
	}
	return out, nil
}

// CreateRoute stores route under nameHint.
func (c *Cloud) CreateRoute(_ context.Context, _ string, nameHint string, route *cloudprovider.Route) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.call("CreateRoute"); err != nil {
		return err
	}
	cp := *route
	cp.Name = nameHint + "-" + route.DestinationCIDR
	c.routes[cp.Name] = &cp
	return nil
}

// DeleteRoute removes the route.
func (c *Cloud) DeleteRoute(_ context.Context, _ string, route *cloudprovider.Route) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.call("DeleteRoute"); err != nil {
		return err
	}
	delete(c.routes, route.Name)
	return nil
}

package local

import (
	"context"
	"fmt"
	"io"
	"maps"
	"slices"
	"sync"

	cloudprovider "keel.dev/cloud-provider"
)

// ProviderName is the name the provider registers under.
const ProviderName = "local"

func init() {
	cloudprovider.MustRegisterCloudProvider(ProviderName, func(config io.Reader) (cloudprovider.Interface, error) {
		cfg, err := ParseConfig(config)
		if err != nil {
			return nil, err
		}
		return New(cfg)
	})
}

// Cloud is the local provider. It is safe for concurrent use; Close (or the
// end of the context given to Initialize) stops every forwarder.
type Cloud struct {
	cfg Config

	mu        sync.Mutex
	alloc     *allocator
	balancers map[string]*balancer
	routes    map[string]cloudprovider.Route
	closed    bool
}

var _ cloudprovider.Interface = (*Cloud)(nil)

// New builds the provider from cfg, loading IP assignments from its state
// file. Forwarders are started by EnsureLoadBalancer, not by New.
func New(cfg *Config) (*Cloud, error) {
	c := *cfg
	if c.LoadBalancerRange == "" {
		c.LoadBalancerRange = DefaultRange
	}
	rng, err := parseRange(c.LoadBalancerRange)
	if err != nil {
		return nil, err
	}
	alloc, err := newAllocator(rng, c.StateFile)
	if err != nil {
		return nil, err
	}
	return &Cloud{cfg: c, alloc: alloc, balancers: map[string]*balancer{}, routes: map[string]cloudprovider.Route{}}, nil
}

// Initialize ties the forwarders' lifetime to ctx.
func (c *Cloud) Initialize(ctx context.Context, _ cloudprovider.ClientBuilder) {
	go func() {
		<-ctx.Done()
		c.Close()
	}()
}

// Close stops every forwarder; IP assignments stay in the state file. Later
// EnsureLoadBalancer calls fail.
func (c *Cloud) Close() {
	c.mu.Lock()
	c.closed = true
	bs := slices.Collect(maps.Values(c.balancers))
	c.balancers = map[string]*balancer{}
	c.mu.Unlock()
	for _, b := range bs {
		b.close()
	}
}

// LoadBalancer returns the provider itself.
func (c *Cloud) LoadBalancer() (cloudprovider.LoadBalancer, bool) { return c, true }

// Instances returns the provider itself.
func (c *Cloud) Instances() (cloudprovider.Instances, bool) { return c, true }

// Zones returns the provider itself.
func (c *Cloud) Zones() (cloudprovider.Zones, bool) { return c, true }

// Clusters is not supported: there is one machine and one cluster.
func (c *Cloud) Clusters() (cloudprovider.Clusters, bool) { return nil, false }

// Routes returns the provider itself.
func (c *Cloud) Routes() (cloudprovider.Routes, bool) { return c, true }

// ProviderName returns "local".
func (c *Cloud) ProviderName() string { return ProviderName }

// HasClusterID returns false: the machine hosts one cluster.
func (c *Cloud) HasClusterID() bool { return false }

// ListRoutes returns the recorded routes, sorted by name.
func (c *Cloud) ListRoutes(_ context.Context, _ string) ([]*cloudprovider.Route, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []*cloudprovider.Route
	for _, name := range slices.Sorted(maps.Keys(c.routes)) {
		r := c.routes[name]
		out = append(out, &r)
	}
	return out, nil
}

// CreateRoute records route under clusterName-nameHint; nothing is
// programmed because every pod CIDR is local to the one machine.
func (c *Cloud) CreateRoute(_ context.Context, clusterName, nameHint string, route *cloudprovider.Route) error {
	if route == nil {
		return fmt.Errorf("local: create route: nil route")
	}
	r := *route
	r.Name = clusterName + "-" + nameHint
	r.Blackhole = false
	c.mu.Lock()
	defer c.mu.Unlock()
	c.routes[r.Name] = r
	return nil
}

// DeleteRoute forgets the route named route.Name.
func (c *Cloud) DeleteRoute(_ context.Context, _ string, route *cloudprovider.Route) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.routes, route.Name)
	return nil
}

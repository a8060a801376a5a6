package fake

import (
	"context"
	"fmt"
	"maps"
	"slices"

	cloudprovider "keel.dev/cloud-provider"
)

// AddRoute adds a route as if it pre-existed in the cloud (keyed by Name).
func (c *Cloud) AddRoute(r cloudprovider.Route) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.routes[r.Name] = &r
}

// ListRoutes returns copies of the routes, sorted by name.
func (c *Cloud) ListRoutes(ctx context.Context, clusterName string) ([]*cloudprovider.Route, error) {
	if err := c.begin(ctx, MethodListRoutes, clusterName); err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []*cloudprovider.Route
	for _, name := range slices.Sorted(maps.Keys(c.routes)) {
		r := *c.routes[name]
		out = append(out, &r)
	}
	return out, nil
}

// CreateRoute stores route under clusterName-nameHint.
func (c *Cloud) CreateRoute(ctx context.Context, clusterName, nameHint string, route *cloudprovider.Route) error {
	r := *route
	if err := c.begin(ctx, MethodCreateRoute, clusterName, nameHint, r); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	r.Name = clusterName + "-" + nameHint
	r.Blackhole = false
	c.routes[r.Name] = &r
	return nil
}

// DeleteRoute removes the route with route.Name; a missing route is fine.
func (c *Cloud) DeleteRoute(ctx context.Context, clusterName string, route *cloudprovider.Route) error {
	if err := c.begin(ctx, MethodDeleteRoute, clusterName, *route); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.routes, route.Name)
	return nil
}

// AddCluster adds a cluster with its control plane address.
func (c *Cloud) AddCluster(name, master string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.clusters[name] = master
}

// ListClusters returns the cluster names, sorted.
func (c *Cloud) ListClusters(ctx context.Context) ([]string, error) {
	if err := c.begin(ctx, MethodListClusters); err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Sorted(maps.Keys(c.clusters)), nil
}

// Master returns the control plane address of clusterName.
func (c *Cloud) Master(ctx context.Context, clusterName string) (string, error) {
	if err := c.begin(ctx, MethodMaster, clusterName); err != nil {
		return "", err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	m, ok := c.clusters[clusterName]
	if !ok {
		return "", fmt.Errorf("fake: cluster %q not found", clusterName)
	}
	return m, nil
}

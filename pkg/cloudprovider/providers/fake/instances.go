package fake

import (
	"context"
	"fmt"
	"maps"
	"slices"

	corev1 "keel.dev/api/core/v1"
	cloudprovider "keel.dev/cloud-provider"
)

// Instance is a machine of the fake cloud.
type Instance struct {
	// Metadata is returned by InstanceMetadata.
	Metadata cloudprovider.InstanceMetadata
	// Shutdown is returned by InstanceShutdown.
	Shutdown bool
}

// AddInstance adds or replaces the instance of nodeName.
func (c *Cloud) AddInstance(nodeName string, inst Instance) {
	c.mu.Lock()
	defer c.mu.Unlock()
	inst.Metadata.NodeAddresses = slices.Clone(inst.Metadata.NodeAddresses)
	c.instances[nodeName] = &inst
}

// RemoveInstance deletes the instance of nodeName.
func (c *Cloud) RemoveInstance(nodeName string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.instances, nodeName)
}

// SetShutdown marks the instance of nodeName as shut down or running.
func (c *Cloud) SetShutdown(nodeName string, shutdown bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if inst, ok := c.instances[nodeName]; ok {
		inst.Shutdown = shutdown
	}
}

// lookup finds the node's instance by provider ID, then by name. c.mu must
// be held.
func (c *Cloud) lookup(node *corev1.Node) (*Instance, bool) {
	if id := node.Spec.ProviderID; id != "" {
		for _, name := range slices.Sorted(maps.Keys(c.instances)) {
			if inst := c.instances[name]; inst.Metadata.ProviderID == id {
				return inst, true
			}
		}
	}
	inst, ok := c.instances[node.Name]
	return inst, ok
}

// InstanceExists reports whether the node has an instance.
func (c *Cloud) InstanceExists(ctx context.Context, node *corev1.Node) (bool, error) {
	if err := c.begin(ctx, MethodInstanceExists, node.DeepCopy()); err != nil {
		return false, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	_, ok := c.lookup(node)
	return ok, nil
}

// InstanceShutdown reports whether the node's instance is shut down; a
// missing instance is an error wrapping ErrInstanceNotFound.
func (c *Cloud) InstanceShutdown(ctx context.Context, node *corev1.Node) (bool, error) {
	if err := c.begin(ctx, MethodInstanceShutdown, node.DeepCopy()); err != nil {
		return false, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	inst, ok := c.lookup(node)
	if !ok {
		return false, fmt.Errorf("fake: node %q: %w", node.Name, cloudprovider.ErrInstanceNotFound)
	}
	return inst.Shutdown, nil
}

// InstanceMetadata returns a copy of the node's instance metadata.
func (c *Cloud) InstanceMetadata(ctx context.Context, node *corev1.Node) (*cloudprovider.InstanceMetadata, error) {
	if err := c.begin(ctx, MethodInstanceMetadata, node.DeepCopy()); err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	inst, ok := c.lookup(node)
	if !ok {
		return nil, fmt.Errorf("fake: node %q: %w", node.Name, cloudprovider.ErrInstanceNotFound)
	}
	md := inst.Metadata
	md.NodeAddresses = slices.Clone(md.NodeAddresses)
	return &md, nil
}

// SetZone sets the zone GetZone returns.
func (c *Cloud) SetZone(z cloudprovider.Zone) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.zone = z
}

// GetZone returns the zone set with SetZone.
func (c *Cloud) GetZone(ctx context.Context) (cloudprovider.Zone, error) {
	if err := c.begin(ctx, MethodGetZone); err != nil {
		return cloudprovider.Zone{}, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.zone, nil
}

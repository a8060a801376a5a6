package local

import (
	"context"
	"maps"
	"slices"

	corev1 "keel.dev/api/core/v1"
	cloudprovider "keel.dev/cloud-provider"
)

// instance returns the config entry of node, matched by provider ID first
// and node name second; nodes not in the config get a default entry.
func (c *Cloud) instance(node *corev1.Node) Instance {
	if id := node.Spec.ProviderID; id != "" {
		for _, name := range slices.Sorted(maps.Keys(c.cfg.Instances)) {
			if inst := c.cfg.Instances[name]; inst.ProviderID == id {
				return c.withDefaults(name, inst, node)
			}
		}
	}
	return c.withDefaults(node.Name, c.cfg.Instances[node.Name], node)
}

func (c *Cloud) withDefaults(name string, inst Instance, node *corev1.Node) Instance {
	if inst.ProviderID == "" {
		inst.ProviderID = ProviderName + "://" + name
	}
	if inst.Zone == "" {
		inst.Zone = c.cfg.Zone
	}
	if inst.Region == "" {
		inst.Region = c.cfg.Region
	}
	if len(inst.Addresses) == 0 {
		inst.Addresses = node.Status.Addresses
	}
	inst.Addresses = slices.Clone(inst.Addresses)
	return inst
}

// InstanceExists returns true: every node runs on this machine.
func (c *Cloud) InstanceExists(context.Context, *corev1.Node) (bool, error) { return true, nil }

// InstanceShutdown reports the instance's configured shutdown flag.
func (c *Cloud) InstanceShutdown(_ context.Context, node *corev1.Node) (bool, error) {
	return c.instance(node).Shutdown, nil
}

// InstanceMetadata returns the node's configured (or default) metadata.
func (c *Cloud) InstanceMetadata(_ context.Context, node *corev1.Node) (*cloudprovider.InstanceMetadata, error) {
	inst := c.instance(node)
	return &cloudprovider.InstanceMetadata{
		ProviderID:    inst.ProviderID,
		InstanceType:  inst.InstanceType,
		NodeAddresses: inst.Addresses,
		Zone:          inst.Zone,
		Region:        inst.Region,
	}, nil
}

// GetZone returns the configured zone and region of the machine.
func (c *Cloud) GetZone(context.Context) (cloudprovider.Zone, error) {
	return cloudprovider.Zone{FailureDomain: c.cfg.Zone, Region: c.cfg.Region}, nil
}

package app

import (
	"fmt"

	"github.com/spf13/pflag"

	"keel.dev/keel/pkg/controller/nodelifecycle"
)

// NodeLifecycleOptions are the node lifecycle controller's eviction flags.
type NodeLifecycleOptions struct {
	// NodeEvictionRate is the NoExecute taints per second in a healthy zone.
	NodeEvictionRate float32
	// SecondaryNodeEvictionRate applies to partially disrupted large zones.
	SecondaryNodeEvictionRate float32
	// UnhealthyZoneThreshold is the share of not-Ready nodes that disrupts a zone.
	UnhealthyZoneThreshold float32
	// LargeClusterSizeThreshold is the zone size above which the secondary rate is used.
	LargeClusterSizeThreshold int32
}

// defaultNodeLifecycleOptions returns the Kubernetes defaults.
func defaultNodeLifecycleOptions() NodeLifecycleOptions {
	return NodeLifecycleOptions{
		NodeEvictionRate:          nodelifecycle.DefaultEvictionRate,
		SecondaryNodeEvictionRate: nodelifecycle.DefaultSecondaryEvictionRate,
		UnhealthyZoneThreshold:    nodelifecycle.DefaultUnhealthyZoneThreshold,
		LargeClusterSizeThreshold: nodelifecycle.DefaultLargeClusterSizeThreshold,
	}
}

func (o *NodeLifecycleOptions) addFlags(fs *pflag.FlagSet) {
	fs.Float32Var(&o.NodeEvictionRate, "node-eviction-rate", o.NodeEvictionRate, "Nodes per second that get NoExecute taints (and so lose their pods) in a healthy zone.")
	fs.Float32Var(&o.SecondaryNodeEvictionRate, "secondary-node-eviction-rate", o.SecondaryNodeEvictionRate, "Nodes per second that get NoExecute taints in an unhealthy zone of more than --large-cluster-size-threshold nodes; smaller unhealthy zones get none.")
	fs.Float32Var(&o.UnhealthyZoneThreshold, "unhealthy-zone-threshold", o.UnhealthyZoneThreshold, "Share of not-Ready nodes (at least 3) that makes a zone unhealthy.")
	fs.Int32Var(&o.LargeClusterSizeThreshold, "large-cluster-size-threshold", o.LargeClusterSizeThreshold, "Zone size above which an unhealthy zone still evicts, at --secondary-node-eviction-rate.")
}

// validate checks the ranges.
func (o *NodeLifecycleOptions) validate() error {
	switch {
	case o.NodeEvictionRate <= 0:
		return fmt.Errorf("--node-eviction-rate must be positive")
	case o.SecondaryNodeEvictionRate < 0:
		return fmt.Errorf("--secondary-node-eviction-rate must not be negative")
	case o.UnhealthyZoneThreshold <= 0 || o.UnhealthyZoneThreshold > 1:
		return fmt.Errorf("--unhealthy-zone-threshold must be in (0, 1]")
	case o.LargeClusterSizeThreshold < 0:
		return fmt.Errorf("--large-cluster-size-threshold must not be negative")
	}
	return nil
}

// apply copies the flags into the controller options.
func (o *NodeLifecycleOptions) apply(opts *nodelifecycle.Options) {
	opts.EvictionRate = float64(o.NodeEvictionRate)
	opts.SecondaryEvictionRate = float64(o.SecondaryNodeEvictionRate)
	if opts.SecondaryEvictionRate == 0 {
		opts.SecondaryEvictionRate = -1 // zero means none, not the default
	}
	opts.UnhealthyZoneThreshold = float64(o.UnhealthyZoneThreshold)
	opts.LargeClusterSizeThreshold = int(o.LargeClusterSizeThreshold)
}

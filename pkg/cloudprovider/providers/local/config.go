package local

import (
	"fmt"
	"io"
	"net/netip"

	"sigs.k8s.io/yaml"

	corev1 "keel.dev/api/core/v1"
)

// DefaultRange is the load balancer range used when the config sets none.
const DefaultRange = "127.0.100.0/24"

// Config is the local provider's configuration file.
type Config struct {
	// LoadBalancerRange is the CIDR load balancer IPs are taken from.
	LoadBalancerRange string `json:"loadBalancerRange,omitempty"`
	// StateFile keeps IP assignments across restarts; empty keeps them in
	// memory only.
	StateFile string `json:"stateFile,omitempty"`
	// Zone and Region describe this machine (Zones.GetZone) and are the
	// defaults of instances that set none.
	Zone   string `json:"zone,omitempty"`
	Region string `json:"region,omitempty"`
	// Instances describes nodes by node name.
	Instances map[string]Instance `json:"instances,omitempty"`
}

// Instance describes the machine behind one node.
type Instance struct {
	ProviderID   string               `json:"providerID,omitempty"`
	InstanceType string               `json:"instanceType,omitempty"`
	Zone         string               `json:"zone,omitempty"`
	Region       string               `json:"region,omitempty"`
	Addresses    []corev1.NodeAddress `json:"addresses,omitempty"`
	// Shutdown reports the machine as shut down (to exercise the node
	// lifecycle controller).
	Shutdown bool `json:"shutdown,omitempty"`
}

// ParseConfig reads a Config from r (nil gives the defaults), applies
// defaults and validates it.
func ParseConfig(r io.Reader) (*Config, error) {
	cfg := &Config{}
	if r != nil {
		data, err := io.ReadAll(r)
		if err != nil {
			return nil, fmt.Errorf("read local cloud config: %w", err)
		}
		if err := yaml.UnmarshalStrict(data, cfg); err != nil {
			return nil, fmt.Errorf("parse local cloud config: %w", err)
		}
	}
	if cfg.LoadBalancerRange == "" {
		cfg.LoadBalancerRange = DefaultRange
	}
	if _, err := parseRange(cfg.LoadBalancerRange); err != nil {
		return nil, err
	}
	return cfg, nil
}

// parseRange parses a CIDR and checks it holds at least one usable address.
func parseRange(cidr string) (netip.Prefix, error) {
	p, err := netip.ParsePrefix(cidr)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("loadBalancerRange %q: %w", cidr, err)
	}
	p = p.Masked()
	if !firstUsable(p).IsValid() {
		return netip.Prefix{}, fmt.Errorf("loadBalancerRange %q has no usable address", cidr)
	}
	return p, nil
}

// firstUsable returns the first address of p, skipping the network address
// of ranges larger than two addresses.
func firstUsable(p netip.Prefix) netip.Addr {
	a := p.Addr()
	if p.Addr().BitLen()-p.Bits() >= 2 {
		a = a.Next()
	}
	if !p.Contains(a) {
		return netip.Addr{}
	}
	return a
}

// usable reports whether a is in p and is neither its network nor its IPv4
// broadcast address (for ranges larger than two addresses).
func usable(p netip.Prefix, a netip.Addr) bool {
	if !p.Contains(a) || a.BitLen() != p.Addr().BitLen() {
		return false
	}
	if p.Addr().BitLen()-p.Bits() < 2 {
		return true
	}
	if a == p.Addr() {
		return false
	}
	return !(a.Is4() && !p.Contains(a.Next()))
}

package cloudprovider

import (
	"context"
	"fmt"

	"keel.dev/client/rest"
	"keel.dev/client/typed"
)

// Interface is a cloud provider. Each capability is reached through an
// accessor that reports whether the provider supports it.
type Interface interface {
	// Initialize is called once by the cloud-controller-manager after the
	// provider is built and before any controller starts. clients builds
	// API clients for the provider's own use; work the provider starts in
	// the background must stop when ctx is done.
	Initialize(ctx context.Context, clients ClientBuilder)
	// LoadBalancer returns the load balancer capability, if supported.
	LoadBalancer() (LoadBalancer, bool)
	// Instances returns the instance capability, if supported.
	Instances() (Instances, bool)
	// Zones returns the zone capability, if supported.
	Zones() (Zones, bool)
	// Clusters returns the cluster listing capability, if supported.
	Clusters() (Clusters, bool)
	// Routes returns the route capability, if supported.
	Routes() (Routes, bool)
	// ProviderName returns the name the provider is registered under.
	ProviderName() string
	// HasClusterID reports whether the provider tags its resources with a
	// cluster ID, so several clusters can share one cloud account.
	HasClusterID() bool
}

// ClientBuilder builds API clients for a named controller or component; the
// name typically ends up in the user agent so requests can be told apart.
type ClientBuilder interface {
	// Config returns a REST config for the named user of the API.
	Config(name string) (*rest.Config, error)
	// Client returns a clientset for the named user of the API.
	Client(name string) (*typed.Clientset, error)
}

// SimpleClientBuilder hands out copies of one REST config whose user agent
// is suffixed with the requested name.
type SimpleClientBuilder struct {
	// Base is the config copied for every request; it is not modified.
	Base *rest.Config
}

var _ ClientBuilder = SimpleClientBuilder{}

// Config returns a copy of Base with name appended to the user agent.
func (b SimpleClientBuilder) Config(name string) (*rest.Config, error) {
	if b.Base == nil {
		return nil, ErrNoClientConfig
	}
	cfg := rest.CopyConfig(b.Base)
	switch {
	case name == "":
	case cfg.UserAgent == "":
		cfg.UserAgent = name
	default:
		cfg.UserAgent += "/" + name
	}
	return cfg, nil
}

// Client returns a clientset built from Config(name).
func (b SimpleClientBuilder) Client(name string) (*typed.Clientset, error) {
	cfg, err := b.Config(name)
	if err != nil {
		return nil, err
	}
	cs, err := typed.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("clientset for %q: %w", name, err)
	}
	return cs, nil
}

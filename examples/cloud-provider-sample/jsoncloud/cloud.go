package jsoncloud

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"

	corev1 "keel.dev/api/core/v1"
	cloudprovider "keel.dev/cloud-provider"
)

// ProviderName is the name the sample registers under.
const ProviderName = "sample-json"

func init() {
	cloudprovider.MustRegisterCloudProvider(ProviderName, Factory)
}

// Config is the provider's --cloud-config file (JSON).
type Config struct {
	// Database is the path of the JSON file acting as the cloud.
	Database string `json:"database"`
	// Zone and Region are those of the machine running the controller.
	Zone   string `json:"zone"`
	Region string `json:"region"`
}

// Database is the content of the cloud's JSON file.
type Database struct {
	// Machines by node name.
	Machines map[string]Machine `json:"machines"`
	// LoadBalancers by load balancer name.
	LoadBalancers map[string]LoadBalancerRecord `json:"loadBalancers"`
	// FreeIPs are handed out to new load balancers in order.
	FreeIPs []string `json:"freeIPs"`
}

// Machine is one instance of the cloud.
type Machine struct {
	ID        string               `json:"id"`
	Type      string               `json:"type"`
	Zone      string               `json:"zone"`
	Region    string               `json:"region"`
	Running   bool                 `json:"running"`
	Addresses []corev1.NodeAddress `json:"addresses"`
}

// LoadBalancerRecord is one load balancer of the cloud.
type LoadBalancerRecord struct {
	Service string   `json:"service"`
	IP      string   `json:"ip"`
	Nodes   []string `json:"nodes"`
}

// Cloud is the sample provider. It implements LoadBalancer, Instances and
// Zones; Routes and Clusters are not supported.
type Cloud struct {
	cfg Config
	mu  sync.Mutex // serialises read-modify-write of the database file
}

var _ cloudprovider.Interface = (*Cloud)(nil)

// Factory builds the provider from its JSON config.
func Factory(config io.Reader) (cloudprovider.Interface, error) {
	if config == nil {
		return nil, errors.New("sample-json: --cloud-config is required")
	}
	var cfg Config
	if err := json.NewDecoder(config).Decode(&cfg); err != nil {
		return nil, fmt.Errorf("sample-json: parse config: %w", err)
	}
	if cfg.Database == "" {
		return nil, errors.New("sample-json: config needs a database path")
	}
	return &Cloud{cfg: cfg}, nil
}

// load reads the database; c.mu must be held.
func (c *Cloud) load() (*Database, error) {
	data, err := os.ReadFile(c.cfg.Database)
	if err != nil {
		return nil, fmt.Errorf("sample-json: read database: %w", err)
	}
	db := &Database{}
	if err := json.Unmarshal(data, db); err != nil {
		return nil, fmt.Errorf("sample-json: parse database: %w", err)
	}
	if db.Machines == nil {
		db.Machines = map[string]Machine{}
	}
	if db.LoadBalancers == nil {
		db.LoadBalancers = map[string]LoadBalancerRecord{}
	}
	return db, nil
}

// save writes the database; c.mu must be held.
func (c *Cloud) save(db *Database) error {
	data, err := json.MarshalIndent(db, "", "  ")
	if err != nil {
		return err
	}
	tmp := c.cfg.Database + ".tmp"
	if err := os.WriteFile(tmp, append(data, '\n'), 0o644); err != nil {
		return fmt.Errorf("sample-json: write database: %w", err)
	}
	return os.Rename(tmp, c.cfg.Database)
}

// Initialize does nothing: the sample needs no API clients.
func (c *Cloud) Initialize(context.Context, cloudprovider.ClientBuilder) {}

// LoadBalancer returns the provider itself.
func (c *Cloud) LoadBalancer() (cloudprovider.LoadBalancer, bool) { return c, true }

// Instances returns the provider itself.
func (c *Cloud) Instances() (cloudprovider.Instances, bool) { return c, true }

// Zones returns the provider itself.
func (c *Cloud) Zones() (cloudprovider.Zones, bool) { return c, true }

// Clusters is not supported.
func (c *Cloud) Clusters() (cloudprovider.Clusters, bool) { return nil, false }

// Routes is not supported.
func (c *Cloud) Routes() (cloudprovider.Routes, bool) { return nil, false }

// ProviderName returns "sample-json".
func (c *Cloud) ProviderName() string { return ProviderName }

// HasClusterID returns false.
func (c *Cloud) HasClusterID() bool { return false }

// GetZone returns the configured zone.
func (c *Cloud) GetZone(context.Context) (cloudprovider.Zone, error) {
	return cloudprovider.Zone{FailureDomain: c.cfg.Zone, Region: c.cfg.Region}, nil
}

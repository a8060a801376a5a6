package fake

import (
	"context"
	"fmt"
	"io"
	"slices"
	"sync"
	"time"

	cloudprovider "keel.dev/cloud-provider"
)

// ProviderName is the name the fake registers under.
const ProviderName = "fake"

func init() {
	cloudprovider.MustRegisterCloudProvider(ProviderName, func(io.Reader) (cloudprovider.Interface, error) {
		return New(), nil
	})
}

// Method names, as recorded in Call.Method and used as keys of SetError and
// SetDelay.
const (
	MethodInitialize                = "Initialize"
	MethodGetLoadBalancer           = "GetLoadBalancer"
	MethodGetLoadBalancerName       = "GetLoadBalancerName"
	MethodEnsureLoadBalancer        = "EnsureLoadBalancer"
	MethodUpdateLoadBalancer        = "UpdateLoadBalancer"
	MethodEnsureLoadBalancerDeleted = "EnsureLoadBalancerDeleted"
	MethodInstanceExists            = "InstanceExists"
	MethodInstanceShutdown          = "InstanceShutdown"
	MethodInstanceMetadata          = "InstanceMetadata"
	MethodGetZone                   = "GetZone"
	MethodListRoutes                = "ListRoutes"
	MethodCreateRoute               = "CreateRoute"
	MethodDeleteRoute               = "DeleteRoute"
	MethodListClusters              = "ListClusters"
	MethodMaster                    = "Master"
)

// Call is one recorded call. Args holds the arguments after the context, in
// order; objects are deep copies taken at call time.
type Call struct {
	Method string
	Args   []any
}

// Cloud is the fake provider. Configure it through its exported fields
// before use, or through its methods at any time; it is safe for concurrent
// use.
type Cloud struct {
	// Disabled capabilities report false from their accessor: any of
	// "LoadBalancer", "Instances", "Zones", "Clusters", "Routes".
	Disabled map[string]bool
	// ClusterID is returned by HasClusterID.
	ClusterID bool

	mu        sync.Mutex
	calls     []Call
	errs      map[string][]error
	delays    map[string]time.Duration
	ipPool    []string
	balancers map[string]*Balancer
	instances map[string]*Instance
	zone      cloudprovider.Zone
	routes    map[string]*cloudprovider.Route
	clusters  map[string]string
	clients   cloudprovider.ClientBuilder
}

var _ cloudprovider.Interface = (*Cloud)(nil)

// New returns an empty fake cloud whose load balancers get IPs from
// 192.0.2.1 upwards (TEST-NET-1) unless SetLoadBalancerIPs says otherwise.
func New() *Cloud {
	c := &Cloud{
		Disabled:  map[string]bool{},
		errs:      map[string][]error{},
		delays:    map[string]time.Duration{},
		balancers: map[string]*Balancer{},
		instances: map[string]*Instance{},
		routes:    map[string]*cloudprovider.Route{},
		clusters:  map[string]string{},
	}
	for i := 1; i <= 254; i++ {
		c.ipPool = append(c.ipPool, fmt.Sprintf("192.0.2.%d", i))
	}
	return c
}

// SetError makes method fail with err. Several errors queue up and are
// returned by successive calls, the last one sticking; a nil err clears
// the method's errors.
func (c *Cloud) SetError(method string, errs ...error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(errs) == 0 || (len(errs) == 1 && errs[0] == nil) {
		delete(c.errs, method)
		return
	}
	c.errs[method] = append([]error(nil), errs...)
}

// SetDelay makes method wait d (or until its context ends) before acting.
func (c *Cloud) SetDelay(method string, d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.delays[method] = d
}

// SetLoadBalancerIPs replaces the pool load balancer IPs are taken from, in
// order; deleted load balancers return their IP to the end of the pool.
func (c *Cloud) SetLoadBalancerIPs(ips ...string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.ipPool = append([]string(nil), ips...)
}

// Calls returns the calls recorded so far, in order.
func (c *Cloud) Calls() []Call {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.calls)
}

// CallsTo returns the recorded calls of method.
func (c *Cloud) CallsTo(method string) []Call {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []Call
	for _, call := range c.calls {
		if call.Method == method {
			out = append(out, call)
		}
	}
	return out
}

// ClearCalls forgets the recorded calls.
func (c *Cloud) ClearCalls() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls = nil
}

// Clients returns the ClientBuilder passed to Initialize.
func (c *Cloud) Clients() cloudprovider.ClientBuilder {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.clients
}

// begin records a call, applies the method's delay and returns its
// injected error, if any. It must be called without c.mu held.
func (c *Cloud) begin(ctx context.Context, method string, args ...any) error {
	c.mu.Lock()
	c.calls = append(c.calls, Call{Method: method, Args: args})
	delay := c.delays[method]
	var err error
	if q := c.errs[method]; len(q) > 0 {
		err = q[0]
		if len(q) > 1 {
			c.errs[method] = q[1:]
		}
	}
	c.mu.Unlock()
	if delay > 0 {
		t := time.NewTimer(delay)
		defer t.Stop()
		select {
		case <-ctx.Done():
			return fmt.Errorf("fake %s: %w", method, ctx.Err())
		case <-t.C:
		}
	}
	return err
}

// Initialize records the call and keeps clients.
func (c *Cloud) Initialize(ctx context.Context, clients cloudprovider.ClientBuilder) {
	_ = c.begin(ctx, MethodInitialize, clients)
	c.mu.Lock()
	c.clients = clients
	c.mu.Unlock()
}

func (c *Cloud) enabled(capability string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return !c.Disabled[capability]
}

// LoadBalancer returns the fake itself unless "LoadBalancer" is disabled.
func (c *Cloud) LoadBalancer() (cloudprovider.LoadBalancer, bool) {
	return c, c.enabled("LoadBalancer")
}

// Instances returns the fake itself unless "Instances" is disabled.
func (c *Cloud) Instances() (cloudprovider.Instances, bool) { return c, c.enabled("Instances") }

// Zones returns the fake itself unless "Zones" is disabled.
func (c *Cloud) Zones() (cloudprovider.Zones, bool) { return c, c.enabled("Zones") }

// Clusters returns the fake itself unless "Clusters" is disabled.
func (c *Cloud) Clusters() (cloudprovider.Clusters, bool) { return c, c.enabled("Clusters") }

// Routes returns the fake itself unless "Routes" is disabled.
func (c *Cloud) Routes() (cloudprovider.Routes, bool) { return c, c.enabled("Routes") }

// ProviderName returns "fake".
func (c *Cloud) ProviderName() string { return ProviderName }

// HasClusterID returns the ClusterID field.
func (c *Cloud) HasClusterID() bool { return c.ClusterID }

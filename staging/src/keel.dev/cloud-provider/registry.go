package cloudprovider

import (
	"fmt"
	"io"
	"os"
	"slices"
	"sync"
)

// ExternalName is the --cloud-provider value telling Keel's in-tree
// components that an out-of-process cloud-controller-manager runs the cloud
// loops.
const ExternalName = "external"

// Factory builds a provider from its configuration file; config is nil when
// no file was given.
type Factory func(config io.Reader) (Interface, error)

// Registry maps provider names to factories. The zero value is not usable;
// use NewRegistry. It is safe for concurrent use.
type Registry struct {
	mu        sync.Mutex
	factories map[string]Factory
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	return &Registry{factories: map[string]Factory{}}
}

// Register adds factory under name. It returns an error wrapping
// ErrDuplicateProvider if name is taken, and rejects an empty name, the
// reserved name "external" and a nil factory.
func (r *Registry) Register(name string, factory Factory) error {
	switch {
	case name == "":
		return fmt.Errorf("register cloud provider: empty name")
	case name == ExternalName:
		return fmt.Errorf("register cloud provider: %q is reserved", name)
	case factory == nil:
		return fmt.Errorf("register cloud provider %q: nil factory", name)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.factories[name]; ok {
		return fmt.Errorf("register cloud provider %q: %w", name, ErrDuplicateProvider)
	}
	r.factories[name] = factory
	return nil
}

// Names returns the registered names, sorted.
func (r *Registry) Names() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	names := make([]string, 0, len(r.factories))
	for n := range r.factories {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// Get builds the named provider from config (which may be nil). It returns
// an error wrapping ErrUnknownProvider if name is not registered.
func (r *Registry) Get(name string, config io.Reader) (Interface, error) {
	r.mu.Lock()
	f, ok := r.factories[name]
	r.mu.Unlock()
	if !ok {
		return nil, fmt.Errorf("cloud provider %q: %w", name, ErrUnknownProvider)
	}
	cloud, err := f(config)
	if err != nil {
		return nil, fmt.Errorf("build cloud provider %q: %w", name, err)
	}
	if cloud == nil {
		return nil, fmt.Errorf("build cloud provider %q: factory returned nil", name)
	}
	return cloud, nil
}

// Init builds the named provider from the file at configPath; an empty path
// passes a nil config. An empty name or "external" means no in-process
// provider and returns (nil, nil).
func (r *Registry) Init(name, configPath string) (Interface, error) {
	if name == "" || IsExternal(name) {
		return nil, nil
	}
	if configPath == "" {
		return r.Get(name, nil)
	}
	f, err := os.Open(configPath)
	if err != nil {
		return nil, fmt.Errorf("cloud provider %q config: %w", name, err)
	}
	defer f.Close()
	return r.Get(name, f)
}

// defaultRegistry holds the providers registered by package init functions.
var defaultRegistry = NewRegistry()

// DefaultRegistry returns the process-wide registry used by the package
// functions below.
func DefaultRegistry() *Registry { return defaultRegistry }

// RegisterCloudProvider adds factory to the default registry; it returns an
// error wrapping ErrDuplicateProvider if name is taken.
func RegisterCloudProvider(name string, factory Factory) error {
	return defaultRegistry.Register(name, factory)
}

// MustRegisterCloudProvider is RegisterCloudProvider for package init
// functions: a duplicate name is a programming error and panics.
func MustRegisterCloudProvider(name string, factory Factory) {
	if err := defaultRegistry.Register(name, factory); err != nil {
		panic(err)
	}
}

// InitCloudProvider builds the named provider of the default registry from
// the file at configFilePath (see Registry.Init).
func InitCloudProvider(name, configFilePath string) (Interface, error) {
	return defaultRegistry.Init(name, configFilePath)
}

// GetCloudProvider builds the named provider of the default registry from
// config, which may be nil.
func GetCloudProvider(name string, config io.Reader) (Interface, error) {
	return defaultRegistry.Get(name, config)
}

// IsExternal reports whether name selects an out-of-process
// cloud-controller-manager.
func IsExternal(name string) bool { return name == ExternalName }

// ProviderNames returns the names registered in the default registry, sorted.
func ProviderNames() []string { return defaultRegistry.Names() }

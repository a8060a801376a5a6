package cmd

import (
	"errors"
	"io"
	"os"

	"keel.dev/client/kubeconfig"
	"keel.dev/client/rest"

	"keel.dev/keel/pkg/ctl/client"
	"keel.dev/keel/pkg/ctl/resource"
)

// Factory holds the global flags and builds what commands need from them.
type Factory struct {
	Kubeconfig string
	Context    string
	Namespace  string
	Server     string
	Token      string
	Insecure   bool
	Verbosity  int

	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	client *client.Client
	mapper *resource.Mapper
}

// NewFactory returns a factory on the process's standard streams.
func NewFactory() *Factory {
	return &Factory{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr}
}

func (f *Factory) loadConfig() (*kubeconfig.Config, error) {
	rules := kubeconfig.DefaultLoadingRules()
	rules.ExplicitPath = f.Kubeconfig
	return rules.Load()
}

func (f *Factory) overrides() kubeconfig.Overrides {
	return kubeconfig.Overrides{Context: f.Context, Namespace: f.Namespace, Server: f.Server}
}

// RESTConfig returns the connection settings from kubeconfig and flags;
// without any configuration it points at http://localhost:8080 as kubectl does.
func (f *Factory) RESTConfig() (*rest.Config, error) {
	var cfg *rest.Config
	kc, err := f.loadConfig()
	if err == nil && (len(kc.Contexts) > 0 || len(kc.Clusters) > 0) {
		cfg, err = kc.RESTConfig(f.overrides())
		if err != nil && !errors.Is(err, kubeconfig.ErrEmptyConfig) {
			return nil, err
		}
	} else if err != nil && f.Kubeconfig != "" {
		return nil, err
	}
	if cfg == nil {
		server := f.Server
		if server == "" {
			server = "http://localhost:8080"
		}
		cfg = &rest.Config{Host: server}
	}
	if f.Server != "" {
		cfg.Host = f.Server
	}
	if f.Token != "" {
		cfg.BearerToken = f.Token
		cfg.BearerTokenFile = ""
	}
	if f.Insecure {
		cfg.TLS.Insecure = true
		cfg.TLS.CAData, cfg.TLS.CAFile = nil, ""
	}
	return cfg, nil
}

// Client returns the raw API client.
func (f *Factory) Client() (*client.Client, error) {
	if f.client != nil {
		return f.client, nil
	}
	cfg, err := f.RESTConfig()
	if err != nil {
		return nil, err
	}
	c, err := client.New(cfg)
	if err != nil {
		return nil, err
	}
	c.Verbose, c.Log = f.Verbosity, f.ErrOut
	f.client = c
	return c, nil
}

// SetClient injects a client (tests).
func (f *Factory) SetClient(c *client.Client) { f.client = c; f.mapper = nil }

// Mapper returns the discovery mapper.
func (f *Factory) Mapper() (*resource.Mapper, error) {
	if f.mapper != nil {
		return f.mapper, nil
	}
	c, err := f.Client()
	if err != nil {
		return nil, err
	}
	f.mapper = resource.NewMapper(c)
	return f.mapper, nil
}

// DefaultNamespace returns -n, else the context's namespace, else "default",
// and whether it was given explicitly.
func (f *Factory) DefaultNamespace() (string, bool) {
	if f.Namespace != "" {
		return f.Namespace, true
	}
	if kc, err := f.loadConfig(); err == nil {
		return kc.Namespace(f.overrides()), false
	}
	return "default", false
}

// Resolve maps a typed resource name via discovery, rediscovering once on a miss.
func (f *Factory) Resolve(ctx contextLike, name string) (resource.Info, error) {
	m, err := f.Mapper()
	if err != nil {
		return resource.Info{}, err
	}
	info, err := m.Resolve(ctx, name)
	var nf *resource.NotFoundError
	if errors.As(err, &nf) {
		m.Invalidate()
		info, err = m.Resolve(ctx, name)
	}
	return info, err
}

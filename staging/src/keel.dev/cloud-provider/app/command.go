package app

import (
	"context"

	"github.com/spf13/cobra"

	cloudprovider "keel.dev/cloud-provider"
)

// Option customises NewCommand.
type Option func(*commandOptions)

type commandOptions struct {
	use      string
	short    string
	provider string
	registry *cloudprovider.Registry
}

// WithName sets the command name shown in usage (default "cloud-controller-manager").
func WithName(name string) Option { return func(o *commandOptions) { o.use = name } }

// WithShort sets the one-line description of the command.
func WithShort(s string) Option { return func(o *commandOptions) { o.short = s } }

// WithDefaultCloudProvider sets the default of --cloud-provider, for a
// binary built around one provider.
func WithDefaultCloudProvider(name string) Option {
	return func(o *commandOptions) { o.provider = name }
}

// WithRegistry resolves --cloud-provider in r instead of the default registry.
func WithRegistry(r *cloudprovider.Registry) Option {
	return func(o *commandOptions) { o.registry = r }
}

// NewCommand returns the cloud-controller-manager command. Providers must be
// registered before it is called so that --help lists them. The command
// returns Run's error; it never exits the process.
func NewCommand(opts ...Option) *cobra.Command {
	o := commandOptions{use: component, short: "Run the cloud controller loops (nodes, node lifecycle, load balancers, routes) for a cloud provider"}
	for _, opt := range opts {
		opt(&o)
	}
	cfg := NewConfig()
	cfg.CloudProvider = o.provider
	cfg.Registry = o.registry
	cmd := &cobra.Command{
		Use:           o.use,
		Short:         o.short,
		Args:          cobra.NoArgs,
		SilenceUsage:  true,
		SilenceErrors: false,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if ctx == nil {
				ctx = context.Background()
			}
			return Run(ctx, cfg)
		},
	}
	cfg.AddFlags(cmd.Flags())
	return cmd
}

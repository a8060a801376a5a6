package app

import (
	"context"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"keel.dev/keel/pkg/apiserver/app/options"
)

// Config is the apiserver's resolved configuration (see options.Config).
type Config = options.Config

// NewCommand returns the apiserver's root command; running it starts the
// server and blocks until the command's context ends.
func NewCommand() *cobra.Command {
	o := options.NewOptions()
	cmd := &cobra.Command{
		Use:   "apiserver",
		Short: "Keel's Kubernetes-compatible API server",
		Long: "The Keel apiserver serves the Kubernetes REST API over HTTPS and stores every " +
			"object in etcd (an embedded one in --data-dir unless --etcd-servers is given).",
		Args:          cobra.NoArgs,
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := o.Config()
			if err != nil {
				return fmt.Errorf("invalid options: %w", err)
			}
			cfg.Out = cmd.OutOrStdout()
			ctx := cmd.Context()
			if ctx == nil {
				ctx = context.Background()
			}
			return Run(ctx, cfg)
		},
	}
	cmd.SetErr(os.Stderr)
	o.AddFlags(cmd.Flags())
	return cmd
}

// Run starts the apiserver and blocks until ctx ends (then shuts down
// gracefully and returns nil, also when ctx ends during the start) or the
// server fails (returns the error).
func Run(ctx context.Context, cfg *Config) error {
	r, err := Start(ctx, cfg)
	if err != nil {
		if ctx.Err() != nil {
			return nil // shut down while starting
		}
		return err
	}
	select {
	case <-ctx.Done():
		r.Close()
		return nil
	case err := <-r.Err():
		r.Close()
		return err
	}
}

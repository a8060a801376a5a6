package app

import (
	"context"
	"fmt"
	"os"

	"github.com/spf13/cobra"
)

// NewCommand returns the proxy's root command; running it programs the
// node's packet path until the command's context ends.
func NewCommand() *cobra.Command {
	o := NewOptions()
	cmd := &cobra.Command{
		Use:   "proxy",
		Short: "Keel's Kubernetes-compatible service proxy",
		Long: "The Keel proxy watches Services, EndpointSlices and its own Node and programs the node's " +
			"packet path (iptables or nftables) so that Service virtual IPs, NodePorts, external IPs and " +
			"load-balancer IPs reach the Service's endpoints, as kube-proxy does.",
		Args:          cobra.NoArgs,
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := o.Config()
			if err != nil {
				return fmt.Errorf("invalid options: %w", err)
			}
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

// Command sample-cloud-controller-manager is a complete
// cloud-controller-manager for the sample-json provider: Keel's cloud loops
// (node initialisation, node lifecycle, load balancers, routes), leader
// election, /healthz and /metrics, all from keel.dev/cloud-provider/app.
// Its extra "describe" subcommand initialises the provider and prints what
// it offers, without contacting an API server.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	corev1 "keel.dev/api/core/v1"
	cloudprovider "keel.dev/cloud-provider"
	"keel.dev/cloud-provider/app"

	// Link the provider in; its init registers it.
	_ "example.com/cloud-provider-sample/jsoncloud"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := newCommand().ExecuteContext(ctx); err != nil {
		os.Exit(1)
	}
}

// newCommand is Keel's cloud-controller-manager command with sample-json as
// the default provider, plus the describe subcommand.
func newCommand() *cobra.Command {
	cmd := app.NewCommand(
		app.WithName("sample-cloud-controller-manager"),
		app.WithDefaultCloudProvider("sample-json"),
	)
	cmd.AddCommand(&cobra.Command{
		Use:                "describe [--cloud-provider NAME] [--cloud-config FILE] [--node NAME]",
		Short:              "Initialise the provider and print its capabilities (no API server needed)",
		DisableFlagParsing: true,
		RunE: func(c *cobra.Command, args []string) error {
			ctx := c.Context()
			if ctx == nil {
				ctx = context.Background()
			}
			return run(ctx, args, c.OutOrStdout())
		},
	})
	return cmd
}

func run(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("sample-cloud-controller-manager", flag.ContinueOnError)
	name := fs.String("cloud-provider", "sample-json", "name of the registered cloud provider")
	config := fs.String("cloud-config", "", "path of the provider's configuration file")
	nodes := fs.String("node", "", "a node name to look up through Instances (optional)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cloud, err := cloudprovider.InitCloudProvider(*name, *config)
	if err != nil {
		return err
	}
	if cloud == nil {
		return fmt.Errorf("no provider for %q (registered: %v)", *name, cloudprovider.ProviderNames())
	}
	cloud.Initialize(ctx, cloudprovider.SimpleClientBuilder{})
	fmt.Fprintf(out, "provider: %s (registered: %v)\n", cloud.ProviderName(), cloudprovider.ProviderNames())
	_, lb := cloud.LoadBalancer()
	_, inst := cloud.Instances()
	zones, hasZones := cloud.Zones()
	_, clusters := cloud.Clusters()
	_, routes := cloud.Routes()
	fmt.Fprintf(out, "capabilities: loadBalancer=%v instances=%v zones=%v clusters=%v routes=%v\n", lb, inst, hasZones, clusters, routes)
	if hasZones {
		z, err := zones.GetZone(ctx)
		if err != nil {
			return fmt.Errorf("get zone: %w", err)
		}
		fmt.Fprintf(out, "zone: %s region: %s\n", z.FailureDomain, z.Region)
	}
	if instances, ok := cloud.Instances(); ok && *nodes != "" {
		node := &corev1.Node{}
		node.Name = *nodes
		md, err := instances.InstanceMetadata(ctx, node)
		if err != nil {
			return fmt.Errorf("instance of node %q: %w", *nodes, err)
		}
		fmt.Fprintf(out, "node %s: providerID=%s type=%s zone=%s region=%s addresses=%v\n",
			*nodes, md.ProviderID, md.InstanceType, md.Zone, md.Region, md.NodeAddresses)
	}
	return nil
}

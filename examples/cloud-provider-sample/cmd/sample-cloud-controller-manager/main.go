// Command sample-cloud-controller-manager initialises a cloud provider from
// the registry and prints what it offers. It stands in for the real
// cloud-controller-manager until Keel exports app.NewCommand (see README).
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"

	corev1 "keel.dev/api/core/v1"
	cloudprovider "keel.dev/cloud-provider"

	// Link the provider in; its init registers it.
	_ "example.com/cloud-provider-sample/jsoncloud"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
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

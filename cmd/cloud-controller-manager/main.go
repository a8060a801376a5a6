// Command cloud-controller-manager runs the cloud controller loops for the
// providers built into Keel (fake, local) or any provider registered by an
// imported package.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"keel.dev/cloud-provider/app"

	_ "keel.dev/keel/pkg/cloudprovider/providers" // registers fake and local
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := app.NewCommand().ExecuteContext(ctx); err != nil {
		os.Exit(1)
	}
}

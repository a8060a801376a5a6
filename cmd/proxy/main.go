// Command proxy programs the node's packet path so Service IPs work.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"keel.dev/keel/pkg/proxy/app"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := app.NewCommand().ExecuteContext(ctx)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "proxy:", err)
		os.Exit(1)
	}
}

// Command ctl is the kubectl-compatible command-line client of Keel.
package main

import (
	"context"
	"os"
	"os/signal"

	"keel.dev/keel/pkg/ctl/app"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := app.Run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

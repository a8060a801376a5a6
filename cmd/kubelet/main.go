// Command kubelet is Keel's node agent.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"keel.dev/keel/pkg/kubelet/app"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := app.NewCommand().ExecuteContext(ctx)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "kubelet:", err)
		os.Exit(1)
	}
}

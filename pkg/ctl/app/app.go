package app

import (
	"context"
	"io"

	"github.com/spf13/cobra"

	"keel.dev/keel/pkg/ctl/cmd"
)

// NewCommand returns the root command bound to the factory's streams.
func NewCommand(f *cmd.Factory) *cobra.Command {
	root := &cobra.Command{
		Use:           "ctl",
		Short:         "ctl controls a Keel (Kubernetes-compatible) cluster",
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	pf := root.PersistentFlags()
	pf.StringVar(&f.Kubeconfig, "kubeconfig", "", "Path to the kubeconfig file to use for CLI requests")
	pf.StringVar(&f.Context, "context", "", "The name of the kubeconfig context to use")
	pf.StringVarP(&f.Namespace, "namespace", "n", "", "If present, the namespace scope for this CLI request")
	pf.StringVarP(&f.Server, "server", "s", "", "The address and port of the Kubernetes API server")
	pf.StringVar(&f.Token, "token", "", "Bearer token for authentication to the API server")
	pf.BoolVar(&f.Insecure, "insecure-skip-tls-verify", false, "Do not check the server's certificate")
	pf.IntVarP(&f.Verbosity, "v", "v", 0, "Log level; 6 logs each request")
	root.SetOut(f.Out)
	root.SetErr(f.ErrOut)
	root.SetIn(f.In)
	cmd.AddCommands(root, f)
	return root
}

// Run executes ctl with args and returns the exit code, printing errors as kubectl does.
func Run(ctx context.Context, args []string, in io.Reader, out, errOut io.Writer) int {
	f := cmd.NewFactory()
	f.In, f.Out, f.ErrOut = in, out, errOut
	root := NewCommand(f)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	return cmd.HandleError(errOut, err)
}

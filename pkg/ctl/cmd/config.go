package cmd

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"keel.dev/client/kubeconfig"

	"keel.dev/keel/pkg/ctl/printers"
)

// NewConfigCommand returns `config` and its subcommands.
func NewConfigCommand(f *Factory) *cobra.Command {
	c := &cobra.Command{Use: "config SUBCOMMAND", Short: "Modify kubeconfig files"}
	c.AddCommand(newConfigView(f), newConfigGetContexts(f), newConfigUseContext(f), newConfigSetContext(f), newConfigCurrentContext(f))
	return c
}

// configFile is the file config changes are written to: --kubeconfig, the
// first KUBECONFIG entry, or ~/.kube/config.
func (f *Factory) configFile() string {
	if f.Kubeconfig != "" {
		return f.Kubeconfig
	}
	if env := os.Getenv("KUBECONFIG"); env != "" {
		for _, p := range filepath.SplitList(env) {
			if _, err := os.Stat(p); err == nil {
				return p
			}
		}
		return filepath.SplitList(env)[0]
	}
	home, _ := os.UserHomeDir()
	return filepath.Join(home, kubeconfig.RecommendedHomeFile)
}

func (f *Factory) loadForEdit() (*kubeconfig.Config, string, error) {
	path := f.configFile()
	cfg, err := kubeconfig.LoadFile(path)
	if os.IsNotExist(err) || (err != nil && strings.Contains(err.Error(), "no such file")) {
		return &kubeconfig.Config{Kind: "Config", APIVersion: "v1"}, path, nil
	}
	return cfg, path, err
}

func newConfigView(f *Factory) *cobra.Command {
	var raw, minify bool
	var output string
	c := &cobra.Command{
		Use:   "view",
		Short: "Display merged kubeconfig settings or a specified kubeconfig file",
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := f.loadConfig()
			if err != nil {
				cfg = &kubeconfig.Config{}
			}
			if cfg.Kind == "" {
				cfg.Kind, cfg.APIVersion = "Config", "v1"
			}
			if cfg.Preferences == nil {
				cfg.Preferences = map[string]any{}
			}
			if minify {
				cur := f.Context
				if cur == "" {
					cur = cfg.CurrentContext
				}
				ctx, ok := cfg.Context(cur)
				if !ok {
					return fmt.Errorf("current-context must exist in order to minify")
				}
				min := &kubeconfig.Config{Kind: "Config", APIVersion: "v1", Preferences: map[string]any{}, CurrentContext: cur}
				min.SetContext(cur, *ctx)
				if cl, ok := cfg.Cluster(ctx.Cluster); ok {
					min.SetCluster(ctx.Cluster, *cl)
				}
				if u, ok := cfg.AuthInfo(ctx.AuthInfo); ok {
					min.SetAuthInfo(ctx.AuthInfo, *u)
				}
				cfg = min
			}
			b, err := json.Marshal(cfg)
			if err != nil {
				return err
			}
			var m map[string]any
			if err := json.Unmarshal(b, &m); err != nil {
				return err
			}
			if !raw {
				redact(m, "clusters", "cluster", map[string]string{"certificate-authority-data": "DATA+OMITTED"})
				redact(m, "users", "user", map[string]string{"client-certificate-data": "DATA+OMITTED", "client-key-data": "DATA+OMITTED", "token": "REDACTED", "password": "REDACTED"})
			}
			var p printers.ObjectPrinter = &printers.YAMLPrinter{}
			if output == "json" {
				p = printers.JSONPrinter{}
			}
			return p.PrintObject(f.Out, m)
		},
	}
	c.Flags().BoolVar(&raw, "raw", false, "Display raw byte data and sensitive data")
	c.Flags().BoolVar(&minify, "minify", false, "Remove all information not used by current-context from the output")
	c.Flags().StringVarP(&output, "output", "o", "yaml", "yaml or json")
	return c
}

func redact(m map[string]any, list, inner string, fields map[string]string) {
	items, _ := m[list].([]any)
	for _, it := range items {
		im, _ := it.(map[string]any)
		v, _ := im[inner].(map[string]any)
		for k, repl := range fields {
			if _, ok := v[k]; ok {
				v[k] = repl
			}
		}
	}
}

func newConfigGetContexts(f *Factory) *cobra.Command {
	var output string
	var noHeaders bool
	return &cobra.Command{
		Use:   "get-contexts [(-o|--output=)name)]",
		Short: "Describe one or many contexts",
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := f.loadConfig()
			if err != nil {
				return err
			}
			rows := [][]string{}
			if !noHeaders {
				rows = append(rows, []string{"CURRENT", "NAME", "CLUSTER", "AUTHINFO", "NAMESPACE"})
			}
			found := false
			for _, c := range cfg.Contexts {
				if len(args) > 0 && !contains(args, c.Name) {
					continue
				}
				found = true
				if output == "name" {
					fmt.Fprintln(f.Out, c.Name)
					continue
				}
				cur := ""
				if c.Name == cfg.CurrentContext {
					cur = "*"
				}
				rows = append(rows, []string{cur, c.Name, c.Context.Cluster, c.Context.AuthInfo, c.Context.Namespace})
			}
			if len(args) > 0 && !found {
				return fmt.Errorf("context %s not found", args[0])
			}
			if output == "name" {
				return nil
			}
			return (&printers.ColumnWriter{Out: f.Out}).Write(rows)
		},
	}
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

func newConfigUseContext(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "use-context CONTEXT_NAME",
		Short: "Set the current-context in a kubeconfig file",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, path, err := f.loadForEdit()
			if err != nil {
				return err
			}
			if _, ok := cfg.Context(args[0]); !ok {
				return fmt.Errorf("no context exists with the name: %q", args[0])
			}
			cfg.CurrentContext = args[0]
			if err := kubeconfig.WriteFile(path, cfg); err != nil {
				return err
			}
			fmt.Fprintf(f.Out, "Switched to context %q.\n", args[0])
			return nil
		},
	}
}

func newConfigCurrentContext(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "current-context",
		Short: "Display the current-context",
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := f.loadConfig()
			if err != nil || cfg.CurrentContext == "" {
				return fmt.Errorf("current-context is not set")
			}
			fmt.Fprintln(f.Out, cfg.CurrentContext)
			return nil
		},
	}
}

func newConfigSetContext(f *Factory) *cobra.Command {
	var current bool
	var cluster, user string
	c := &cobra.Command{
		Use:   "set-context [NAME | --current] [--cluster=cluster_nickname] [--user=user_nickname] [--namespace=namespace]",
		Short: "Set a context entry in kubeconfig",
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, path, err := f.loadForEdit()
			if err != nil {
				return err
			}
			name := ""
			switch {
			case current && len(args) > 0:
				return fmt.Errorf("you cannot specify a name and the --current flag at the same time")
			case current:
				name = cfg.CurrentContext
				if name == "" {
					return fmt.Errorf("no current context is set")
				}
			case len(args) == 1:
				name = args[0]
			default:
				return fmt.Errorf("unexpected args: %v", args)
			}
			ctx, exists := cfg.Context(name)
			nc := kubeconfig.Context{}
			if exists {
				nc = *ctx
			}
			if cmd.Flags().Changed("cluster") {
				nc.Cluster = cluster
			}
			if cmd.Flags().Changed("user") {
				nc.AuthInfo = user
			}
			// -n is the global namespace flag; set-context reads it as the context's namespace.
			if ns := cmd.Flags().Lookup("namespace"); ns != nil && ns.Changed {
				nc.Namespace = f.Namespace
			}
			cfg.SetContext(name, nc)
			if err := kubeconfig.WriteFile(path, cfg); err != nil {
				return err
			}
			if exists {
				fmt.Fprintf(f.Out, "Context %q modified.\n", name)
			} else {
				fmt.Fprintf(f.Out, "Context %q created.\n", name)
			}
			return nil
		},
	}
	c.Flags().BoolVar(&current, "current", false, "Modify the current context")
	c.Flags().StringVar(&cluster, "cluster", "", "cluster for the context entry in kubeconfig")
	c.Flags().StringVar(&user, "user", "", "user for the context entry in kubeconfig")
	return c
}

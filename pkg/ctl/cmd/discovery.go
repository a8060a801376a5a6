package cmd

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"keel.dev/keel/pkg/ctl/client"
	"keel.dev/keel/pkg/ctl/printers"
	"keel.dev/keel/pkg/ctl/resource"
)

// clientVersion is the version ctl reports; it speaks the API of kubectl 1.32.
const clientVersion = "v1.32.0-keel"

// NewAPIResourcesCommand returns `api-resources`.
func NewAPIResourcesCommand(f *Factory) *cobra.Command {
	var output, group, namespaced string
	var noHeaders bool
	var verbs []string
	c := &cobra.Command{
		Use:   "api-resources",
		Short: "Print the supported API resources on the server",
		RunE: func(cmd *cobra.Command, args []string) error {
			m, err := f.Mapper()
			if err != nil {
				return err
			}
			all, err := m.Resources(cmd.Context())
			if err != nil {
				return err
			}
			var rs []resource.Info
			for _, r := range all {
				if !r.Preferred || (cmd.Flags().Changed("api-group") && r.Group != group) {
					continue
				}
				if namespaced != "" && strconv.FormatBool(r.Namespaced) != namespaced {
					continue
				}
				ok := true
				for _, v := range verbs {
					ok = ok && r.HasVerb(v)
				}
				if ok {
					rs = append(rs, r)
				}
			}
			sort.SliceStable(rs, func(i, j int) bool {
				if rs[i].Group != rs[j].Group {
					return rs[i].Group < rs[j].Group
				}
				return rs[i].Resource < rs[j].Resource
			})
			if output == "name" {
				for _, r := range rs {
					fmt.Fprintln(f.Out, r.GroupResource())
				}
				return nil
			}
			var rows [][]string
			if !noHeaders {
				h := []string{"NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"}
				if output == "wide" {
					h = append(h, "VERBS", "CATEGORIES")
				}
				rows = append(rows, h)
			}
			for _, r := range rs {
				row := []string{r.Resource, strings.Join(r.ShortNames, ","), r.GroupVersion(), strconv.FormatBool(r.Namespaced), r.Kind}
				if output == "wide" {
					row = append(row, strings.Join(r.Verbs, ","), strings.Join(r.Categories, ","))
				}
				rows = append(rows, row)
			}
			return (&printers.ColumnWriter{Out: f.Out}).Write(rows)
		},
	}
	c.Flags().StringVarP(&output, "output", "o", "", "Output format: wide or name")
	c.Flags().StringVar(&group, "api-group", "", "Limit to resources in the specified API group")
	c.Flags().StringVar(&namespaced, "namespaced", "", "true for namespaced resources only, false for cluster-scoped only")
	c.Flags().Lookup("namespaced").NoOptDefVal = "true"
	c.Flags().BoolVar(&noHeaders, "no-headers", false, "Do not print headers")
	c.Flags().StringSliceVar(&verbs, "verbs", nil, "Limit to resources that support the specified verbs")
	return c
}

// NewAPIVersionsCommand returns `api-versions`.
func NewAPIVersionsCommand(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "api-versions",
		Short: "Print the supported API versions on the server, in the form of \"group/version\"",
		RunE: func(cmd *cobra.Command, args []string) error {
			m, err := f.Mapper()
			if err != nil {
				return err
			}
			groups, err := m.Groups(cmd.Context())
			if err != nil {
				return err
			}
			var out []string
			for _, g := range groups {
				for _, v := range g.Versions {
					if g.Name == "" {
						out = append(out, v)
					} else {
						out = append(out, g.Name+"/"+v)
					}
				}
			}
			sort.Strings(out)
			for _, v := range out {
				fmt.Fprintln(f.Out, v)
			}
			return nil
		},
	}
}

// NewVersionCommand returns `version`.
func NewVersionCommand(f *Factory) *cobra.Command {
	var clientOnly bool
	var output string
	c := &cobra.Command{
		Use:   "version",
		Short: "Print the client and server version information",
		RunE: func(cmd *cobra.Command, args []string) error {
			info := map[string]any{"clientVersion": map[string]any{"major": "1", "minor": "32", "gitVersion": clientVersion}}
			var serverErr error
			if !clientOnly {
				c, err := f.Client()
				if err != nil {
					return err
				}
				resp, err := c.Do(cmd.Context(), client.Request{Method: http.MethodGet, Path: "/version"})
				if err != nil {
					serverErr = err
				} else {
					var sv map[string]any
					if err := json.Unmarshal(resp.Body, &sv); err != nil {
						return err
					}
					info["serverVersion"] = sv
				}
			}
			switch output {
			case "json", "yaml":
				p, _ := objectPrinter(output, false)
				if err := p.PrintObject(f.Out, info); err != nil {
					return err
				}
			case "":
				fmt.Fprintf(f.Out, "Client Version: %s\n", clientVersion)
				if sv, ok := info["serverVersion"].(map[string]any); ok {
					fmt.Fprintf(f.Out, "Server Version: %v\n", sv["gitVersion"])
				}
			default:
				return fmt.Errorf("--output must be 'yaml' or 'json'")
			}
			return serverErr
		},
	}
	c.Flags().BoolVar(&clientOnly, "client", false, "If true, shows client version only (no server required)")
	c.Flags().StringVarP(&output, "output", "o", "", "One of 'yaml' or 'json'")
	return c
}

// NewCompletionCommand returns `completion bash|zsh|fish|powershell`.
func NewCompletionCommand(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:       "completion SHELL",
		Short:     "Output shell completion code for the specified shell (bash, zsh, fish, or powershell)",
		ValidArgs: []string{"bash", "zsh", "fish", "powershell"},
		Args:      cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			root := cmd.Root()
			switch args[0] {
			case "bash":
				return root.GenBashCompletionV2(f.Out, true)
			case "zsh":
				return root.GenZshCompletion(f.Out)
			case "fish":
				return root.GenFishCompletion(f.Out, true)
			case "powershell":
				return root.GenPowerShellCompletionWithDesc(f.Out)
			}
			return fmt.Errorf("unsupported shell type %q", args[0])
		},
	}
}

package cmd

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"keel.dev/keel/pkg/ctl/printers"
	"keel.dev/keel/pkg/ctl/resource"
)

// NewTopCommand returns `top pod|node`, reading metrics.k8s.io/v1beta1.
func NewTopCommand(f *Factory) *cobra.Command {
	c := &cobra.Command{Use: "top", Short: "Display resource (CPU/memory) usage"}
	var allNS, noHeaders bool
	var selector string
	pods := &cobra.Command{
		Use:     "pod [NAME | -l label]",
		Aliases: []string{"pods", "po"},
		Short:   "Display resource (CPU/memory) usage of pods",
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			info, err := metricsResource(ctx, f, "pods")
			if err != nil {
				return err
			}
			ns, _ := f.DefaultNamespace()
			if allNS {
				ns = ""
			}
			items, err := metricsItems(ctx, f, info, ns, selector, args)
			if err != nil {
				return err
			}
			if len(items) == 0 {
				if ns == "" {
					fmt.Fprintln(f.ErrOut, "No resources found")
				} else {
					fmt.Fprintf(f.ErrOut, "No resources found in %s namespace.\n", ns)
				}
				return nil
			}
			var rows [][]string
			if !noHeaders {
				h := []string{"NAME", "CPU(cores)", "MEMORY(bytes)"}
				if allNS {
					h = append([]string{"NAMESPACE"}, h...)
				}
				rows = append(rows, h)
			}
			for _, it := range items {
				var cpu, mem float64
				cs, _ := it["containers"].([]any)
				for _, c := range cs {
					cm, _ := c.(map[string]any)
					cpu += parseQuantity(gets(cm, "usage", "cpu"))
					mem += parseQuantity(gets(cm, "usage", "memory"))
				}
				row := []string{metaString(it, "name"), formatCPU(cpu), formatMemory(mem)}
				if allNS {
					row = append([]string{metaString(it, "namespace")}, row...)
				}
				rows = append(rows, row)
			}
			return (&printers.ColumnWriter{Out: f.Out}).Write(rows)
		},
	}
	pods.Flags().BoolVarP(&allNS, "all-namespaces", "A", false, "List across all namespaces")
	pods.Flags().StringVarP(&selector, "selector", "l", "", "Label selector")
	pods.Flags().BoolVar(&noHeaders, "no-headers", false, "Do not print headers")
	nodes := &cobra.Command{
		Use:     "node [NAME | -l label]",
		Aliases: []string{"nodes", "no"},
		Short:   "Display resource (CPU/memory) usage of nodes",
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			info, err := metricsResource(ctx, f, "nodes")
			if err != nil {
				return err
			}
			items, err := metricsItems(ctx, f, info, "", selector, args)
			if err != nil {
				return err
			}
			nodeInfo, err := f.Resolve(ctx, "nodes")
			if err != nil {
				return err
			}
			c, err := f.Client()
			if err != nil {
				return err
			}
			nodeList, _, err := listJSON(ctx, c, nodeInfo, "", listOptions{labelSelector: selector})
			if err != nil {
				return err
			}
			alloc := map[string][2]float64{}
			for _, n := range nodeList {
				alloc[metaString(n, "name")] = [2]float64{parseQuantity(gets(n, "status", "allocatable", "cpu")), parseQuantity(gets(n, "status", "allocatable", "memory"))}
			}
			var rows [][]string
			if !noHeaders {
				rows = append(rows, []string{"NAME", "CPU(cores)", "CPU(%)", "MEMORY(bytes)", "MEMORY(%)"})
			}
			for _, it := range items {
				cpu, mem := parseQuantity(gets(it, "usage", "cpu")), parseQuantity(gets(it, "usage", "memory"))
				a := alloc[metaString(it, "name")]
				rows = append(rows, []string{metaString(it, "name"), formatCPU(cpu), percent(cpu, a[0]), formatMemory(mem), percent(mem, a[1])})
			}
			return (&printers.ColumnWriter{Out: f.Out}).Write(rows)
		},
	}
	nodes.Flags().StringVarP(&selector, "selector", "l", "", "Label selector")
	nodes.Flags().BoolVar(&noHeaders, "no-headers", false, "Do not print headers")
	c.AddCommand(pods, nodes)
	return c
}

func metricsResource(ctx context.Context, f *Factory, res string) (resource.Info, error) {
	m, err := f.Mapper()
	if err != nil {
		return resource.Info{}, err
	}
	all, err := m.Resources(ctx)
	if err != nil {
		return resource.Info{}, err
	}
	for _, r := range all {
		if r.Group == "metrics.k8s.io" && r.Resource == res {
			return r, nil
		}
	}
	return resource.Info{}, fmt.Errorf("Metrics API not available")
}

func metricsItems(ctx context.Context, f *Factory, info resource.Info, ns, selector string, names []string) ([]map[string]any, error) {
	c, err := f.Client()
	if err != nil {
		return nil, err
	}
	if len(names) > 0 {
		var out []map[string]any
		for _, n := range names {
			obj, err := getJSON(ctx, c, info, ns, n)
			if err != nil {
				return nil, err
			}
			out = append(out, obj)
		}
		return out, nil
	}
	items, _, err := listJSON(ctx, c, info, ns, listOptions{labelSelector: selector})
	sort.SliceStable(items, func(i, j int) bool { return metaString(items[i], "name") < metaString(items[j], "name") })
	return items, err
}

// parseQuantity reads a resource quantity (100m, 2, 64Mi, 1G, 250n) as a float.
func parseQuantity(s string) float64 {
	if s == "" {
		return 0
	}
	suffixes := []struct {
		s string
		m float64
	}{{"Ki", 1 << 10}, {"Mi", 1 << 20}, {"Gi", 1 << 30}, {"Ti", 1 << 40}, {"n", 1e-9}, {"u", 1e-6}, {"m", 1e-3}, {"k", 1e3}, {"M", 1e6}, {"G", 1e9}, {"T", 1e12}}
	for _, sf := range suffixes {
		if strings.HasSuffix(s, sf.s) {
			v, _ := strconv.ParseFloat(strings.TrimSuffix(s, sf.s), 64)
			return v * sf.m
		}
	}
	v, _ := strconv.ParseFloat(s, 64)
	return v
}

func formatCPU(cores float64) string { return fmt.Sprintf("%dm", int64(math.Ceil(cores*1000-1e-9))) }

func formatMemory(bytes float64) string { return fmt.Sprintf("%dMi", int64(bytes/(1<<20))) }

func percent(v, total float64) string {
	if total == 0 {
		return "<unknown>"
	}
	return fmt.Sprintf("%d%%", int64(v/total*100))
}

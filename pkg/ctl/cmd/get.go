package cmd

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/spf13/cobra"

	apierrors "keel.dev/apimachinery/pkg/api/errors"

	"keel.dev/keel/pkg/ctl/client"
	"keel.dev/keel/pkg/ctl/printers"
	"keel.dev/keel/pkg/ctl/resource"
)

// nowFunc is the clock used for ages; tests replace it.
var nowFunc = time.Now

// GetOptions are the flags of get.
type GetOptions struct {
	Output         string
	Selector       string
	FieldSelector  string
	AllNamespaces  bool
	ShowLabels     bool
	LabelColumns   []string
	SortBy         string
	Watch          bool
	WatchOnly      bool
	NoHeaders      bool
	IgnoreNotFound bool
}

// NewGetCommand returns `get`.
func NewGetCommand(f *Factory) *cobra.Command {
	o := &GetOptions{}
	c := &cobra.Command{
		Use:   "get [(-o|--output=)json|yaml|name|wide|jsonpath=...|custom-columns=...] (TYPE[.VERSION][.GROUP] [NAME | -l label] | TYPE[.VERSION][.GROUP]/NAME ...)",
		Short: "Display one or many resources",
		RunE: func(cmd *cobra.Command, args []string) error {
			return o.Run(cmd.Context(), f, args)
		},
	}
	fl := c.Flags()
	fl.StringVarP(&o.Output, "output", "o", "", "Output format: json, yaml, name, wide, jsonpath=..., custom-columns=...")
	fl.StringVarP(&o.Selector, "selector", "l", "", "Label selector to filter on")
	fl.StringVar(&o.FieldSelector, "field-selector", "", "Field selector to filter on")
	fl.BoolVarP(&o.AllNamespaces, "all-namespaces", "A", false, "List across all namespaces")
	fl.BoolVar(&o.ShowLabels, "show-labels", false, "Show all labels as the last column")
	fl.StringSliceVarP(&o.LabelColumns, "label-columns", "L", nil, "Labels to show as columns")
	fl.StringVar(&o.SortBy, "sort-by", "", "Sort list by this JSONPath expression")
	fl.BoolVarP(&o.Watch, "watch", "w", false, "Watch for changes after listing")
	fl.BoolVar(&o.WatchOnly, "watch-only", false, "Watch for changes without listing first")
	fl.BoolVar(&o.NoHeaders, "no-headers", false, "Do not print headers")
	fl.BoolVar(&o.IgnoreNotFound, "ignore-not-found", false, "Do not fail when the named objects do not exist")
	return c
}

// objectPrinter returns the printer of a non-table output format, or nil for tables.
func objectPrinter(output string, noHeaders bool) (printers.ObjectPrinter, error) {
	switch {
	case output == "" || output == "wide":
		return nil, nil
	case output == "json":
		return printers.JSONPrinter{}, nil
	case output == "yaml":
		return &printers.YAMLPrinter{}, nil
	case output == "name":
		return printers.NamePrinter{}, nil
	case strings.HasPrefix(output, "jsonpath=") || strings.HasPrefix(output, "jsonpath-as-json="):
		tmpl := output[strings.Index(output, "=")+1:]
		jp, err := printers.ParseJSONPath(tmpl)
		if err != nil {
			return nil, fmt.Errorf("error parsing jsonpath %s, %w", tmpl, err)
		}
		jp.AllowMissing = true
		return printers.JSONPathPrinter{JP: jp}, nil
	case strings.HasPrefix(output, "custom-columns="):
		p, err := printers.ParseCustomColumns(strings.TrimPrefix(output, "custom-columns="))
		if err != nil {
			return nil, err
		}
		p.NoHeaders = noHeaders
		return p, nil
	}
	return nil, fmt.Errorf("unable to match a printer suitable for the output format %q, allowed formats are: custom-columns,json,jsonpath,name,wide,yaml", output)
}

// Run executes get.
func (o *GetOptions) Run(ctx context.Context, f *Factory, args []string) error {
	if ctx == nil {
		ctx = context.Background()
	}
	printer, err := objectPrinter(o.Output, o.NoHeaders)
	if err != nil {
		return err
	}
	var sortPath *printers.Path
	if o.SortBy != "" {
		p, err := printers.SelectPath(o.SortBy)
		if err != nil {
			return fmt.Errorf("couldn't parse --sort-by %q: %w", o.SortBy, err)
		}
		sortPath = &p
	}
	targets, err := f.parseTargets(ctx, args)
	if err != nil {
		return err
	}
	c, err := f.Client()
	if err != nil {
		return err
	}
	ns, _ := f.DefaultNamespace()
	if o.AllNamespaces {
		ns = ""
	}
	lo := listOptions{labelSelector: o.Selector, fieldSelector: o.FieldSelector}
	if o.Watch || o.WatchOnly {
		if len(targets) != 1 {
			return fmt.Errorf("you may only specify a single resource type")
		}
		return o.watch(ctx, f, c, targets[0], ns, lo, printer)
	}
	var errs Aggregate
	if printer != nil {
		var objs []map[string]any
		single := len(targets) == 1 && len(targets[0].names) == 1
		for _, t := range targets {
			if len(t.names) == 0 {
				items, _, err := listJSON(ctx, c, t.info, ns, lo)
				if err != nil {
					return err
				}
				objs = append(objs, items...)
				single = false
				continue
			}
			for _, n := range t.names {
				obj, err := getJSON(ctx, c, t.info, ns, n)
				if err != nil {
					if o.IgnoreNotFound && apierrors.IsNotFound(err) {
						continue
					}
					errs = append(errs, err)
					continue
				}
				objs = append(objs, obj)
			}
		}
		if sortPath != nil {
			printers.SortItems(objs, *sortPath)
		}
		switch {
		case single && len(objs) == 1:
			if err := printer.PrintObject(f.Out, objs[0]); err != nil {
				return err
			}
		case len(objs) > 0 || o.Output == "json" || o.Output == "yaml":
			if err := printer.PrintObject(f.Out, printers.ListOf(objs)); err != nil {
				return err
			}
		case len(errs) == 0:
			o.noResources(f, targets, ns)
		}
		return errs.ErrOrNil()
	}
	printed := 0
	withKind := len(targets) > 1
	for _, t := range targets {
		var table *printers.Table
		if len(t.names) == 0 {
			q := lo
			if sortPath != nil {
				q.extra = map[string][]string{"includeObject": {"Object"}}
			}
			table, err = listTable(ctx, c, t.info, ns, q)
			if err != nil {
				return err
			}
		} else {
			for _, n := range t.names {
				resp, err := c.Do(ctx, client.Request{Method: http.MethodGet, Path: t.info.Path(ns, n), Accept: client.AcceptTable})
				if err != nil {
					if o.IgnoreNotFound && apierrors.IsNotFound(err) {
						continue
					}
					errs = append(errs, err)
					continue
				}
				one, err := tableFromResponse(resp.Body)
				if err != nil {
					return err
				}
				if table == nil {
					table = one
				} else {
					table.Rows = append(table.Rows, one.Rows...)
				}
			}
		}
		if table == nil || len(table.Rows) == 0 {
			continue
		}
		if sortPath != nil {
			printers.SortRows(table.Rows, *sortPath)
		}
		topts := o.tableOptions(t.info)
		if withKind {
			topts.Kind = t.info.KindForName()
		}
		if printed > 0 {
			fmt.Fprintln(f.Out)
		}
		cw := &printers.ColumnWriter{Out: f.Out}
		if err := cw.Write(printers.TableRows(table, topts, true)); err != nil {
			return err
		}
		printed++
	}
	if printed == 0 && len(errs) == 0 {
		o.noResources(f, targets, ns)
	}
	return errs.ErrOrNil()
}

func (o *GetOptions) tableOptions(info resource.Info) printers.TableOptions {
	return printers.TableOptions{
		Wide:          o.Output == "wide",
		WithNamespace: o.AllNamespaces && info.Namespaced,
		ShowLabels:    o.ShowLabels,
		LabelColumns:  o.LabelColumns,
		NoHeaders:     o.NoHeaders,
	}
}

func (o *GetOptions) noResources(f *Factory, targets []target, ns string) {
	namespaced := false
	for _, t := range targets {
		namespaced = namespaced || t.info.Namespaced
	}
	if o.AllNamespaces || !namespaced || ns == "" {
		fmt.Fprintln(f.ErrOut, "No resources found")
		return
	}
	fmt.Fprintf(f.ErrOut, "No resources found in %s namespace.\n", ns)
}

// watch prints the initial state (unless --watch-only) and then every event.
func (o *GetOptions) watch(ctx context.Context, f *Factory, c *client.Client, t target, ns string, lo listOptions, printer printers.ObjectPrinter) error {
	if len(t.names) > 1 {
		return fmt.Errorf("watch is only supported on individual resources and resource collections, but a list of resources is found")
	}
	if len(t.names) == 1 {
		if lo.fieldSelector != "" {
			lo.fieldSelector += ","
		}
		lo.fieldSelector += "metadata.name=" + t.names[0]
	}
	topts := o.tableOptions(t.info)
	cw := &printers.ColumnWriter{Out: f.Out}
	var cols []printers.ColumnDefinition
	rv := ""
	headerDone := false
	if printer == nil {
		table, err := listTable(ctx, c, t.info, ns, lo)
		if err != nil {
			return err
		}
		rv = table.Metadata.ResourceVersion
		cols = table.ColumnDefinitions
		if !o.WatchOnly && len(table.Rows) > 0 {
			if err := cw.Write(printers.TableRows(table, topts, true)); err != nil {
				return err
			}
			headerDone = true
		} else if !o.WatchOnly {
			o.noResources(f, []target{t}, ns)
		}
	} else {
		items, listRV, err := listJSON(ctx, c, t.info, ns, lo)
		if err != nil {
			return err
		}
		rv = listRV
		if !o.WatchOnly {
			for _, it := range items {
				if err := printer.PrintObject(f.Out, it); err != nil {
					return err
				}
			}
		}
	}
	q := lo.query()
	q.Set("watch", "true")
	q.Set("resourceVersion", rv)
	accept := client.AcceptJSON
	if printer == nil {
		accept = client.AcceptTable
	}
	events, err := c.Watch(ctx, client.Request{Method: http.MethodGet, Path: t.info.Path(ns, ""), Query: q, Accept: accept})
	if err != nil {
		return err
	}
	for ev := range events {
		if ev.Type == "BOOKMARK" {
			continue
		}
		if ev.Type == "ERROR" {
			st := client.StatusErrorFor(500, ev.Object)
			return st
		}
		if printer != nil {
			obj, err := decodeMap(ev.Object)
			if err != nil {
				return err
			}
			if err := printer.PrintObject(f.Out, obj); err != nil {
				return err
			}
			continue
		}
		table, err := tableFromResponse(ev.Object)
		if err != nil {
			return err
		}
		if len(table.ColumnDefinitions) == 0 {
			table.ColumnDefinitions = cols
		} else {
			cols = table.ColumnDefinitions
		}
		if err := cw.Write(printers.TableRows(table, topts, !headerDone)); err != nil {
			return err
		}
		headerDone = true
	}
	return nil
}

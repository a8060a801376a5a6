package cmd

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/spf13/cobra"

	apierrors "keel.dev/apimachinery/pkg/api/errors"

	"keel.dev/keel/pkg/ctl/client"
	"keel.dev/keel/pkg/ctl/resource"
)

// DeleteOptions are the flags of delete.
type DeleteOptions struct {
	Files          []string
	Recursive      bool
	Selector       string
	FieldSelector  string
	All            bool
	AllNamespaces  bool
	GracePeriod    int
	Now            bool
	Force          bool
	Wait           bool
	Timeout        time.Duration
	IgnoreNotFound bool
	Cascade        string
	Output         string
}

// NewDeleteCommand returns `delete`.
func NewDeleteCommand(f *Factory) *cobra.Command {
	o := &DeleteOptions{}
	c := &cobra.Command{
		Use:   "delete ([-f FILENAME] | TYPE [(NAME | -l label | --all)])",
		Short: "Delete resources by file names, stdin, resources and names, or by resources and label selector",
		RunE: func(cmd *cobra.Command, args []string) error {
			return o.Run(cmd.Context(), f, args)
		},
	}
	fl := c.Flags()
	fl.StringSliceVarP(&o.Files, "filename", "f", nil, "Files with the objects to delete")
	fl.BoolVarP(&o.Recursive, "recursive", "R", false, "Process directories recursively")
	fl.StringVarP(&o.Selector, "selector", "l", "", "Label selector")
	fl.StringVar(&o.FieldSelector, "field-selector", "", "Field selector")
	fl.BoolVar(&o.All, "all", false, "Delete all resources of the type in the namespace")
	fl.BoolVarP(&o.AllNamespaces, "all-namespaces", "A", false, "Delete across all namespaces")
	fl.IntVar(&o.GracePeriod, "grace-period", -1, "Seconds given to the resource to terminate gracefully (-1: the resource's default)")
	fl.BoolVar(&o.Now, "now", false, "Signal resources for immediate shutdown (same as --grace-period=1)")
	fl.BoolVar(&o.Force, "force", false, "Delete immediately, without waiting for confirmation of termination")
	fl.BoolVar(&o.Wait, "wait", true, "Wait for resources to be gone before returning")
	fl.DurationVar(&o.Timeout, "timeout", 0, "How long to wait for the deletion (0: a week)")
	fl.BoolVar(&o.IgnoreNotFound, "ignore-not-found", false, "Treat \"resource not found\" as a successful delete")
	fl.StringVar(&o.Cascade, "cascade", "background", "background, foreground or orphan")
	fl.StringVarP(&o.Output, "output", "o", "", "Output mode; use \"name\" for short output (resource/name)")
	return c
}

type deleteTarget struct {
	info resource.Info
	ns   string
	name string
}

// Run executes delete.
func (o *DeleteOptions) Run(ctx context.Context, f *Factory, args []string) error {
	c, err := f.Client()
	if err != nil {
		return err
	}
	ns, _ := f.DefaultNamespace()
	var targets []deleteTarget
	switch {
	case len(o.Files) > 0:
		ms, err := f.readManifests(o.Files, o.Recursive)
		if err != nil {
			return err
		}
		objs, err := f.resolveManifests(ctx, ms)
		if err != nil {
			return err
		}
		for _, r := range objs {
			targets = append(targets, deleteTarget{info: r.info, ns: r.ns, name: r.name})
		}
	case len(args) == 0:
		return fmt.Errorf("You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'")
	default:
		ts, err := f.parseTargets(ctx, args)
		if err != nil {
			return err
		}
		for _, t := range ts {
			if len(t.names) > 0 {
				for _, n := range t.names {
					targets = append(targets, deleteTarget{info: t.info, ns: nsFor(t.info, ns), name: n})
				}
				continue
			}
			if !o.All && o.Selector == "" && o.FieldSelector == "" {
				return fmt.Errorf("resource(s) were provided, but no name was specified")
			}
			listNS := ns
			if o.AllNamespaces {
				listNS = ""
			}
			items, _, err := listJSON(ctx, c, t.info, nsFor(t.info, listNS), listOptions{labelSelector: o.Selector, fieldSelector: o.FieldSelector})
			if err != nil {
				return err
			}
			for _, it := range items {
				targets = append(targets, deleteTarget{info: t.info, ns: metaString(it, "namespace"), name: metaString(it, "name")})
			}
		}
		if len(targets) == 0 {
			fmt.Fprintln(f.Out, "No resources found")
			return nil
		}
	}
	body := map[string]any{}
	switch o.Cascade {
	case "background", "true":
		body["propagationPolicy"] = "Background"
	case "foreground":
		body["propagationPolicy"] = "Foreground"
	case "orphan", "false":
		body["propagationPolicy"] = "Orphan"
	default:
		return fmt.Errorf("invalid cascade value (%v). Must be \"background\", \"foreground\", or \"orphan\"", o.Cascade)
	}
	grace := o.GracePeriod
	if o.Now {
		grace = 1
	}
	if o.Force && grace < 0 {
		grace = 0
	}
	if grace >= 0 {
		body["gracePeriodSeconds"] = grace
	}
	if o.Force {
		fmt.Fprintln(f.ErrOut, "Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.")
	}
	payload, _ := json.Marshal(body)
	var errs Aggregate
	var deleted []deleteTarget
	for _, t := range targets {
		resp, err := c.Do(ctx, client.Request{Method: http.MethodDelete, Path: t.info.Path(t.ns, t.name), ContentType: "application/json", Body: payload})
		if err != nil {
			if o.IgnoreNotFound && apierrors.IsNotFound(err) {
				continue
			}
			errs = append(errs, err)
			continue
		}
		_ = resp
		if o.Output == "name" {
			fmt.Fprintf(f.Out, "%s/%s\n", t.info.KindForName(), t.name)
		} else {
			fmt.Fprintf(f.Out, "%s %q deleted\n", t.info.KindForName(), t.name)
		}
		deleted = append(deleted, t)
	}
	if o.Wait && !o.Force && grace != 0 {
		timeout := o.Timeout
		if timeout == 0 {
			timeout = 7 * 24 * time.Hour
		}
		wctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		for _, t := range deleted {
			if err := waitDeleted(wctx, c, t.info, t.ns, t.name); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errs.ErrOrNil()
}

func nsFor(info resource.Info, ns string) string {
	if !info.Namespaced {
		return ""
	}
	return ns
}

// waitDeleted returns once the object is gone (GET 404 or a DELETED event).
func waitDeleted(ctx context.Context, c *client.Client, info resource.Info, ns, name string) error {
	for {
		_, err := c.Do(ctx, client.Request{Method: http.MethodGet, Path: info.Path(ns, name)})
		if apierrors.IsNotFound(err) {
			return nil
		}
		if err != nil {
			if ctx.Err() != nil {
				return fmt.Errorf("timed out waiting for the condition on %s/%s", info.Resource, name)
			}
			return err
		}
		q := url.Values{"fieldSelector": {"metadata.name=" + name}}
		items, rv, err := listJSON(ctx, c, info, ns, listOptions{fieldSelector: "metadata.name=" + name})
		if err != nil {
			return err
		}
		if len(items) == 0 {
			return nil
		}
		q.Set("watch", "true")
		q.Set("resourceVersion", rv)
		events, err := c.Watch(ctx, client.Request{Method: http.MethodGet, Path: info.Path(ns, ""), Query: q})
		if err != nil {
			return err
		}
		for ev := range events {
			if ev.Type == "DELETED" {
				return nil
			}
		}
		if ctx.Err() != nil {
			return fmt.Errorf("timed out waiting for the condition on %s/%s", info.Resource, name)
		}
	}
}

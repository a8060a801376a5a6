package cmd

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/spf13/cobra"

	apierrors "keel.dev/apimachinery/pkg/api/errors"

	"keel.dev/keel/pkg/ctl/client"
	"keel.dev/keel/pkg/ctl/printers"
)

// NewWaitCommand returns `wait`.
func NewWaitCommand(f *Factory) *cobra.Command {
	var forSpec, selector string
	var timeout time.Duration
	var all bool
	c := &cobra.Command{
		Use:   "wait ([-f FILENAME] | resource.group/resource.name | resource.group [(-l label | --all)]) [--for=delete|--for condition=available|--for=jsonpath='{}'[=value]]",
		Short: "Wait for a specific condition on one or many resources",
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			check, err := parseWaitFor(forSpec)
			if err != nil {
				return err
			}
			objs, err := f.objectsFor(ctx, args, selector, all)
			if err != nil {
				return err
			}
			if len(objs) == 0 {
				return fmt.Errorf("no matching resources found")
			}
			c, err := f.Client()
			if err != nil {
				return err
			}
			wctx, cancel := context.WithTimeout(ctx, timeout)
			defer cancel()
			for _, o := range objs {
				if check.deleted {
					// An object already gone meets the condition silently.
					if _, err := getJSON(wctx, c, o.info, o.ns, o.name); apierrors.IsNotFound(err) {
						continue
					}
				}
				if err := waitOne(wctx, c, o, check); err != nil {
					return err
				}
				fmt.Fprintf(f.Out, "%s/%s condition met\n", o.info.KindForName(), o.name)
			}
			return nil
		},
	}
	c.Flags().StringVar(&forSpec, "for", "", "The condition to wait on: [create|delete|condition=condition-name[=condition-value]|jsonpath='{JSONPath expression}'=[JSONPath value]]")
	c.Flags().DurationVar(&timeout, "timeout", 30*time.Second, "The length of time to wait before giving up")
	c.Flags().StringVarP(&selector, "selector", "l", "", "Label selector")
	c.Flags().BoolVar(&all, "all", false, "Select all resources in the namespace of the specified resource types")
	return c
}

// waitCheck reports whether an object (nil when absent) meets the condition.
type waitCheck struct {
	deleted bool
	check   func(obj map[string]any) bool
}

func parseWaitFor(spec string) (waitCheck, error) {
	switch {
	case spec == "delete":
		return waitCheck{deleted: true}, nil
	case spec == "create":
		return waitCheck{check: func(map[string]any) bool { return true }}, nil
	case strings.HasPrefix(strings.ToLower(spec), "condition="):
		cond := spec[len("condition="):]
		want := "true"
		if i := strings.Index(cond, "="); i >= 0 {
			cond, want = cond[:i], cond[i+1:]
		}
		return waitCheck{check: func(obj map[string]any) bool {
			conds, _ := get(obj, "status", "conditions").([]any)
			for _, c := range conds {
				cm, _ := c.(map[string]any)
				if strings.EqualFold(gets(cm, "type"), cond) && strings.EqualFold(gets(cm, "status"), want) {
					if og := num(cm, "observedGeneration"); og > 0 && og < num(obj, "metadata", "generation") {
						return false
					}
					return true
				}
			}
			return false
		}}, nil
	case strings.HasPrefix(spec, "jsonpath="):
		expr := spec[len("jsonpath="):]
		value, hasValue := "", false
		if i := strings.LastIndex(expr, "}="); i >= 0 {
			expr, value, hasValue = expr[:i+1], expr[i+2:], true
		}
		path, err := printers.SelectPath(expr)
		if err != nil {
			return waitCheck{}, fmt.Errorf("unrecognized JSONPath expression %q: %w", expr, err)
		}
		return waitCheck{check: func(obj map[string]any) bool {
			vals := path.Select(obj)
			if len(vals) == 0 {
				return false
			}
			return !hasValue || printers.ValueString(vals[0]) == value
		}}, nil
	}
	return waitCheck{}, fmt.Errorf("--for must be set to one of: create, delete, condition=<name>, jsonpath=<expr>")
}

func waitOne(ctx context.Context, c *client.Client, o object, w waitCheck) error {
	timeoutErr := fmt.Errorf("timed out waiting for the condition on %s/%s", o.info.Resource, o.name)
	for {
		items, rv, err := listJSON(ctx, c, o.info, o.ns, listOptions{fieldSelector: "metadata.name=" + o.name})
		if err != nil {
			if ctx.Err() != nil {
				return timeoutErr
			}
			return err
		}
		if w.deleted && len(items) == 0 {
			return nil
		}
		if !w.deleted && len(items) > 0 && w.check(items[0]) {
			return nil
		}
		q := url.Values{"fieldSelector": {"metadata.name=" + o.name}, "watch": {"true"}, "resourceVersion": {rv}, "allowWatchBookmarks": {"true"}}
		events, err := c.Watch(ctx, client.Request{Method: http.MethodGet, Path: o.info.Path(o.ns, ""), Query: q})
		if err != nil {
			if ctx.Err() != nil {
				return timeoutErr
			}
			return err
		}
		for ev := range events {
			switch ev.Type {
			case "DELETED":
				if w.deleted {
					return nil
				}
			case "ADDED", "MODIFIED":
				if w.deleted {
					continue
				}
				obj, err := decodeMap(ev.Object)
				if err != nil {
					return err
				}
				if w.check(obj) {
					return nil
				}
			}
		}
		if ctx.Err() != nil {
			return timeoutErr
		}
	}
}

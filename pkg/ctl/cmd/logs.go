package cmd

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"keel.dev/keel/pkg/ctl/client"
)

// LogsOptions are the flags of logs.
type LogsOptions struct {
	Container     string
	Follow        bool
	Previous      bool
	Tail          int64
	Since         time.Duration
	Timestamps    bool
	Selector      string
	AllContainers bool
}

// NewLogsCommand returns `logs`.
func NewLogsCommand(f *Factory) *cobra.Command {
	o := &LogsOptions{}
	c := &cobra.Command{
		Use:   "logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]",
		Short: "Print the logs for a container in a pod",
		RunE: func(cmd *cobra.Command, args []string) error {
			return o.Run(cmd.Context(), f, args)
		},
	}
	fl := c.Flags()
	fl.StringVarP(&o.Container, "container", "c", "", "Print the logs of this container")
	fl.BoolVarP(&o.Follow, "follow", "f", false, "Specify if the logs should be streamed")
	fl.BoolVarP(&o.Previous, "previous", "p", false, "Print the logs for the previous instance of the container")
	fl.Int64Var(&o.Tail, "tail", -1, "Lines of recent log file to display")
	fl.DurationVar(&o.Since, "since", 0, "Only return logs newer than a relative duration like 5s, 2m, or 3h")
	fl.BoolVar(&o.Timestamps, "timestamps", false, "Include timestamps on each line in the log output")
	fl.StringVarP(&o.Selector, "selector", "l", "", "Selector (label query) to filter on")
	fl.BoolVar(&o.AllContainers, "all-containers", false, "Get all containers' logs in the pod(s)")
	return c
}

// Run executes logs.
func (o *LogsOptions) Run(ctx context.Context, f *Factory, args []string) error {
	c, err := f.Client()
	if err != nil {
		return err
	}
	ns, _ := f.DefaultNamespace()
	pods, err := f.Resolve(ctx, "pods")
	if err != nil {
		return err
	}
	var podObjs []map[string]any
	switch {
	case o.Selector != "":
		items, _, err := listJSON(ctx, c, pods, ns, listOptions{labelSelector: o.Selector})
		if err != nil {
			return err
		}
		if len(items) == 0 {
			fmt.Fprintf(f.ErrOut, "No resources found in %s namespace.\n", ns)
			return nil
		}
		podObjs = items
	case len(args) == 1 || (len(args) == 2 && o.Container == "" && !strings.Contains(args[0], "/")):
		if len(args) == 2 {
			o.Container = args[1]
		}
		ref := args[0]
		if !strings.Contains(ref, "/") {
			ref = "pods/" + ref
		}
		typ, name, _ := strings.Cut(ref, "/")
		info, err := f.Resolve(ctx, typ)
		if err != nil {
			return err
		}
		obj, err := getJSON(ctx, c, info, nsFor(info, ns), name)
		if err != nil {
			return err
		}
		if info.Kind == "Pod" {
			podObjs = []map[string]any{obj}
			break
		}
		sel := selectorString(obj)
		if sel == "" {
			return fmt.Errorf("cannot get the logs from %s", info.GroupKind())
		}
		items, _, err := listJSON(ctx, c, pods, ns, listOptions{labelSelector: sel})
		if err != nil {
			return err
		}
		if len(items) == 0 {
			return fmt.Errorf("timed out waiting for the condition")
		}
		if len(items) > 1 {
			fmt.Fprintf(f.ErrOut, "Found %d pods, using pod/%s\n", len(items), metaString(items[0], "name"))
		}
		podObjs = items[:1]
	default:
		return fmt.Errorf("expected POD or TYPE/NAME as the argument, got %d arguments", len(args))
	}
	for _, pod := range podObjs {
		containers := containerNames(pod)
		var which []string
		switch {
		case o.AllContainers:
			which = containers
		case o.Container != "":
			which = []string{o.Container}
		default:
			if len(containers) == 0 {
				return fmt.Errorf("pod %s has no containers", metaString(pod, "name"))
			}
			def := containers[0]
			md, _ := pod["metadata"].(map[string]any)
			ann, _ := md["annotations"].(map[string]any)
			if d, ok := ann["kubectl.kubernetes.io/default-container"].(string); ok && d != "" {
				def = d
			} else if len(containers) > 1 {
				fmt.Fprintf(f.ErrOut, "Defaulted container %q out of: %s\n", def, strings.Join(containers, ", "))
			}
			which = []string{def}
		}
		for _, ct := range which {
			if err := o.stream(ctx, f, c, metaString(pod, "namespace"), metaString(pod, "name"), ct); err != nil {
				return err
			}
		}
	}
	return nil
}

func (o *LogsOptions) stream(ctx context.Context, f *Factory, c *client.Client, ns, pod, container string) error {
	q := url.Values{"container": {container}}
	if o.Follow {
		q.Set("follow", "true")
	}
	if o.Previous {
		q.Set("previous", "true")
	}
	if o.Tail >= 0 {
		q.Set("tailLines", strconv.FormatInt(o.Tail, 10))
	}
	if o.Since > 0 {
		q.Set("sinceSeconds", strconv.FormatInt(int64((o.Since+time.Second-1)/time.Second), 10))
	}
	if o.Timestamps {
		q.Set("timestamps", "true")
	}
	body, err := c.Stream(ctx, client.Request{Method: http.MethodGet, Path: "/api/v1/namespaces/" + ns + "/pods/" + pod + "/log", Query: q, Accept: "*/*"})
	if err != nil {
		return err
	}
	defer body.Close()
	_, err = io.Copy(f.Out, body)
	if ctx.Err() != nil {
		return nil
	}
	return err
}

func containerNames(pod map[string]any) []string {
	spec, _ := pod["spec"].(map[string]any)
	cs, _ := spec["containers"].([]any)
	var out []string
	for _, c := range cs {
		if m, ok := c.(map[string]any); ok {
			if n, ok := m["name"].(string); ok {
				out = append(out, n)
			}
		}
	}
	return out
}

// selectorString turns spec.selector (matchLabels or a plain map) into a label selector.
func selectorString(obj map[string]any) string {
	spec, _ := obj["spec"].(map[string]any)
	sel, _ := spec["selector"].(map[string]any)
	if sel == nil {
		return ""
	}
	labels := sel
	if ml, ok := sel["matchLabels"].(map[string]any); ok || sel["matchExpressions"] != nil {
		labels = ml
	}
	var parts []string
	for _, k := range sortedKeys(labels) {
		parts = append(parts, fmt.Sprintf("%s=%v", k, labels[k]))
	}
	if me, ok := sel["matchExpressions"].([]any); ok {
		for _, e := range me {
			m, _ := e.(map[string]any)
			vals, _ := m["values"].([]any)
			var vs []string
			for _, v := range vals {
				vs = append(vs, fmt.Sprint(v))
			}
			key := fmt.Sprint(m["key"])
			switch m["operator"] {
			case "In":
				parts = append(parts, fmt.Sprintf("%s in (%s)", key, strings.Join(vs, ",")))
			case "NotIn":
				parts = append(parts, fmt.Sprintf("%s notin (%s)", key, strings.Join(vs, ",")))
			case "Exists":
				parts = append(parts, key)
			case "DoesNotExist":
				parts = append(parts, "!"+key)
			}
		}
	}
	return strings.Join(parts, ",")
}

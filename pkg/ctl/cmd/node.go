package cmd

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/spf13/cobra"

	apierrors "keel.dev/apimachinery/pkg/api/errors"

	"keel.dev/keel/pkg/ctl/client"
)

func (f *Factory) nodeObjects(ctx context.Context, args []string, selector string) ([]object, error) {
	if len(args) > 0 && !strings.Contains(args[0], "/") {
		args = append([]string{"nodes"}, args...)
	}
	if len(args) == 0 {
		args = []string{"nodes"}
	}
	return f.objectsFor(ctx, args, selector, false)
}

// cordon sets spec.unschedulable and prints kubectl's message.
func (f *Factory) cordon(ctx context.Context, o object, on bool) error {
	c, err := f.Client()
	if err != nil {
		return err
	}
	n, err := getJSON(ctx, c, o.info, "", o.name)
	if err != nil {
		return err
	}
	cur, _ := get(n, "spec", "unschedulable").(bool)
	verb := map[bool]string{true: "cordoned", false: "uncordoned"}[on]
	if cur == on {
		fmt.Fprintf(f.Out, "node/%s already %s\n", o.name, verb)
		return nil
	}
	patch := `{"spec":{"unschedulable":true}}`
	if !on {
		patch = `{"spec":{"unschedulable":null}}`
	}
	if _, err := f.patchObject(ctx, o, "", "application/strategic-merge-patch+json", managerCordon, []byte(patch)); err != nil {
		return err
	}
	fmt.Fprintf(f.Out, "node/%s %s\n", o.name, verb)
	return nil
}

func newCordonCommand(f *Factory, on bool) *cobra.Command {
	use := map[bool]string{true: "cordon", false: "uncordon"}[on]
	var selector string
	c := &cobra.Command{
		Use:   use + " NODE",
		Short: "Mark node as " + map[bool]string{true: "unschedulable", false: "schedulable"}[on],
		RunE: func(cmd *cobra.Command, args []string) error {
			objs, err := f.nodeObjects(cmd.Context(), args, selector)
			if err != nil {
				return err
			}
			for _, o := range objs {
				if err := f.cordon(cmd.Context(), o, on); err != nil {
					return err
				}
			}
			return nil
		},
	}
	c.Flags().StringVarP(&selector, "selector", "l", "", "Selector (label query) to filter on")
	return c
}

func newDrainCommand(f *Factory) *cobra.Command {
	var force, ignoreDS, deleteEmptyDir bool
	var grace int
	var timeout time.Duration
	var selector string
	c := &cobra.Command{
		Use:   "drain NODE",
		Short: "Drain node in preparation for maintenance",
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			if timeout > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, timeout)
				defer cancel()
			}
			objs, err := f.nodeObjects(ctx, args, selector)
			if err != nil {
				return err
			}
			c, err := f.Client()
			if err != nil {
				return err
			}
			podsInfo, err := f.Resolve(ctx, "pods")
			if err != nil {
				return err
			}
			for _, o := range objs {
				if err := f.cordon(ctx, o, true); err != nil {
					return err
				}
				pods, _, err := listJSON(ctx, c, podsInfo, "", listOptions{fieldSelector: "spec.nodeName=" + o.name})
				if err != nil {
					return err
				}
				var evict []map[string]any
				var problems, warnings []string
				for _, p := range pods {
					phase := gets(p, "status", "phase")
					if phase == "Succeeded" || phase == "Failed" {
						evict = append(evict, p)
						continue
					}
					if _, mirror := getMap(p, "metadata", "annotations")["kubernetes.io/config.mirror"]; mirror {
						continue
					}
					owner := controllerOf(p)
					switch {
					case owner == "DaemonSet":
						if !ignoreDS {
							problems = append(problems, "cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): "+metaString(p, "namespace")+"/"+metaString(p, "name"))
						} else {
							warnings = append(warnings, metaString(p, "namespace")+"/"+metaString(p, "name"))
						}
						continue
					case owner == "" && !force:
						problems = append(problems, "cannot delete Pods that declare no controller (use --force to override): "+metaString(p, "namespace")+"/"+metaString(p, "name"))
						continue
					}
					evict = append(evict, p)
				}
				if len(problems) > 0 {
					return fmt.Errorf("unable to drain node %q due to error: %s, continuing command...\nThere are pending nodes to be drained:\n %s", o.name, strings.Join(problems, ", "), o.name)
				}
				if len(warnings) > 0 {
					fmt.Fprintf(f.ErrOut, "Warning: ignoring DaemonSet-managed Pods: %s\n", strings.Join(warnings, ", "))
				}
				for _, p := range evict {
					ns, name := metaString(p, "namespace"), metaString(p, "name")
					fmt.Fprintf(f.Out, "evicting pod %s/%s\n", ns, name)
					body := map[string]any{"apiVersion": "policy/v1", "kind": "Eviction", "metadata": map[string]any{"name": name, "namespace": ns}, "deleteOptions": map[string]any{}}
					if grace >= 0 {
						body["deleteOptions"] = map[string]any{"gracePeriodSeconds": grace}
					}
					b, _ := json.Marshal(body)
					for {
						_, err := c.Do(ctx, client.Request{Method: http.MethodPost, Path: podsInfo.Path(ns, name, "eviction"), ContentType: "application/json", Body: b})
						if err == nil || apierrors.IsNotFound(err) {
							break
						}
						if !apierrors.IsTooManyRequests(err) {
							return err
						}
						fmt.Fprintf(f.ErrOut, "error when evicting pods/%q -n %q (will retry after 5s): %s\n", name, ns, err.Error())
						select {
						case <-ctx.Done():
							return ctx.Err()
						case <-time.After(5 * time.Second):
						}
					}
				}
				for _, p := range evict {
					ns, name := metaString(p, "namespace"), metaString(p, "name")
					if err := waitDeleted(ctx, c, podsInfo, ns, name); err != nil {
						return err
					}
					fmt.Fprintf(f.Out, "pod/%s evicted\n", name)
				}
				fmt.Fprintf(f.Out, "node/%s drained\n", o.name)
			}
			return nil
		},
	}
	c.Flags().BoolVar(&force, "force", false, "Continue even if there are pods that do not declare a controller")
	c.Flags().BoolVar(&ignoreDS, "ignore-daemonsets", false, "Ignore DaemonSet-managed pods")
	c.Flags().BoolVar(&deleteEmptyDir, "delete-emptydir-data", false, "Continue even if there are pods using emptyDir")
	c.Flags().IntVar(&grace, "grace-period", -1, "Period of time in seconds given to each pod to terminate gracefully")
	c.Flags().DurationVar(&timeout, "timeout", 0, "The length of time to wait before giving up, zero means infinite")
	c.Flags().StringVarP(&selector, "selector", "l", "", "Selector (label query) to filter on")
	return c
}

func getMap(m map[string]any, path ...string) map[string]any {
	v, _ := get(m, path...).(map[string]any)
	return v
}

func controllerOf(p map[string]any) string {
	refs, _ := get(p, "metadata", "ownerReferences").([]any)
	for _, r := range refs {
		rm, _ := r.(map[string]any)
		if rm["controller"] == true {
			return gets(rm, "kind")
		}
	}
	return ""
}

func newTaintCommand(f *Factory) *cobra.Command {
	var overwrite bool
	var selector string
	c := &cobra.Command{
		Use:   "taint NODE NAME KEY_1=VAL_1:TAINT_EFFECT_1 ... KEY_N=VAL_N:TAINT_EFFECT_N",
		Short: "Update the taints on one or more nodes",
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			var resArgs []string
			type taint struct{ key, value, effect string }
			var add, remove []taint
			for _, a := range args {
				switch {
				case strings.HasSuffix(a, "-") && (strings.Contains(a, ":") || len(resArgs) >= 2 || strings.Contains(strings.Join(resArgs, ""), "/")):
					spec := strings.TrimSuffix(a, "-")
					k, e, _ := strings.Cut(spec, ":")
					remove = append(remove, taint{key: k, effect: e})
				case strings.Contains(a, ":") || strings.Contains(a, "="):
					kv, e, ok := strings.Cut(a, ":")
					if !ok || e == "" {
						return fmt.Errorf("invalid taint spec: %s", a)
					}
					k, v, _ := strings.Cut(kv, "=")
					add = append(add, taint{k, v, e})
				default:
					resArgs = append(resArgs, a)
				}
			}
			if len(add) == 0 && len(remove) == 0 {
				return fmt.Errorf("at least one taint update is required")
			}
			objs, err := f.objectsFor(ctx, resArgs, selector, false)
			if err != nil {
				return err
			}
			c, err := f.Client()
			if err != nil {
				return err
			}
			for _, o := range objs {
				n, err := getJSON(ctx, c, o.info, "", o.name)
				if err != nil {
					return err
				}
				cur, _ := get(n, "spec", "taints").([]any)
				var out []any
				removed := false
				for _, t := range cur {
					tm, _ := t.(map[string]any)
					drop := false
					for _, r := range remove {
						if gets(tm, "key") == r.key && (r.effect == "" || gets(tm, "effect") == r.effect) {
							drop, removed = true, true
						}
					}
					for _, a := range add {
						if gets(tm, "key") == a.key && gets(tm, "effect") == a.effect {
							if !overwrite {
								return fmt.Errorf("node %s already has %s taint(s) with same effect(s) and --overwrite is false", o.name, a.key)
							}
							drop = true
						}
					}
					if !drop {
						out = append(out, tm)
					}
				}
				for _, r := range remove {
					found := false
					for _, t := range cur {
						tm, _ := t.(map[string]any)
						found = found || (gets(tm, "key") == r.key && (r.effect == "" || gets(tm, "effect") == r.effect))
					}
					if !found {
						return fmt.Errorf("taint %q not found", r.key+map[bool]string{true: "", false: ":" + r.effect}[r.effect == ""])
					}
				}
				for _, a := range add {
					t := map[string]any{"key": a.key, "effect": a.effect}
					if a.value != "" {
						t["value"] = a.value
					}
					out = append(out, t)
				}
				var patch []byte
				if len(out) == 0 {
					patch = []byte(`{"spec":{"taints":null}}`)
				} else {
					patch, _ = json.Marshal(map[string]any{"spec": map[string]any{"taints": out}})
				}
				if _, err := f.patchObject(ctx, o, "", "application/strategic-merge-patch+json", managerTaint, patch); err != nil {
					return err
				}
				verb := "tainted"
				if removed && len(add) == 0 {
					verb = "untainted"
				} else if removed || overwrite && len(add) > 0 && len(cur) > 0 && len(out) <= len(cur) {
					verb = "modified"
				}
				fmt.Fprintf(f.Out, "node/%s %s\n", o.name, verb)
			}
			return nil
		},
	}
	c.Flags().BoolVar(&overwrite, "overwrite", false, "Allow taints to be overwritten")
	c.Flags().StringVarP(&selector, "selector", "l", "", "Selector (label query) to filter on")
	return c
}

package cmd

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"

	"github.com/spf13/cobra"

	"keel.dev/keel/pkg/ctl/apply"
	"keel.dev/keel/pkg/ctl/client"
	"keel.dev/keel/pkg/ctl/printers"
	"keel.dev/keel/pkg/ctl/resource"
)

// Field managers ctl sends; they mirror kubectl's with "ctl" for "kubectl".
const (
	managerCreate      = "ctl-create"
	managerClientApply = "ctl-client-side-apply"
	managerServerApply = "ctl"
	managerLabel       = "ctl-label"
	managerAnnotate    = "ctl-annotate"
	managerPatch       = "ctl-patch"
	managerRollout     = "ctl-rollout"
	managerSet         = "ctl-set"
	managerEdit        = "ctl-edit"
	managerCordon      = "ctl-cordon"
	managerTaint       = "ctl-taint"
)

// writeOptions are the flags shared by commands that change objects.
type writeOptions struct {
	Output string
	DryRun string
	// SaveConfig records the object as the last applied configuration (create).
	SaveConfig bool
}

func (w *writeOptions) addFlags(c *cobra.Command) {
	c.Flags().StringVarP(&w.Output, "output", "o", "", "Output format: json, yaml, name, jsonpath=...")
	c.Flags().StringVar(&w.DryRun, "dry-run", "none", "none, client or server")
	c.Flags().Lookup("dry-run").NoOptDefVal = "client"
}

// addCreateFlags adds the write flags plus --save-config.
func (w *writeOptions) addCreateFlags(c *cobra.Command) {
	w.addFlags(c)
	c.Flags().BoolVar(&w.SaveConfig, "save-config", false, "Record the object in the last-applied-configuration annotation so that ctl apply can manage it")
}

func (w *writeOptions) query(manager string) url.Values {
	q := url.Values{}
	if manager != "" {
		q.Set("fieldManager", manager)
	}
	q.Set("fieldValidation", "Strict")
	if w.DryRun == "server" {
		q.Set("dryRun", "All")
	}
	return q
}

// report prints an object after an operation: with -o through the printer,
// else "kind/name <operation>" (with " (dry run)" / " (server dry run)").
func (f *Factory) report(w *writeOptions, obj map[string]any, operation string) error {
	if w.Output != "" && w.Output != "name" {
		p, err := objectPrinter(w.Output, false)
		if err != nil {
			return err
		}
		return p.PrintObject(f.Out, obj)
	}
	if w.Output == "name" {
		fmt.Fprintln(f.Out, printers.QualifiedName(obj))
		return nil
	}
	switch w.DryRun {
	case "client":
		operation += " (dry run)"
	case "server":
		operation += " (server dry run)"
	}
	fmt.Fprintf(f.Out, "%s %s\n", printers.QualifiedName(obj), operation)
	return nil
}

// createObject POSTs obj (or only prints it with --dry-run=client).
func (f *Factory) createObject(ctx context.Context, w *writeOptions, info resource.Info, ns string, obj map[string]any) (map[string]any, error) {
	if w.SaveConfig {
		if err := setLastApplied(obj); err != nil {
			return nil, err
		}
	}
	if w.DryRun == "client" {
		return obj, nil
	}
	c, err := f.Client()
	if err != nil {
		return nil, err
	}
	body, err := json.Marshal(obj)
	if err != nil {
		return nil, err
	}
	resp, err := c.Do(ctx, client.Request{Method: http.MethodPost, Path: info.Path(ns, ""), Query: w.query(managerCreate), ContentType: "application/json", Body: body})
	if err != nil {
		return nil, err
	}
	return decodeMap(resp.Body)
}

// NewCreateCommand returns `create` with -f and the generators.
func NewCreateCommand(f *Factory) *cobra.Command {
	w := &writeOptions{}
	var files []string
	var recursive bool
	c := &cobra.Command{
		Use:   "create -f FILENAME",
		Short: "Create a resource from a file or from stdin",
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(files) == 0 {
				return fmt.Errorf("must specify one of -f and -k")
			}
			ctx := cmd.Context()
			ms, err := f.readManifests(files, recursive)
			if err != nil {
				return err
			}
			objs, err := f.resolveManifests(ctx, ms)
			if err != nil {
				return err
			}
			var errs Aggregate
			for _, o := range objs {
				if o.info.Namespaced {
					o.obj["metadata"].(map[string]any)["namespace"] = o.ns
				}
				out, err := f.createObject(ctx, w, o.info, o.ns, o.obj)
				if err != nil {
					errs = append(errs, withSource(err, "creating", o.source))
					continue
				}
				if err := f.report(w, out, "created"); err != nil {
					return err
				}
			}
			return errs.ErrOrNil()
		},
	}
	c.Flags().StringSliceVarP(&files, "filename", "f", nil, "Files, directories or - (stdin) with the objects to create")
	c.Flags().BoolVarP(&recursive, "recursive", "R", false, "Process directories recursively")
	w.addCreateFlags(c)
	c.AddCommand(newCreateNamespace(f), newCreateDeployment(f), newCreateService(f), newCreateConfigMap(f),
		newCreateSecret(f), newCreateJob(f), newCreateCronJob(f))
	return c
}

// generate runs a generator: it resolves kind, builds obj and creates it.
func (f *Factory) generate(ctx context.Context, w *writeOptions, resourceName string, obj map[string]any) error {
	info, err := f.Resolve(ctx, resourceName)
	if err != nil {
		if w.DryRun != "client" {
			return err
		}
	}
	ns, _ := f.DefaultNamespace()
	if info.Namespaced || (err != nil && obj["kind"] != "Namespace") {
		obj["metadata"].(map[string]any)["namespace"] = ns
	}
	if w.DryRun == "client" {
		markUnsetTimestamps(obj)
	}
	out, err := f.createObject(ctx, w, info, ns, obj)
	if err != nil {
		return err
	}
	return f.report(w, out, "created")
}

// markUnsetTimestamps adds creationTimestamp: null to every object meta of a
// generated object, which is how kubectl prints client dry runs.
func markUnsetTimestamps(obj map[string]any) {
	for _, path := range [][]string{{"metadata"}, {"spec", "template", "metadata"}, {"spec", "jobTemplate", "metadata"}, {"spec", "jobTemplate", "spec", "template", "metadata"}} {
		if m, ok := get(obj, path...).(map[string]any); ok {
			m["creationTimestamp"] = nil
		}
	}
}

// setLastApplied stores obj (without the annotation itself) in its
// last-applied-configuration annotation.
func setLastApplied(obj map[string]any) error {
	md, _ := obj["metadata"].(map[string]any)
	if md == nil {
		md = map[string]any{}
		obj["metadata"] = md
	}
	ann, _ := md["annotations"].(map[string]any)
	if ann != nil {
		delete(ann, apply.LastAppliedAnnotation)
		if len(ann) == 0 {
			delete(md, "annotations")
		}
	}
	data, err := json.Marshal(obj)
	if err != nil {
		return err
	}
	if ann == nil {
		ann = map[string]any{}
	}
	ann[apply.LastAppliedAnnotation] = string(data) + "\n"
	md["annotations"] = ann
	return nil
}

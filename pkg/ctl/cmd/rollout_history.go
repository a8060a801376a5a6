package cmd

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"keel.dev/apimachinery/pkg/util/strategicpatch"

	"keel.dev/keel/pkg/ctl/client"
	"keel.dev/keel/pkg/ctl/internal/describe"
	"keel.dev/keel/pkg/ctl/printers"
	"keel.dev/keel/pkg/ctl/resource"
)

// errNoSuchRevision is kubectl's answer for a --revision not in the history.
var errNoSuchRevision = errors.New("unable to find the specified revision")

// historyFormats lists the -o values rollout history accepts, in kubectl's
// error wording.
const historyFormats = "go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,yaml"

func newRolloutHistory(f *Factory) *cobra.Command {
	var revision int64
	var output string
	var showManagedFields bool
	c := &cobra.Command{
		Use:   "history (TYPE NAME | TYPE/NAME) [flags]",
		Short: "View rollout history",
		RunE: func(cmd *cobra.Command, args []string) error {
			if revision < 0 {
				return fmt.Errorf("revision must be a positive integer: %d", revision)
			}
			printer, err := historyPrinter(output)
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			objs, err := f.rolloutObjects(ctx, args)
			if err != nil {
				return err
			}
			c, err := f.Client()
			if err != nil {
				return err
			}
			for _, o := range objs {
				revs, err := f.historyOf(ctx, c, o)
				if err != nil {
					return err
				}
				if printer != nil {
					if err := printRevisionObjects(f, printer, revs, revision, showManagedFields); err != nil {
						return err
					}
					continue
				}
				text, err := historyText(revs, revision)
				if err != nil {
					return err
				}
				header := ""
				if revision > 0 {
					header = fmt.Sprintf("with revision #%d", revision)
				}
				fmt.Fprintf(f.Out, "%s/%s %s\n%s\n", o.info.KindForName(), o.name, header, text)
			}
			return nil
		},
	}
	c.Flags().Int64Var(&revision, "revision", 0, "See the details, including podTemplate of the revision specified")
	c.Flags().StringVarP(&output, "output", "o", "", "Output format. One of: ("+historyFormats+").")
	c.Flags().BoolVar(&showManagedFields, "show-managed-fields", false, "If true, keep the managedFields when printing objects in JSON or YAML format.")
	return c
}

// historyPrinter returns the printer of -o, or nil for the history text.
func historyPrinter(output string) (printers.ObjectPrinter, error) {
	switch {
	case output == "":
		return nil, nil
	case output == "json", output == "yaml", output == "name",
		strings.HasPrefix(output, "jsonpath=") || strings.HasPrefix(output, "jsonpath-as-json="):
		return objectPrinter(output, false)
	}
	return nil, fmt.Errorf("unable to match a printer suitable for the output format %q, allowed formats are: %s", output, historyFormats)
}

// workloadRevision is one revision of a workload: the object kubectl prints
// for it with -o (a Deployment's ReplicaSet; a DaemonSet or StatefulSet as
// the revision would make it) and the pod template it describes.
type workloadRevision struct {
	number   int64
	cause    string
	object   map[string]any
	template map[string]any
	// err says why object and template are missing (a revision whose data
	// does not apply); only showing that revision fails.
	err error
}

// historyOf returns the revisions of a Deployment, DaemonSet or
// StatefulSet, oldest first.
func (f *Factory) historyOf(ctx context.Context, c *client.Client, o object) ([]workloadRevision, error) {
	if o.info.Kind == "Deployment" {
		_, rss, err := f.revisions(ctx, c, o)
		if err != nil {
			return nil, err
		}
		out := make([]workloadRevision, 0, len(rss))
		for _, r := range rss {
			rs := withKind(r.rs, "apps/v1", "ReplicaSet")
			cause := gets(rs, "metadata", "annotations", changeCauseAnnotation)
			tmpl, _ := normalizeJSON(get(rs, "spec", "template")).(map[string]any)
			if cause != "" {
				if tmpl == nil {
					tmpl = map[string]any{}
				}
				md, _ := tmpl["metadata"].(map[string]any)
				if md == nil {
					md = map[string]any{}
					tmpl["metadata"] = md
				}
				ann, _ := md["annotations"].(map[string]any)
				if ann == nil {
					ann = map[string]any{}
					md["annotations"] = ann
				}
				ann[changeCauseAnnotation] = cause
			}
			out = append(out, workloadRevision{number: r.number, cause: cause, object: rs, template: tmpl})
		}
		return out, nil
	}
	obj, crs, err := f.controllerRevisions(ctx, c, o)
	if err != nil {
		return nil, err
	}
	t := goTypeFor(o.info)
	out := make([]workloadRevision, 0, len(crs))
	for _, r := range crs {
		applied, err := applyRevision(obj, r.rs, t)
		tmpl, _ := get(applied, "spec", "template").(map[string]any)
		cause := gets(r.rs, "metadata", "annotations", changeCauseAnnotation)
		out = append(out, workloadRevision{number: r.number, cause: cause, object: applied, template: tmpl, err: err})
	}
	return out, nil
}

// withKind returns obj with apiVersion and kind set (list items lack them).
func withKind(obj map[string]any, apiVersion, kind string) map[string]any {
	out := make(map[string]any, len(obj)+2)
	for k, v := range obj {
		out[k] = v
	}
	out["apiVersion"], out["kind"] = apiVersion, kind
	return out
}

// applyRevision returns a copy of the workload with the ControllerRevision's
// data (a strategic merge patch) applied, as kubectl shows a revision.
func applyRevision(obj, cr map[string]any, t reflect.Type) (map[string]any, error) {
	data, ok := cr["data"].(map[string]any)
	if !ok {
		return nil, fmt.Errorf("controller revision %q has no data", metaString(cr, "name"))
	}
	base, _ := normalizeJSON(obj).(map[string]any)
	patch, _ := normalizeJSON(data).(map[string]any)
	applied, err := strategicpatch.ApplyMap(base, patch, t)
	if err != nil {
		return nil, fmt.Errorf("applying controller revision %q: %w", metaString(cr, "name"), err)
	}
	return applied, nil
}

// historyText is what rollout history prints under an object's name: the
// revision table, or with revision > 0 that revision's pod template.
func historyText(revs []workloadRevision, revision int64) (string, error) {
	if len(revs) == 0 {
		return "No rollout history found.", nil
	}
	var b bytes.Buffer
	if revision > 0 {
		r := findRevision(revs, revision)
		if r == nil {
			return "", errNoSuchRevision
		}
		if r.err != nil {
			return "", r.err
		}
		tmpl, err := podTemplateSpec(r.template)
		if err != nil {
			return "", fmt.Errorf("revision %d: %w", revision, err)
		}
		if err := describe.PodTemplate(&b, tmpl); err != nil {
			return "", err
		}
		return b.String(), nil
	}
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "REVISION\tCHANGE-CAUSE")
	for _, r := range revs {
		fmt.Fprintf(tw, "%d\t%s\n", r.number, orNone(r.cause))
	}
	if err := tw.Flush(); err != nil {
		return "", err
	}
	return b.String(), nil
}

func findRevision(revs []workloadRevision, n int64) *workloadRevision {
	for i := range revs {
		if revs[i].number == n {
			return &revs[i]
		}
	}
	return nil
}

// printRevisionObjects prints the objects of one revision (revision > 0)
// or of all, oldest first, encoded as kubectl's typed clients would.
func printRevisionObjects(f *Factory, p printers.ObjectPrinter, revs []workloadRevision, revision int64, managedFields bool) error {
	if revision > 0 {
		r := findRevision(revs, revision)
		if r == nil {
			return errNoSuchRevision
		}
		revs = []workloadRevision{*r}
	}
	for _, r := range revs {
		if r.err != nil {
			return r.err
		}
		obj := r.object
		if !managedFields {
			obj = withoutManagedFields(obj)
		}
		kind, _ := obj["kind"].(string)
		apiVersion, _ := obj["apiVersion"].(string)
		group, version, found := strings.Cut(apiVersion, "/")
		if !found {
			group, version = "", apiVersion
		}
		raw, err := typedJSON(obj, goTypeFor(resource.Info{Group: group, Version: version, Kind: kind}))
		if err != nil {
			return err
		}
		if _, ok := p.(printers.JSONPrinter); ok {
			var b bytes.Buffer
			if err := json.Indent(&b, raw, "", "    "); err != nil {
				return err
			}
			b.WriteByte('\n')
			if _, err := f.Out.Write(b.Bytes()); err != nil {
				return err
			}
			continue
		}
		m, err := decodeMap(raw)
		if err != nil {
			return err
		}
		if err := p.PrintObject(f.Out, m); err != nil {
			return err
		}
	}
	return nil
}

// withoutManagedFields returns obj without metadata.managedFields.
func withoutManagedFields(obj map[string]any) map[string]any {
	md, ok := obj["metadata"].(map[string]any)
	if !ok || md["managedFields"] == nil {
		return obj
	}
	out := withKind(obj, gets(obj, "apiVersion"), gets(obj, "kind"))
	mdCopy := make(map[string]any, len(md))
	for k, v := range md {
		if k != "managedFields" {
			mdCopy[k] = v
		}
	}
	out["metadata"] = mdCopy
	return out
}

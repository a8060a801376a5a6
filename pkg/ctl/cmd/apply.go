package cmd

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"

	"github.com/spf13/cobra"

	apierrors "keel.dev/apimachinery/pkg/api/errors"

	"keel.dev/keel/pkg/ctl/apply"
	"keel.dev/keel/pkg/ctl/client"
	"keel.dev/keel/pkg/ctl/printers"
)

// ApplyOptions are the flags of apply.
type ApplyOptions struct {
	writeOptions
	Files          []string
	Recursive      bool
	ServerSide     bool
	ForceConflicts bool
	FieldManager   string
	Prune          bool
	Selector       string
}

// NewApplyCommand returns `apply`.
func NewApplyCommand(f *Factory) *cobra.Command {
	o := &ApplyOptions{}
	c := &cobra.Command{
		Use:   "apply (-f FILENAME)",
		Short: "Apply a configuration to a resource by file name or stdin",
		RunE: func(cmd *cobra.Command, args []string) error {
			return o.Run(cmd.Context(), f)
		},
	}
	fl := c.Flags()
	fl.StringSliceVarP(&o.Files, "filename", "f", nil, "Files, directories or - (stdin) with the configuration to apply")
	fl.BoolVarP(&o.Recursive, "recursive", "R", false, "Process directories recursively")
	fl.BoolVar(&o.ServerSide, "server-side", false, "Apply on the server (field ownership) instead of the client")
	fl.BoolVar(&o.ForceConflicts, "force-conflicts", false, "With --server-side, take ownership of conflicting fields")
	fl.StringVar(&o.FieldManager, "field-manager", "", "Name of the manager tracking field ownership")
	fl.BoolVar(&o.Prune, "prune", false, "Delete objects matching -l that are not in the applied files")
	fl.StringVarP(&o.Selector, "selector", "l", "", "Label selector for --prune")
	o.addFlags(c)
	return c
}

// Run executes apply.
func (o *ApplyOptions) Run(ctx context.Context, f *Factory) error {
	if len(o.Files) == 0 {
		return fmt.Errorf("must specify one of -f and -k")
	}
	if o.Prune && o.Selector == "" {
		return fmt.Errorf("all resources selected for prune without explicitly passing --all. To prune all resources, pass the --all flag. If you did not mean to prune all resources, specify a label selector")
	}
	ms, err := f.readManifests(o.Files, o.Recursive)
	if err != nil {
		return err
	}
	objs, err := f.resolveManifests(ctx, ms)
	if err != nil {
		return err
	}
	c, err := f.Client()
	if err != nil {
		return err
	}
	var errs Aggregate
	for _, r := range objs {
		if r.info.Namespaced {
			r.obj["metadata"].(map[string]any)["namespace"] = r.ns
		}
		var out map[string]any
		var op string
		if o.ServerSide {
			out, op, err = o.serverSide(ctx, c, r)
		} else {
			out, op, err = o.clientSide(ctx, f, c, r)
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if err := f.report(&o.writeOptions, out, op); err != nil {
			return err
		}
	}
	if o.Prune && len(errs) == 0 {
		if err := o.prune(ctx, f, c, objs); err != nil {
			errs = append(errs, err)
		}
	}
	return errs.ErrOrNil()
}

func (o *ApplyOptions) serverSide(ctx context.Context, c *client.Client, r resolved) (map[string]any, string, error) {
	manager := o.FieldManager
	if manager == "" {
		manager = managerServerApply
	}
	q := o.query(manager)
	q.Set("force", strconv.FormatBool(o.ForceConflicts))
	body, err := json.Marshal(r.obj)
	if err != nil {
		return nil, "", err
	}
	if o.DryRun == "client" {
		return r.obj, "serverside-applied", nil
	}
	resp, err := c.Do(ctx, client.Request{Method: http.MethodPatch, Path: r.info.Path(r.ns, r.name), Query: q, ContentType: "application/apply-patch+yaml", Body: body})
	if err != nil {
		return nil, "", withSource(err, "patching", r.source)
	}
	out, err := decodeMap(resp.Body)
	return out, "serverside-applied", err
}

func (o *ApplyOptions) clientSide(ctx context.Context, f *Factory, c *client.Client, r resolved) (map[string]any, string, error) {
	manager := o.FieldManager
	if manager == "" {
		manager = managerClientApply
	}
	// The manifest without the annotation is what is recorded as last applied.
	if err := setLastApplied(r.obj); err != nil {
		return nil, "", err
	}
	modified, err := json.Marshal(r.obj)
	if err != nil {
		return nil, "", err
	}
	resp, err := c.Do(ctx, client.Request{Method: http.MethodGet, Path: r.info.Path(r.ns, r.name)})
	if apierrors.IsNotFound(err) {
		if r.info.Namespaced && r.ns != "" {
			nsInfo, nerr := f.Resolve(ctx, "namespaces")
			if nerr == nil {
				if _, gerr := c.Do(ctx, client.Request{Method: http.MethodGet, Path: nsInfo.Path("", r.ns)}); gerr != nil {
					return nil, "", withSource(gerr, "creating", r.source)
				}
			}
		}
		w := o.writeOptions
		if o.DryRun == "client" {
			return r.obj, "created", nil
		}
		body := modified
		q := w.query(manager)
		cr, err := c.Do(ctx, client.Request{Method: http.MethodPost, Path: r.info.Path(r.ns, ""), Query: q, ContentType: "application/json", Body: body})
		if err != nil {
			return nil, "", withSource(err, "creating", r.source)
		}
		out, err := decodeMap(cr.Body)
		return out, "created", err
	}
	if err != nil {
		return nil, "", fmt.Errorf("error when retrieving current configuration of:\nResource: %q, GroupVersionKind: %q\nName: %q, Namespace: %q\nfrom server for: %q: %w",
			r.info.Resource+"."+r.info.Version+"."+r.info.Group, r.info.GroupVersion()+", Kind="+r.info.Kind, r.name, r.ns, r.source, err)
	}
	live, err := decodeMap(resp.Body)
	if err != nil {
		return nil, "", err
	}
	original := []byte(nil)
	if la := lastAppliedOf(live); la != "" {
		original = []byte(la)
	} else {
		fmt.Fprintf(f.ErrOut, "Warning: resource %s/%s is missing the %s annotation which is required by ctl apply. ctl apply should only be used on resources created declaratively by either ctl create --save-config or ctl apply. The missing annotation will be patched automatically.\n",
			r.info.Resource, r.name, apply.LastAppliedAnnotation)
	}
	t := goTypeFor(r.info)
	patch, err := apply.ThreeWayPatch(original, modified, resp.Body, t)
	if err != nil {
		return nil, "", err
	}
	if string(patch) == "{}" {
		return live, "unchanged", nil
	}
	if o.DryRun == "client" {
		return live, "configured", nil
	}
	pt := "application/strategic-merge-patch+json"
	if t == nil {
		pt = "application/merge-patch+json"
	}
	pr, err := c.Do(ctx, client.Request{Method: http.MethodPatch, Path: r.info.Path(r.ns, r.name), Query: o.query(manager), ContentType: pt, Body: patch})
	if err != nil {
		return nil, "", withSource(err, "patching", r.source)
	}
	out, err := decodeMap(pr.Body)
	return out, "configured", err
}

func lastAppliedOf(obj map[string]any) string {
	md, _ := obj["metadata"].(map[string]any)
	ann, _ := md["annotations"].(map[string]any)
	s, _ := ann[apply.LastAppliedAnnotation].(string)
	return s
}

// prune deletes objects of the applied kinds that match the selector, carry
// a last-applied annotation and were not part of this apply.
func (o *ApplyOptions) prune(ctx context.Context, f *Factory, c *client.Client, applied []resolved) error {
	seen := map[string]bool{}
	type scope struct {
		r  resolved
		ns string
	}
	var scopes []scope
	done := map[string]bool{}
	for _, r := range applied {
		seen[r.info.GroupResource()+"/"+r.ns+"/"+r.name] = true
		k := r.info.GroupResource() + "/" + r.ns
		if !done[k] {
			done[k] = true
			scopes = append(scopes, scope{r: r, ns: r.ns})
		}
	}
	for _, s := range scopes {
		items, _, err := listJSON(ctx, c, s.r.info, s.ns, listOptions{labelSelector: o.Selector})
		if err != nil {
			return err
		}
		for _, it := range items {
			name := metaString(it, "name")
			if seen[s.r.info.GroupResource()+"/"+s.ns+"/"+name] || lastAppliedOf(it) == "" {
				continue
			}
			if o.DryRun != "client" {
				if _, err := c.Do(ctx, client.Request{Method: http.MethodDelete, Path: s.r.info.Path(s.ns, name), ContentType: "application/json",
					Body: []byte(`{"propagationPolicy":"Background"}`)}); err != nil && !apierrors.IsNotFound(err) {
					return err
				}
			}
			fmt.Fprintf(f.Out, "%s pruned\n", printers.QualifiedName(it))
		}
	}
	return nil
}

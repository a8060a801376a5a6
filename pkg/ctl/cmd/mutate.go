package cmd

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"reflect"
	"strings"

	"github.com/spf13/cobra"

	"keel.dev/keel/pkg/ctl/client"
)

// object is one resolved object to act on.
type object struct {
	target
	ns   string
	name string
}

// objectsFor resolves TYPE NAME... / TYPE/NAME args (or TYPE with -l/--all) to objects.
func (f *Factory) objectsFor(ctx context.Context, args []string, selector string, all bool) ([]object, error) {
	ts, err := f.parseTargets(ctx, args)
	if err != nil {
		return nil, err
	}
	ns, _ := f.DefaultNamespace()
	var out []object
	for _, t := range ts {
		tns := nsFor(t.info, ns)
		if len(t.names) > 0 {
			for _, n := range t.names {
				out = append(out, object{target: t, ns: tns, name: n})
			}
			continue
		}
		if selector == "" && !all {
			return nil, fmt.Errorf("resource(s) were provided, but no name was specified")
		}
		c, err := f.Client()
		if err != nil {
			return nil, err
		}
		items, _, err := listJSON(ctx, c, t.info, tns, listOptions{labelSelector: selector})
		if err != nil {
			return nil, err
		}
		for _, it := range items {
			out = append(out, object{target: t, ns: metaString(it, "namespace"), name: metaString(it, "name")})
		}
	}
	return out, nil
}

// patchObject sends a patch and returns the answer.
func (f *Factory) patchObject(ctx context.Context, o object, sub, pt, manager string, patch []byte) (map[string]any, error) {
	c, err := f.Client()
	if err != nil {
		return nil, err
	}
	q := map[string][]string{}
	if manager != "" {
		q["fieldManager"] = []string{manager}
	}
	var subs []string
	if sub != "" {
		subs = []string{sub}
	}
	resp, err := c.Do(ctx, client.Request{Method: http.MethodPatch, Path: o.info.Path(o.ns, o.name, subs...), Query: q, ContentType: pt, Body: patch})
	if err != nil {
		return nil, err
	}
	return decodeMap(resp.Body)
}

// newMetadataCommand builds label and annotate, which differ only in the field.
func newMetadataCommand(f *Factory, use, field, verb, manager string) *cobra.Command {
	var overwrite, all, list bool
	var selector, output string
	c := &cobra.Command{
		Use:   use + " [--overwrite] (-f FILENAME | TYPE NAME) KEY_1=VAL_1 ... KEY_N=VAL_N",
		Short: "Update the " + field + " on a resource",
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			var resArgs []string
			set := map[string]any{}
			var remove []string
			for _, a := range args {
				switch {
				case strings.Contains(a, "="):
					k, v, _ := strings.Cut(a, "=")
					set[k] = v
				case strings.HasSuffix(a, "-") && len(resArgs) > 0:
					remove = append(remove, strings.TrimSuffix(a, "-"))
				default:
					resArgs = append(resArgs, a)
				}
			}
			if len(set) == 0 && len(remove) == 0 && !list {
				return fmt.Errorf("at least one %s update is required", strings.TrimSuffix(field, "s"))
			}
			objs, err := f.objectsFor(ctx, resArgs, selector, all)
			if err != nil {
				return err
			}
			c, err := f.Client()
			if err != nil {
				return err
			}
			for _, o := range objs {
				cur, err := getJSON(ctx, c, o.info, o.ns, o.name)
				if err != nil {
					return err
				}
				md, _ := cur["metadata"].(map[string]any)
				existing, _ := md[field].(map[string]any)
				if list {
					for _, k := range sortedKeys(existing) {
						fmt.Fprintf(f.Out, "%s=%v\n", k, existing[k])
					}
					continue
				}
				changes := map[string]any{}
				for k, v := range set {
					if old, ok := existing[k]; ok && !overwrite && old != v {
						return fmt.Errorf("'%s' already has a value (%v), and --overwrite is false", k, old)
					}
					if existing[k] != v {
						changes[k] = v
					}
				}
				for _, k := range remove {
					if _, ok := existing[k]; ok {
						changes[k] = nil
					} else {
						fmt.Fprintf(f.ErrOut, "%s %q not found.\n", strings.TrimSuffix(field, "s"), k)
					}
				}
				name := o.info.KindForName() + "/" + o.name
				if len(changes) == 0 {
					fmt.Fprintf(f.Out, "%s not %s\n", name, verb)
					continue
				}
				patch, _ := json.Marshal(map[string]any{"metadata": map[string]any{field: changes}})
				out, err := f.patchObject(ctx, o, "", "application/merge-patch+json", manager, patch)
				if err != nil {
					return err
				}
				if output != "" {
					if err := f.report(&writeOptions{Output: output}, out, verb); err != nil {
						return err
					}
					continue
				}
				fmt.Fprintf(f.Out, "%s %s\n", name, verb)
			}
			return nil
		},
	}
	c.Flags().BoolVar(&overwrite, "overwrite", false, "Allow existing "+field+" to be overwritten")
	c.Flags().BoolVar(&all, "all", false, "Select all resources of the type in the namespace")
	c.Flags().BoolVar(&list, "list", false, "List the current "+field)
	c.Flags().StringVarP(&selector, "selector", "l", "", "Label selector")
	c.Flags().StringVarP(&output, "output", "o", "", "Output format")
	return c
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sortStrings(keys)
	return keys
}

// NewScaleCommand returns `scale`.
func NewScaleCommand(f *Factory) *cobra.Command {
	var replicas, current int
	var selector string
	var all bool
	c := &cobra.Command{
		Use:   "scale [--current-replicas=count] --replicas=COUNT (TYPE NAME | TYPE/NAME)",
		Short: "Set a new size for a deployment, replica set, replication controller, or stateful set",
		RunE: func(cmd *cobra.Command, args []string) error {
			if replicas < 0 {
				return fmt.Errorf("the --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0")
			}
			ctx := cmd.Context()
			objs, err := f.objectsFor(ctx, args, selector, all)
			if err != nil {
				return err
			}
			c, err := f.Client()
			if err != nil {
				return err
			}
			for _, o := range objs {
				if current >= 0 {
					resp, err := c.Do(ctx, client.Request{Method: http.MethodGet, Path: o.info.Path(o.ns, o.name, "scale")})
					if err != nil {
						return err
					}
					sc, err := decodeMap(resp.Body)
					if err != nil {
						return err
					}
					spec, _ := sc["spec"].(map[string]any)
					if fmt.Sprint(spec["replicas"]) != fmt.Sprint(current) {
						return fmt.Errorf("expected replicas to be %d, was %v", current, spec["replicas"])
					}
				}
				patch := fmt.Sprintf(`{"spec":{"replicas":%d}}`, replicas)
				if _, err := f.patchObject(ctx, o, "scale", "application/merge-patch+json", "", []byte(patch)); err != nil {
					return err
				}
				fmt.Fprintf(f.Out, "%s/%s scaled\n", o.info.KindForName(), o.name)
			}
			return nil
		},
	}
	c.Flags().IntVar(&replicas, "replicas", -1, "The new desired number of replicas")
	c.Flags().IntVar(&current, "current-replicas", -1, "Precondition for current size")
	c.Flags().StringVarP(&selector, "selector", "l", "", "Label selector")
	c.Flags().BoolVar(&all, "all", false, "Select all resources of the type in the namespace")
	return c
}

// NewPatchCommand returns `patch`.
func NewPatchCommand(f *Factory) *cobra.Command {
	var patch, patchFile, typ, sub string
	w := &writeOptions{}
	c := &cobra.Command{
		Use:   "patch (TYPE NAME | TYPE/NAME) [-p PATCH|--patch-file FILE]",
		Short: "Update fields of a resource",
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			if patchFile != "" {
				b, err := os.ReadFile(patchFile)
				if err != nil {
					return err
				}
				patch = string(b)
			}
			if patch == "" {
				return fmt.Errorf("must specify -p to patch")
			}
			body, err := yamlOrJSON([]byte(patch))
			if err != nil {
				return fmt.Errorf("unable to parse %q: %w", patch, err)
			}
			pt := map[string]string{"strategic": "application/strategic-merge-patch+json", "merge": "application/merge-patch+json", "json": "application/json-patch+json"}[typ]
			if pt == "" {
				return fmt.Errorf("--type must be one of [json merge strategic], not %q", typ)
			}
			objs, err := f.objectsFor(ctx, args, "", false)
			if err != nil {
				return err
			}
			c, err := f.Client()
			if err != nil {
				return err
			}
			for _, o := range objs {
				if typ == "strategic" && goTypeFor(o.info) == nil {
					return fmt.Errorf("strategic merge patch is not supported for %s locally, try --type merge", o.info.GroupKind())
				}
				before, err := getJSON(ctx, c, o.info, o.ns, o.name)
				if err != nil {
					return err
				}
				out, err := f.patchObject(ctx, o, sub, pt, managerPatch, body)
				if err != nil {
					return err
				}
				op := "patched"
				if reflect.DeepEqual(metaString(before, "resourceVersion"), metaString(out, "resourceVersion")) {
					op = "patched (no change)"
				}
				if err := f.report(w, out, op); err != nil {
					return err
				}
			}
			return nil
		},
	}
	c.Flags().StringVarP(&patch, "patch", "p", "", "The patch to be applied to the resource JSON file")
	c.Flags().StringVar(&patchFile, "patch-file", "", "A file containing a patch to be applied to the resource")
	c.Flags().StringVar(&typ, "type", "strategic", "The type of patch being provided; one of [json merge strategic]")
	c.Flags().StringVar(&sub, "subresource", "", "If specified, patch will operate on the subresource of the requested object")
	w.addFlags(c)
	return c
}

// yamlOrJSON converts a YAML or JSON document to JSON.
func yamlOrJSON(b []byte) ([]byte, error) {
	ms, err := parseAny(b)
	if err != nil {
		return nil, err
	}
	return json.Marshal(ms)
}

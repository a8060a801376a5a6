package cmd

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"sigs.k8s.io/yaml"

	"keel.dev/keel/pkg/ctl/apply"
	"keel.dev/keel/pkg/ctl/client"
)

// NewEditCommand returns `edit`: the object opens in $KUBE_EDITOR / $EDITOR
// (default vi) and the changes are sent as a patch.
func NewEditCommand(f *Factory) *cobra.Command {
	var output string
	c := &cobra.Command{
		Use:   "edit (RESOURCE/NAME | -f FILENAME)",
		Short: "Edit a resource on the server",
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			objs, err := f.objectsFor(ctx, args, "", false)
			if err != nil {
				return err
			}
			c, err := f.Client()
			if err != nil {
				return err
			}
			for _, o := range objs {
				orig, err := getJSON(ctx, c, o.info, o.ns, o.name)
				if err != nil {
					return err
				}
				origJSON, _ := json.Marshal(orig)
				data, err := json.Marshal(orig)
				if err != nil {
					return err
				}
				y, err := yaml.JSONToYAML(data)
				if err != nil {
					return err
				}
				if output == "json" {
					y, _ = json.MarshalIndent(orig, "", "    ")
				}
				header := "# Please edit the object below. Lines beginning with a '#' will be ignored,\n# and an empty file will abort the edit. If an error occurs while saving this file will be\n# reopened with the relevant failures.\n#\n"
				edited, err := runEditor(f, header, y)
				if err != nil {
					return err
				}
				if len(bytes.TrimSpace(edited)) == 0 {
					fmt.Fprintln(f.Out, "Edit cancelled, no changes made.")
					continue
				}
				ej, err := yaml.YAMLToJSON(edited)
				if err != nil {
					return fmt.Errorf("the edited file had a syntax error: %w", err)
				}
				t := goTypeFor(o.info)
				patch, err := apply.ThreeWayPatch(origJSON, ej, origJSON, t)
				if err != nil {
					return err
				}
				if string(patch) == "{}" {
					fmt.Fprintln(f.Out, "Edit cancelled, no changes made.")
					continue
				}
				pt := "application/strategic-merge-patch+json"
				if t == nil {
					pt = "application/merge-patch+json"
				}
				q := map[string][]string{"fieldManager": {managerEdit}, "fieldValidation": {"Strict"}}
				if _, err := c.Do(ctx, client.Request{Method: "PATCH", Path: o.info.Path(o.ns, o.name), Query: q, ContentType: pt, Body: patch}); err != nil {
					return err
				}
				fmt.Fprintf(f.Out, "%s/%s edited\n", o.info.KindForName(), o.name)
			}
			return nil
		},
	}
	c.Flags().StringVarP(&output, "output", "o", "yaml", "Output format for editing: yaml or json")
	return c
}

func runEditor(f *Factory, header string, content []byte) ([]byte, error) {
	dir, err := os.MkdirTemp("", "ctl-edit-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "edit.yaml")
	if err := os.WriteFile(path, append([]byte(header), content...), 0o600); err != nil {
		return nil, err
	}
	editor := os.Getenv("KUBE_EDITOR")
	if editor == "" {
		editor = os.Getenv("EDITOR")
	}
	if editor == "" {
		editor = "vi"
	}
	parts := strings.Fields(editor)
	cmd := exec.Command(parts[0], append(parts[1:], path)...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = f.In, f.Out, f.ErrOut
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("there was a problem with the editor %q: %w", editor, err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var kept []string
	for _, l := range strings.Split(string(data), "\n") {
		if !strings.HasPrefix(strings.TrimSpace(l), "#") {
			kept = append(kept, l)
		}
	}
	return []byte(strings.Join(kept, "\n")), nil
}

// NewAuthCommand returns `auth can-i`.
func NewAuthCommand(f *Factory) *cobra.Command {
	c := &cobra.Command{Use: "auth", Short: "Inspect authorization"}
	var allNS, quiet bool
	var sub string
	can := &cobra.Command{
		Use:   "can-i VERB [TYPE | TYPE/NAME | NONRESOURCEURL]",
		Short: "Check whether an action is allowed",
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			if len(args) < 2 {
				return fmt.Errorf("you must specify two arguments: verb resource or verb resource/resourceName")
			}
			attrs := map[string]any{"verb": args[0]}
			spec := map[string]any{}
			if strings.HasPrefix(args[1], "/") {
				spec["nonResourceAttributes"] = map[string]any{"verb": args[0], "path": args[1]}
			} else {
				typ, name, _ := strings.Cut(args[1], "/")
				if len(args) > 2 {
					name = args[2]
				}
				info, err := f.Resolve(ctx, typ)
				if err != nil {
					fmt.Fprintf(f.ErrOut, "Warning: the server doesn't have a resource type '%s'\n\n", typ)
					attrs["resource"] = typ
				} else {
					attrs["resource"], attrs["group"] = info.Resource, info.Group
				}
				if name != "" {
					attrs["name"] = name
				}
				if sub != "" {
					attrs["subresource"] = sub
				}
				if !allNS {
					ns, _ := f.DefaultNamespace()
					attrs["namespace"] = ns
				}
				spec["resourceAttributes"] = attrs
			}
			body, _ := json.Marshal(map[string]any{"apiVersion": "authorization.k8s.io/v1", "kind": "SelfSubjectAccessReview", "spec": spec})
			c, err := f.Client()
			if err != nil {
				return err
			}
			resp, err := c.Do(ctx, client.Request{Method: "POST", Path: "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", ContentType: "application/json", Body: body})
			if err != nil {
				return err
			}
			var out struct {
				Status struct {
					Allowed bool   `json:"allowed"`
					Reason  string `json:"reason"`
				} `json:"status"`
			}
			if err := json.Unmarshal(resp.Body, &out); err != nil {
				return err
			}
			if out.Status.Allowed {
				if !quiet {
					fmt.Fprintln(f.Out, "yes")
				}
				return nil
			}
			if !quiet {
				if out.Status.Reason != "" {
					fmt.Fprintf(f.Out, "no - %s\n", out.Status.Reason)
				} else {
					fmt.Fprintln(f.Out, "no")
				}
			}
			return &ExitError{Code: 1}
		},
	}
	can.Flags().BoolVarP(&allNS, "all-namespaces", "A", false, "Check in all namespaces")
	can.Flags().BoolVarP(&quiet, "quiet", "q", false, "Only the exit code tells the answer")
	can.Flags().StringVar(&sub, "subresource", "", "SubResource such as pod/log or deployment/scale")
	c.AddCommand(can)
	return c
}

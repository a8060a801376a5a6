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

package cmd

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"keel.dev/keel/pkg/ctl/client"
)

// NewExplainCommand returns `explain`, which reads the OpenAPI v3 documents.
func NewExplainCommand(f *Factory) *cobra.Command {
	var recursive bool
	var apiVersion string
	c := &cobra.Command{
		Use:   "explain TYPE[.FIELD...]",
		Short: "Get documentation for a resource",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return explain(cmd.Context(), f, args[0], apiVersion, recursive)
		},
	}
	c.Flags().BoolVar(&recursive, "recursive", false, "Print the fields of fields (currently only 1 level deep)")
	c.Flags().StringVar(&apiVersion, "api-version", "", "Use given api-version (group/version) of the resource")
	return c
}

type schemaDoc struct {
	schemas map[string]map[string]any
}

func explain(ctx context.Context, f *Factory, arg, apiVersion string, recursive bool) error {
	typ, fieldPath, _ := strings.Cut(arg, ".")
	info, err := f.Resolve(ctx, typ)
	if err != nil {
		return err
	}
	if apiVersion != "" {
		m, _ := f.Mapper()
		if info, err = m.ForKind(ctx, apiVersion, info.Kind); err != nil {
			return err
		}
	}
	c, err := f.Client()
	if err != nil {
		return err
	}
	var index struct {
		Paths map[string]struct {
			ServerRelativeURL string `json:"serverRelativeURL"`
		} `json:"paths"`
	}
	if err := c.GetJSON(ctx, "/openapi/v3", nil, &index); err != nil {
		return fmt.Errorf("failed to fetch openapi schema: %w", err)
	}
	key := "api/" + info.Version
	if info.Group != "" {
		key = "apis/" + info.Group + "/" + info.Version
	}
	entry, ok := index.Paths[key]
	if !ok {
		return fmt.Errorf("couldn't find resource for %q", info.GroupVersion()+", Kind="+info.Kind)
	}
	u, err := url.Parse(entry.ServerRelativeURL)
	if err != nil {
		return err
	}
	resp, err := c.Do(ctx, client.Request{Method: http.MethodGet, Path: u.Path, Query: u.Query()})
	if err != nil {
		return err
	}
	var doc struct {
		Components struct {
			Schemas map[string]map[string]any `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(resp.Body, &doc); err != nil {
		return err
	}
	sd := schemaDoc{schemas: doc.Components.Schemas}
	var root map[string]any
	for _, s := range sd.schemas {
		gvks, _ := s["x-kubernetes-group-version-kind"].([]any)
		for _, g := range gvks {
			gm, _ := g.(map[string]any)
			if gm["group"] == info.Group && gm["version"] == info.Version && gm["kind"] == info.Kind {
				root = s
			}
		}
	}
	if root == nil {
		return fmt.Errorf("couldn't find resource for %q", info.GroupVersion()+", Kind="+info.Kind)
	}
	w := f.Out
	if info.Group != "" {
		fmt.Fprintf(w, "GROUP:      %s\n", info.Group)
	}
	fmt.Fprintf(w, "KIND:       %s\nVERSION:    %s\n\n", info.Kind, info.Version)
	cur := root
	var fieldName string
	var fieldSchema map[string]any
	if fieldPath != "" {
		for _, part := range strings.Split(fieldPath, ".") {
			props := sd.properties(cur)
			next, ok := props[part]
			if !ok {
				return fmt.Errorf("field %q does not exist", part)
			}
			fieldName, fieldSchema = part, next
			cur = sd.resolve(next)
		}
	}
	desc := description(root)
	if fieldSchema != nil {
		fmt.Fprintf(w, "FIELD: %s <%s>\n\n\n", fieldName, sd.typeName(fieldSchema))
		desc = description(fieldSchema)
		if desc == "" {
			desc = description(cur)
		}
	}
	fmt.Fprintf(w, "DESCRIPTION:\n")
	writeWrapped(w, desc, "    ")
	fmt.Fprintln(w, "    ")
	props := sd.properties(cur)
	if len(props) == 0 {
		fmt.Fprintln(w)
		return nil
	}
	fmt.Fprintf(w, "FIELDS:\n")
	sd.writeFields(w, cur, 1, recursive)
	fmt.Fprintln(w)
	return nil
}

func description(s map[string]any) string {
	d, _ := s["description"].(string)
	return d
}

func (sd schemaDoc) resolve(s map[string]any) map[string]any {
	for i := 0; i < 10 && s != nil; i++ {
		if ref, ok := s["$ref"].(string); ok {
			s = sd.schemas[strings.TrimPrefix(ref, "#/components/schemas/")]
			continue
		}
		if all, ok := s["allOf"].([]any); ok && len(all) == 1 {
			s, _ = all[0].(map[string]any)
			continue
		}
		if s["type"] == "array" {
			items, _ := s["items"].(map[string]any)
			s = items
			continue
		}
		if ap, ok := s["additionalProperties"].(map[string]any); ok && s["properties"] == nil {
			s = ap
			continue
		}
		break
	}
	return s
}

func (sd schemaDoc) properties(s map[string]any) map[string]map[string]any {
	s = sd.resolve(s)
	props, _ := s["properties"].(map[string]any)
	out := map[string]map[string]any{}
	for k, v := range props {
		if m, ok := v.(map[string]any); ok {
			out[k] = m
		}
	}
	return out
}

// typeName renders a schema's type as kubectl does: string, integer,
// Object names, []T and map[string]T.
func (sd schemaDoc) typeName(s map[string]any) string {
	if ref, ok := s["$ref"].(string); ok {
		name := ref[strings.LastIndex(ref, ".")+1:]
		return name
	}
	if all, ok := s["allOf"].([]any); ok && len(all) == 1 {
		if m, ok := all[0].(map[string]any); ok {
			return sd.typeName(m)
		}
	}
	switch s["type"] {
	case "array":
		items, _ := s["items"].(map[string]any)
		return "[]" + sd.typeName(items)
	case "object":
		if ap, ok := s["additionalProperties"].(map[string]any); ok {
			return "map[string]" + sd.typeName(ap)
		}
		return "Object"
	case nil:
		if s["x-kubernetes-int-or-string"] == true {
			return "IntOrString"
		}
		return "Object"
	}
	return fmt.Sprint(s["type"])
}

func (sd schemaDoc) writeFields(w io.Writer, s map[string]any, level int, recursive bool) {
	s = sd.resolve(s)
	required := map[string]bool{}
	if req, ok := s["required"].([]any); ok {
		for _, r := range req {
			required[fmt.Sprint(r)] = true
		}
	}
	props := sd.properties(s)
	names := make([]string, 0, len(props))
	for k := range props {
		names = append(names, k)
	}
	sort.Strings(names)
	indent := strings.Repeat("  ", level)
	for _, n := range names {
		p := props[n]
		req := ""
		if required[n] {
			req = " -required-"
		}
		fmt.Fprintf(w, "%s%s\t<%s>%s\n", indent, n, sd.typeName(p), req)
		if recursive {
			if level < 20 {
				sd.writeFields(w, p, level+1, true)
			}
			continue
		}
		d := description(p)
		if d == "" {
			d = description(sd.resolve(p))
		}
		writeWrapped(w, d, indent+"  ")
		fmt.Fprintln(w)
	}
}

// writeWrapped writes text wrapped at 80 columns with an indent.
func writeWrapped(w io.Writer, text, indent string) {
	for _, para := range strings.Split(text, "\n") {
		line := indent
		for _, word := range strings.Fields(para) {
			if len(line)+len(word)+1 > 80 && strings.TrimSpace(line) != "" {
				fmt.Fprintln(w, line)
				line = indent
			}
			if strings.TrimSpace(line) != "" {
				line += " "
			}
			line += word
		}
		fmt.Fprintln(w, line)
	}
}

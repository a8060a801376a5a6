package printers

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"sigs.k8s.io/yaml"
)

// ObjectPrinter prints full objects (not tables).
type ObjectPrinter interface {
	// PrintObject prints one object or a List object.
	PrintObject(w io.Writer, obj map[string]any) error
}

// ListOf wraps items in a v1 List the way kubectl prints several objects.
func ListOf(items []map[string]any) map[string]any {
	l := make([]any, len(items))
	for i, it := range items {
		l[i] = it
	}
	return map[string]any{"apiVersion": "v1", "kind": "List", "items": l, "metadata": map[string]any{"resourceVersion": ""}}
}

// JSONPrinter prints objects as JSON indented by four spaces.
type JSONPrinter struct{}

// PrintObject implements ObjectPrinter.
func (JSONPrinter) PrintObject(w io.Writer, obj map[string]any) error {
	b, err := json.MarshalIndent(obj, "", "    ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}

// YAMLPrinter prints objects as YAML; several objects are separated by ---.
type YAMLPrinter struct{ printed int }

// PrintObject implements ObjectPrinter.
func (p *YAMLPrinter) PrintObject(w io.Writer, obj map[string]any) error {
	b, err := json.Marshal(obj)
	if err != nil {
		return err
	}
	y, err := yaml.JSONToYAML(b)
	if err != nil {
		return err
	}
	if p.printed > 0 {
		if _, err := io.WriteString(w, "---\n"); err != nil {
			return err
		}
	}
	p.printed++
	_, err = w.Write(y)
	return err
}

// NamePrinter prints kind/name (or kind.group/name) per object.
type NamePrinter struct {
	// Operation, when set, is appended: "pod/x created".
	Operation string
}

// PrintObject implements ObjectPrinter.
func (p NamePrinter) PrintObject(w io.Writer, obj map[string]any) error {
	if items, ok := obj["items"].([]any); ok && obj["kind"] == "List" || strings.HasSuffix(fmt.Sprint(obj["kind"]), "List") && ok {
		for _, it := range items {
			if m, ok := it.(map[string]any); ok {
				if err := p.PrintObject(w, m); err != nil {
					return err
				}
			}
		}
		return nil
	}
	s := QualifiedName(obj)
	if p.Operation != "" {
		s += " " + p.Operation
	}
	_, err := fmt.Fprintln(w, s)
	return err
}

// QualifiedName returns kind.group/name for an object: pod/x, deployment.apps/web.
func QualifiedName(obj map[string]any) string {
	kind, _ := obj["kind"].(string)
	apiVersion, _ := obj["apiVersion"].(string)
	group := ""
	if i := strings.LastIndex(apiVersion, "/"); i >= 0 {
		group = apiVersion[:i]
	}
	k := strings.ToLower(kind)
	if group != "" {
		k += "." + group
	}
	return k + "/" + nestedString(obj, "metadata", "name")
}

// JSONPathPrinter prints a JSONPath template per call.
type JSONPathPrinter struct{ JP *JSONPath }

// PrintObject implements ObjectPrinter.
func (p JSONPathPrinter) PrintObject(w io.Writer, obj map[string]any) error {
	return p.JP.Execute(w, obj)
}

// CustomColumnsPrinter prints columns given as HEADER:path pairs.
type CustomColumnsPrinter struct {
	Headers   []string
	Paths     []Path
	NoHeaders bool
	cw        *ColumnWriter
}

// ParseCustomColumns parses "NAME:.metadata.name,IMAGE:.spec.containers[*].image".
func ParseCustomColumns(spec string) (*CustomColumnsPrinter, error) {
	p := &CustomColumnsPrinter{}
	if spec == "" {
		return nil, fmt.Errorf("custom-columns format specified but no custom columns given")
	}
	for _, part := range strings.Split(spec, ",") {
		kv := strings.SplitN(part, ":", 2)
		if len(kv) != 2 {
			return nil, fmt.Errorf("unexpected custom-columns spec: %s, expected <header>:<json-path-expr>", part)
		}
		path, err := SelectPath(kv[1])
		if err != nil {
			return nil, err
		}
		p.Headers = append(p.Headers, kv[0])
		p.Paths = append(p.Paths, path)
	}
	return p, nil
}

// PrintObject implements ObjectPrinter.
func (p *CustomColumnsPrinter) PrintObject(w io.Writer, obj map[string]any) error {
	var rows [][]string
	first := p.cw == nil
	if first {
		p.cw = &ColumnWriter{Out: w}
		if !p.NoHeaders {
			rows = append(rows, p.Headers)
		}
	}
	var items []any
	if l, ok := obj["items"].([]any); ok && strings.HasSuffix(fmt.Sprint(obj["kind"]), "List") {
		items = l
	} else {
		items = []any{obj}
	}
	for _, it := range items {
		var line []string
		for _, path := range p.Paths {
			vals := path.Select(it)
			if len(vals) == 0 {
				line = append(line, "<none>")
				continue
			}
			strs := make([]string, len(vals))
			for i, v := range vals {
				strs[i] = goString(v)
			}
			line = append(line, strings.Join(strs, ","))
		}
		rows = append(rows, line)
	}
	p.cw.Out = w
	return p.cw.Write(rows)
}

// SortItems sorts objects by the value a path selects, numbers numerically.
func SortItems(items []map[string]any, path Path) {
	sort.SliceStable(items, func(i, j int) bool { return lessValue(first(path.Select(items[i])), first(path.Select(items[j]))) })
}

// SortRows sorts table rows by the value a path selects from their objects.
func SortRows(rows []Row, path Path) {
	sort.SliceStable(rows, func(i, j int) bool {
		return lessValue(first(path.Select(rows[i].Object)), first(path.Select(rows[j].Object)))
	})
}

func first(v []any) any {
	if len(v) == 0 {
		return nil
	}
	return v[0]
}

func lessValue(a, b any) bool {
	if a == nil || b == nil {
		return a == nil && b != nil
	}
	fa, aok := toFloat(a)
	fb, bok := toFloat(b)
	if aok && bok {
		return fa < fb
	}
	return ValueString(a) < ValueString(b)
}

func toFloat(v any) (float64, bool) {
	switch t := v.(type) {
	case float64:
		return t, true
	case json.Number:
		f, err := t.Float64()
		return f, err == nil
	}
	return 0, false
}

// goString prints a value the way Go's %v does (maps as map[k:v]), which is
// what custom columns show for structured values.
func goString(v any) string {
	switch v.(type) {
	case map[string]any, []any:
		return fmt.Sprintf("%v", v)
	}
	return ValueString(v)
}

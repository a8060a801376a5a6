package printers

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"
)

// Table is a meta.k8s.io/v1 Table decoded loosely (cells keep JSON types).
type Table struct {
	Kind     string `json:"kind"`
	Metadata struct {
		ResourceVersion string `json:"resourceVersion"`
		Continue        string `json:"continue"`
	} `json:"metadata"`
	ColumnDefinitions []ColumnDefinition `json:"columnDefinitions"`
	Rows              []Row              `json:"rows"`
}

// ColumnDefinition describes one column.
type ColumnDefinition struct {
	Name     string `json:"name"`
	Type     string `json:"type"`
	Format   string `json:"format"`
	Priority int    `json:"priority"`
}

// Row is one row with its cells and (partial) object.
type Row struct {
	Cells  []any          `json:"cells"`
	Object map[string]any `json:"object"`
}

// DecodeTable decodes a Table answer, keeping numbers exact.
func DecodeTable(data []byte) (*Table, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var t Table
	if err := dec.Decode(&t); err != nil {
		return nil, fmt.Errorf("decoding table: %w", err)
	}
	return &t, nil
}

// TableOptions select what a table printer shows.
type TableOptions struct {
	// Wide shows columns of priority > 0.
	Wide bool
	// WithNamespace adds a leading NAMESPACE column.
	WithNamespace bool
	// ShowLabels adds a trailing LABELS column.
	ShowLabels bool
	// LabelColumns adds one column per label key (-L).
	LabelColumns []string
	// Kind prefixes names with "kind/" (several resource types).
	Kind string
	// NoHeaders omits the header line.
	NoHeaders bool
}

// TableRows converts a table into printable rows: the header (unless
// omitted) and one line per row, applying the options.
func TableRows(t *Table, o TableOptions, header bool) [][]string {
	var cols []int
	for i, c := range t.ColumnDefinitions {
		if c.Priority == 0 || o.Wide {
			cols = append(cols, i)
		}
	}
	var out [][]string
	if header && !o.NoHeaders {
		var h []string
		if o.WithNamespace {
			h = append(h, "NAMESPACE")
		}
		for _, i := range cols {
			h = append(h, strings.ToUpper(t.ColumnDefinitions[i].Name))
		}
		for _, l := range o.LabelColumns {
			h = append(h, strings.ToUpper(labelColumnName(l)))
		}
		if o.ShowLabels {
			h = append(h, "LABELS")
		}
		out = append(out, h)
	}
	for _, r := range t.Rows {
		var line []string
		if o.WithNamespace {
			line = append(line, nestedString(r.Object, "metadata", "namespace"))
		}
		for _, i := range cols {
			var cell any
			if i < len(r.Cells) {
				cell = r.Cells[i]
			}
			s := FormatCell(cell)
			if o.Kind != "" && t.ColumnDefinitions[i].Format == "name" {
				s = o.Kind + "/" + s
			}
			line = append(line, s)
		}
		labels := nestedMap(r.Object, "metadata", "labels")
		for _, l := range o.LabelColumns {
			v, _ := labels[l].(string)
			line = append(line, v)
		}
		if o.ShowLabels {
			line = append(line, FormatLabels(labels))
		}
		out = append(out, line)
	}
	return out
}

func labelColumnName(key string) string {
	if i := strings.LastIndex(key, "/"); i >= 0 {
		return key[i+1:]
	}
	return key
}

// FormatCell prints one table cell as kubectl does.
func FormatCell(c any) string {
	switch v := c.(type) {
	case nil:
		return "<none>"
	case string:
		return v
	case json.Number:
		return v.String()
	case float64:
		if v == float64(int64(v)) {
			return fmt.Sprintf("%d", int64(v))
		}
		return fmt.Sprintf("%v", v)
	case bool:
		return fmt.Sprintf("%t", v)
	default:
		b, _ := json.Marshal(v)
		return string(b)
	}
}

// FormatLabels prints a label map as k=v pairs sorted by key, or <none>.
func FormatLabels(m map[string]any) string {
	if len(m) == 0 {
		return "<none>"
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s=%v", k, m[k])
	}
	return strings.Join(parts, ",")
}

// TableFromList builds a NAME/AGE table from a plain list answer, as
// kubectl does when the server sends no Table.
func TableFromList(items []map[string]any, now time.Time) *Table {
	t := &Table{ColumnDefinitions: []ColumnDefinition{{Name: "Name", Type: "string", Format: "name"}, {Name: "Age", Type: "string"}}}
	for _, it := range items {
		t.Rows = append(t.Rows, Row{
			Cells:  []any{nestedString(it, "metadata", "name"), Age(nestedString(it, "metadata", "creationTimestamp"), now)},
			Object: it,
		})
	}
	return t
}

func nestedMap(m map[string]any, path ...string) map[string]any {
	cur := m
	for _, p := range path {
		next, ok := cur[p].(map[string]any)
		if !ok {
			return nil
		}
		cur = next
	}
	return cur
}

func nestedString(m map[string]any, path ...string) string {
	if len(path) == 0 {
		return ""
	}
	parent := nestedMap(m, path[:len(path)-1]...)
	s, _ := parent[path[len(path)-1]].(string)
	return s
}

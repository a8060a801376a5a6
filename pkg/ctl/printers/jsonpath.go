package printers

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
)

// JSONPath is a parsed kubectl JSONPath template: literal text and {…}
// actions with field paths, [*], indexes, slices, ['key'], recursive
// descent (..), filters [?(@.x=="y")], range … end and quoted literals.
type JSONPath struct {
	nodes []jpNode
	// AllowMissing makes missing fields print nothing instead of failing.
	AllowMissing bool
}

type jpNode struct {
	text     string // literal text
	isText   bool
	path     []jpStep
	rangeOf  []jpStep
	children []jpNode
}

type jpStep struct {
	kind   string // field, recurse, all, index, slice, filter
	name   string
	index  int
	start  *int
	end    *int
	filter *jpFilter
}

type jpFilter struct {
	left  []jpStep
	op    string
	right string
	rpath []jpStep
	isLit bool
}

// ParseJSONPath parses a template such as `{.items[*].metadata.name}`.
func ParseJSONPath(tmpl string) (*JSONPath, error) {
	nodes, rest, err := parseNodes(tmpl, false)
	if err != nil {
		return nil, err
	}
	if rest != "" {
		return nil, fmt.Errorf("unexpected {end} in template %q", tmpl)
	}
	return &JSONPath{nodes: nodes}, nil
}

// parseNodes reads nodes until the end of input or, in a range, {end}.
func parseNodes(s string, inRange bool) ([]jpNode, string, error) {
	var nodes []jpNode
	for len(s) > 0 {
		i := strings.IndexByte(s, '{')
		if i < 0 {
			nodes = append(nodes, jpNode{isText: true, text: s})
			return nodes, "", nil
		}
		if i > 0 {
			nodes = append(nodes, jpNode{isText: true, text: s[:i]})
		}
		j := closingBrace(s, i)
		if j < 0 {
			return nil, "", fmt.Errorf("unclosed action in %q", s)
		}
		action := strings.TrimSpace(s[i+1 : j])
		s = s[j+1:]
		switch {
		case action == "end":
			if !inRange {
				return nil, "", fmt.Errorf("not in range, nothing to end")
			}
			return nodes, "END" + s, nil
		case strings.HasPrefix(action, "range "):
			steps, err := parsePath(strings.TrimSpace(action[len("range "):]))
			if err != nil {
				return nil, "", err
			}
			children, rest, err := parseNodes(s, true)
			if err != nil {
				return nil, "", err
			}
			if !strings.HasPrefix(rest, "END") {
				return nil, "", fmt.Errorf("unclosed range")
			}
			s = rest[3:]
			nodes = append(nodes, jpNode{rangeOf: steps, children: children})
		case len(action) >= 2 && (action[0] == '"' || action[0] == '\''):
			lit, err := strconv.Unquote(`"` + strings.ReplaceAll(action[1:len(action)-1], `"`, `\"`) + `"`)
			if err != nil {
				return nil, "", fmt.Errorf("bad literal %s: %w", action, err)
			}
			nodes = append(nodes, jpNode{isText: true, text: lit})
		default:
			steps, err := parsePath(action)
			if err != nil {
				return nil, "", err
			}
			nodes = append(nodes, jpNode{path: steps})
		}
	}
	return nodes, "", nil
}

func closingBrace(s string, open int) int {
	var quote byte
	for k := open + 1; k < len(s); k++ {
		c := s[k]
		switch {
		case quote != 0:
			if c == '\\' {
				k++
			} else if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '}':
			return k
		}
	}
	return -1
}

func parsePath(p string) ([]jpStep, error) {
	p = strings.TrimSpace(p)
	p = strings.TrimPrefix(p, "$")
	p = strings.TrimPrefix(p, "@")
	var steps []jpStep
	for len(p) > 0 {
		switch {
		case strings.HasPrefix(p, ".."):
			p = p[2:]
			steps = append(steps, jpStep{kind: "recurse"})
			n := fieldLen(p)
			if n > 0 {
				steps = append(steps, jpStep{kind: "field", name: p[:n]})
				p = p[n:]
			}
		case p[0] == '.':
			p = p[1:]
			if strings.HasPrefix(p, "*") {
				steps = append(steps, jpStep{kind: "all"})
				p = p[1:]
				continue
			}
			n := fieldLen(p)
			if n > 0 {
				steps = append(steps, jpStep{kind: "field", name: p[:n]})
				p = p[n:]
			}
		case p[0] == '[':
			end := matchingBracket(p)
			if end < 0 {
				return nil, fmt.Errorf("unterminated [ in %q", p)
			}
			st, err := parseBracket(strings.TrimSpace(p[1:end]))
			if err != nil {
				return nil, err
			}
			steps = append(steps, st)
			p = p[end+1:]
		default:
			n := fieldLen(p)
			if n == 0 {
				return nil, fmt.Errorf("unrecognized character in action: %q", p)
			}
			steps = append(steps, jpStep{kind: "field", name: p[:n]})
			p = p[n:]
		}
	}
	return steps, nil
}

func fieldLen(p string) int {
	n := 0
	for n < len(p) && p[n] != '.' && p[n] != '[' && p[n] != ' ' {
		if p[n] == '\\' && n+1 < len(p) {
			n++
		}
		n++
	}
	return n
}

func matchingBracket(p string) int {
	depth := 0
	var quote byte
	for k := 0; k < len(p); k++ {
		c := p[k]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '[':
			depth++
		case c == ']':
			depth--
			if depth == 0 {
				return k
			}
		}
	}
	return -1
}

func parseBracket(b string) (jpStep, error) {
	switch {
	case b == "*":
		return jpStep{kind: "all"}, nil
	case strings.HasPrefix(b, "?(") && strings.HasSuffix(b, ")"):
		f, err := parseFilter(strings.TrimSpace(b[2 : len(b)-1]))
		return jpStep{kind: "filter", filter: f}, err
	case len(b) >= 2 && (b[0] == '\'' || b[0] == '"'):
		return jpStep{kind: "field", name: b[1 : len(b)-1]}, nil
	case strings.Contains(b, ":"):
		parts := strings.SplitN(b, ":", 3)
		st := jpStep{kind: "slice"}
		if v := strings.TrimSpace(parts[0]); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				return st, fmt.Errorf("bad slice %q", b)
			}
			st.start = &n
		}
		if v := strings.TrimSpace(parts[1]); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				return st, fmt.Errorf("bad slice %q", b)
			}
			st.end = &n
		}
		return st, nil
	}
	n, err := strconv.Atoi(b)
	if err != nil {
		return jpStep{}, fmt.Errorf("bad index %q", b)
	}
	return jpStep{kind: "index", index: n}, nil
}

func parseFilter(f string) (*jpFilter, error) {
	for _, op := range []string{"==", "!=", "<=", ">=", "<", ">"} {
		if i := strings.Index(f, op); i > 0 {
			left, err := parsePath(strings.TrimSpace(f[:i]))
			if err != nil {
				return nil, err
			}
			r := strings.TrimSpace(f[i+len(op):])
			flt := &jpFilter{left: left, op: op}
			if len(r) >= 2 && (r[0] == '"' || r[0] == '\'') {
				flt.right, flt.isLit = r[1:len(r)-1], true
			} else if strings.HasPrefix(r, "@") || strings.HasPrefix(r, "$") {
				rp, err := parsePath(r)
				if err != nil {
					return nil, err
				}
				flt.rpath = rp
			} else {
				flt.right, flt.isLit = r, true
			}
			return flt, nil
		}
	}
	left, err := parsePath(f)
	if err != nil {
		return nil, err
	}
	return &jpFilter{left: left}, nil
}

// eval returns the values one path selects from data.
func eval(data any, steps []jpStep) []any {
	cur := []any{data}
	for _, st := range steps {
		var next []any
		for _, v := range cur {
			next = append(next, applyStep(v, st)...)
		}
		cur = next
	}
	return cur
}

func applyStep(v any, st jpStep) []any {
	switch st.kind {
	case "field":
		if m, ok := v.(map[string]any); ok {
			if x, ok := m[st.name]; ok {
				return []any{x}
			}
		}
		return nil
	case "all":
		switch t := v.(type) {
		case []any:
			return t
		case map[string]any:
			keys := sortedKeys(t)
			out := make([]any, len(keys))
			for i, k := range keys {
				out[i] = t[k]
			}
			return out
		}
		return nil
	case "recurse":
		var out []any
		var walk func(x any)
		walk = func(x any) {
			out = append(out, x)
			switch t := x.(type) {
			case []any:
				for _, e := range t {
					walk(e)
				}
			case map[string]any:
				for _, k := range sortedKeys(t) {
					walk(t[k])
				}
			}
		}
		walk(v)
		return out
	case "index":
		l, ok := v.([]any)
		if !ok {
			return nil
		}
		i := st.index
		if i < 0 {
			i += len(l)
		}
		if i < 0 || i >= len(l) {
			return nil
		}
		return []any{l[i]}
	case "slice":
		l, ok := v.([]any)
		if !ok {
			return nil
		}
		s, e := 0, len(l)
		if st.start != nil {
			s = clampIndex(*st.start, len(l))
		}
		if st.end != nil {
			e = clampIndex(*st.end, len(l))
		}
		if s >= e {
			return nil
		}
		return l[s:e]
	case "filter":
		l, ok := v.([]any)
		if !ok {
			return nil
		}
		var out []any
		for _, e := range l {
			if st.filter.match(e) {
				out = append(out, e)
			}
		}
		return out
	}
	return nil
}

func clampIndex(i, n int) int {
	if i < 0 {
		i += n
	}
	if i < 0 {
		return 0
	}
	if i > n {
		return n
	}
	return i
}

func (f *jpFilter) match(e any) bool {
	lv := eval(e, f.left)
	if f.op == "" {
		return len(lv) > 0 && lv[0] != nil && lv[0] != false
	}
	if len(lv) == 0 {
		return false
	}
	var right any = f.right
	if !f.isLit {
		rv := eval(e, f.rpath)
		if len(rv) == 0 {
			return false
		}
		right = rv[0]
	}
	ls, rs := ValueString(lv[0]), ValueString(right)
	lf, lerr := strconv.ParseFloat(ls, 64)
	rf, rerr := strconv.ParseFloat(rs, 64)
	numeric := lerr == nil && rerr == nil
	switch f.op {
	case "==":
		return ls == rs
	case "!=":
		return ls != rs
	case "<":
		return numeric && lf < rf
	case ">":
		return numeric && lf > rf
	case "<=":
		return numeric && lf <= rf
	case ">=":
		return numeric && lf >= rf
	}
	return false
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// ValueString prints a value: strings raw, scalars as text, maps and lists
// as JSON.
func ValueString(v any) string {
	switch t := v.(type) {
	case nil:
		return ""
	case string:
		return t
	case json.Number:
		return t.String()
	case float64:
		return strconv.FormatFloat(t, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(t)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// Execute writes the template evaluated against data.
func (j *JSONPath) Execute(w io.Writer, data any) error {
	var b strings.Builder
	if err := j.exec(&b, j.nodes, data); err != nil {
		return err
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func (j *JSONPath) exec(b *strings.Builder, nodes []jpNode, data any) error {
	for _, n := range nodes {
		switch {
		case n.isText:
			b.WriteString(n.text)
		case n.rangeOf != nil:
			vals := eval(data, n.rangeOf)
			if len(vals) == 1 {
				if l, ok := vals[0].([]any); ok {
					vals = l
				}
			}
			for _, v := range vals {
				if err := j.exec(b, n.children, v); err != nil {
					return err
				}
			}
		default:
			vals := eval(data, n.path)
			if len(vals) == 0 && !j.AllowMissing && len(n.path) > 0 {
				return fmt.Errorf("%s is not found", describePath(n.path))
			}
			for i, v := range vals {
				if i > 0 {
					b.WriteByte(' ')
				}
				b.WriteString(ValueString(v))
			}
		}
	}
	return nil
}

func describePath(steps []jpStep) string {
	for i := len(steps) - 1; i >= 0; i-- {
		if steps[i].kind == "field" {
			return steps[i].name
		}
	}
	return "value"
}

// Path is a parsed bare JSONPath expression (no template text).
type Path struct{ steps []jpStep }

// Select returns the values the path selects from data.
func (p Path) Select(data any) []any { return eval(data, p.steps) }

// SelectPath parses a bare path (".spec.replicas", "{.spec.replicas}").
func SelectPath(expr string) (Path, error) {
	expr = strings.TrimSpace(expr)
	if strings.HasPrefix(expr, "{") && strings.HasSuffix(expr, "}") {
		expr = expr[1 : len(expr)-1]
	}
	if !strings.HasPrefix(expr, ".") && !strings.HasPrefix(expr, "[") && !strings.HasPrefix(expr, "$") && !strings.HasPrefix(expr, "@") {
		expr = "." + expr
	}
	steps, err := parsePath(expr)
	return Path{steps: steps}, err
}

package fields

import (
	"fmt"
	"slices"
	"strings"

	"keel.dev/apimachinery/pkg/selection"
)

// Selector decides whether an object's fields are selected.
type Selector interface {
	// Matches reports whether the fields satisfy every term.
	Matches(Fields) bool
	// Empty reports whether the selector has no terms.
	Empty() bool
	// RequiresExactMatch returns the value an = term pins field to, if any.
	RequiresExactMatch(field string) (value string, found bool)
	// Transform rewrites every term through fn; terms mapped to ("", "") vanish.
	Transform(fn TransformFunc) (Selector, error)
	// Requirements lists the terms.
	Requirements() Requirements
	// String renders the selector with values escaped.
	String() string
	// DeepCopySelector returns an independent copy.
	DeepCopySelector() Selector
}

// TransformFunc rewrites one term's field and value (e.g. to map legacy field names).
type TransformFunc func(field, value string) (newField, newValue string, err error)

// term is "field=value" (or "field!=value" when negated).
type term struct {
	field, value string
	negated      bool
}

func (t *term) Matches(f Fields) bool      { return (f.Get(t.field) == t.value) != t.negated }
func (t *term) Empty() bool                { return false }
func (t *term) DeepCopySelector() Selector { c := *t; return &c }

func (t *term) RequiresExactMatch(field string) (string, bool) {
	if !t.negated && t.field == field {
		return t.value, true
	}
	return "", false
}

func (t *term) Transform(fn TransformFunc) (Selector, error) {
	f, v, err := fn(t.field, t.value)
	if err != nil {
		return nil, err
	}
	if f == "" && v == "" {
		return Everything(), nil
	}
	return &term{field: f, value: v, negated: t.negated}, nil
}

func (t *term) op() selection.Operator {
	if t.negated {
		return selection.NotEquals
	}
	return selection.Equals
}

func (t *term) Requirements() Requirements {
	return Requirements{{Operator: t.op(), Field: t.field, Value: t.value}}
}

func (t *term) String() string {
	return t.field + string(t.op()) + EscapeValue(t.value)
}

// andSelector requires all of its parts.
type andSelector []Selector

func (a andSelector) Matches(f Fields) bool {
	for _, s := range a {
		if !s.Matches(f) {
			return false
		}
	}
	return true
}

func (a andSelector) Empty() bool {
	for _, s := range a {
		if !s.Empty() {
			return false
		}
	}
	return true
}

func (a andSelector) RequiresExactMatch(field string) (string, bool) {
	for _, s := range a {
		if v, ok := s.RequiresExactMatch(field); ok {
			return v, true
		}
	}
	return "", false
}

func (a andSelector) Transform(fn TransformFunc) (Selector, error) {
	out := make(andSelector, 0, len(a))
	for _, s := range a {
		n, err := s.Transform(fn)
		if err != nil {
			return nil, err
		}
		if !n.Empty() {
			out = append(out, n)
		}
	}
	return out, nil
}

func (a andSelector) Requirements() Requirements {
	var out Requirements
	for _, s := range a {
		out = append(out, s.Requirements()...)
	}
	return out
}

func (a andSelector) String() string {
	parts := make([]string, len(a))
	for i, s := range a {
		parts[i] = s.String()
	}
	return strings.Join(parts, ",")
}

func (a andSelector) DeepCopySelector() Selector {
	if a == nil {
		return andSelector(nil)
	}
	out := make(andSelector, len(a))
	for i, s := range a {
		out[i] = s.DeepCopySelector()
	}
	return out
}

// nothingSelector matches nothing.
type nothingSelector struct{}

func (nothingSelector) Matches(Fields) bool                         { return false }
func (nothingSelector) Empty() bool                                 { return false }
func (nothingSelector) RequiresExactMatch(string) (string, bool)    { return "", false }
func (n nothingSelector) Transform(TransformFunc) (Selector, error) { return n, nil }
func (nothingSelector) Requirements() Requirements                  { return nil }
func (nothingSelector) String() string                              { return "" }
func (n nothingSelector) DeepCopySelector() Selector                { return n }

// Everything returns a selector that matches every object.
func Everything() Selector { return andSelector{} }

// Nothing returns a selector that matches no object.
func Nothing() Selector { return nothingSelector{} }

// OneTermEqualSelector returns "k=v".
func OneTermEqualSelector(k, v string) Selector { return &term{field: k, value: v} }

// OneTermNotEqualSelector returns "k!=v".
func OneTermNotEqualSelector(k, v string) Selector { return &term{field: k, value: v, negated: true} }

// AndSelectors returns a selector requiring all of the given ones.
func AndSelectors(selectors ...Selector) Selector { return andSelector(selectors) }

// SelectorFromSet returns a selector requiring field=value for every pair,
// in sorted field order; a nil set gives Everything.
func SelectorFromSet(s Set) Selector {
	if s == nil {
		return Everything()
	}
	keys := make([]string, 0, len(s))
	for k := range s {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := make(andSelector, 0, len(keys))
	for _, k := range keys {
		out = append(out, &term{field: k, value: s[k]})
	}
	if len(out) == 1 {
		return out[0]
	}
	return out
}

var escaper = strings.NewReplacer(`\`, `\\`, `,`, `\,`, `=`, `\=`)

// EscapeValue escapes '\', ',' and '=' with a backslash.
func EscapeValue(s string) string { return escaper.Replace(s) }

// InvalidEscapeSequence is returned for a backslash not followed by '\', ',' or '='.
type InvalidEscapeSequence struct {
	sequence string
}

func (e InvalidEscapeSequence) Error() string {
	return fmt.Sprintf("invalid field selector: invalid escape sequence: %s", e.sequence)
}

// UnescapedRune is returned for a bare ',' or '=' inside a value.
type UnescapedRune struct {
	r rune
}

// Error prints the rune as a number, as Kubernetes does.
func (e UnescapedRune) Error() string {
	return fmt.Sprintf("invalid field selector: unescaped character in value: %v", e.r)
}

// UnescapeValue reverses EscapeValue, rejecting bad escapes and bare ',' or '='.
func UnescapeValue(s string) (string, error) {
	if !strings.ContainsAny(s, `\,=`) {
		return s, nil
	}
	var b strings.Builder
	b.Grow(len(s))
	escaped := false
	for _, c := range s {
		switch {
		case escaped:
			if c != '\\' && c != ',' && c != '=' {
				return "", InvalidEscapeSequence{sequence: `\` + string(c)}
			}
			b.WriteRune(c)
			escaped = false
		case c == '\\':
			escaped = true
		case c == ',' || c == '=':
			return "", UnescapedRune{r: c}
		default:
			b.WriteRune(c)
		}
	}
	if escaped {
		return "", InvalidEscapeSequence{sequence: `\`}
	}
	return b.String(), nil
}

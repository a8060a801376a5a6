package fields

import (
	"fmt"
	"slices"
	"strings"
)

// ParseSelector parses "f1=v1,f2!=v2" ("==" is the same as "="). Terms are
// sorted; values are unescaped. The empty string selects everything.
func ParseSelector(selector string) (Selector, error) {
	return ParseAndTransformSelector(selector, func(f, v string) (string, string, error) { return f, v, nil })
}

// ParseSelectorOrDie is ParseSelector that panics on error, for constants.
func ParseSelectorOrDie(s string) Selector {
	sel, err := ParseSelector(s)
	if err != nil {
		panic(err)
	}
	return sel
}

// ParseAndTransformSelector parses a selector and rewrites its terms through fn.
func ParseAndTransformSelector(selector string, fn TransformFunc) (Selector, error) {
	parts := splitTerms(selector)
	slices.Sort(parts)
	var terms andSelector
	for _, part := range parts {
		if part == "" {
			continue
		}
		lhs, negated, rhs, ok := splitTerm(part)
		if !ok {
			return nil, fmt.Errorf("invalid selector: '%s'; can't understand '%s'", selector, part)
		}
		value, err := UnescapeValue(rhs)
		if err != nil {
			return nil, err
		}
		terms = append(terms, &term{field: lhs, value: value, negated: negated})
	}
	if len(terms) == 1 {
		return terms[0].Transform(fn)
	}
	return terms.Transform(fn)
}

// splitTerms cuts at commas not preceded by an escaping backslash.
func splitTerms(s string) []string {
	if s == "" {
		return nil
	}
	var out []string
	start, escaped := 0, false
	for i := 0; i < len(s); i++ {
		switch {
		case escaped:
			escaped = false
		case s[i] == '\\':
			escaped = true
		case s[i] == ',':
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

// splitTerm finds the first operator ("!=", "==" or "=") in a term.
func splitTerm(t string) (lhs string, negated bool, rhs string, ok bool) {
	for i := 0; i < len(t); i++ {
		rest := t[i:]
		switch {
		case strings.HasPrefix(rest, "!="):
			return t[:i], true, rest[2:], true
		case strings.HasPrefix(rest, "=="):
			return t[:i], false, rest[2:], true
		case rest[0] == '=':
			return t[:i], false, rest[1:], true
		}
	}
	return "", false, "", false
}

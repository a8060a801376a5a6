package labels

import (
	"fmt"
	"slices"

	"keel.dev/apimachinery/pkg/selection"
)

// tokenKind classifies a lexeme of the selector syntax.
type tokenKind int

const (
	tokEnd tokenKind = iota
	tokIdent
	tokComma
	tokOpen
	tokClose
	tokBang
	tokEq
	tokDoubleEq
	tokNotEq
	tokGt
	tokLt
	tokIn
	tokNotIn
)

type token struct {
	kind tokenKind
	text string
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

func isSymbol(c byte) bool {
	switch c {
	case '=', '!', '(', ')', ',', '>', '<':
		return true
	}
	return false
}

// lex splits a selector into tokens, ending with a tokEnd. Symbols take the
// longest match ("!=" and "=="); any other run of non-space, non-symbol bytes
// is an identifier, or the keyword in/notin. A NUL byte is treated as
// Kubernetes' lexer treats it: it ends the input where a token would start,
// and otherwise ends the current token and is skipped.
func lex(s string) []token {
	toks := make([]token, 0, 8)
	// skipNUL steps over a NUL directly after a token.
	skipNUL := func(i int) int {
		if i < len(s) && s[i] == 0 {
			return i + 1
		}
		return i
	}
	for i := 0; ; {
		for i < len(s) && isSpace(s[i]) {
			i++
		}
		if i == len(s) || s[i] == 0 {
			return append(toks, token{tokEnd, ""})
		}
		c := s[i]
		if isSymbol(c) {
			var t token
			switch {
			case c == '!' && i+1 < len(s) && s[i+1] == '=':
				t = token{tokNotEq, "!="}
			case c == '=' && i+1 < len(s) && s[i+1] == '=':
				t = token{tokDoubleEq, "=="}
			case c == '!':
				t = token{tokBang, "!"}
			case c == '=':
				t = token{tokEq, "="}
			case c == '(':
				t = token{tokOpen, "("}
			case c == ')':
				t = token{tokClose, ")"}
			case c == ',':
				t = token{tokComma, ","}
			case c == '>':
				t = token{tokGt, ">"}
			default:
				t = token{tokLt, "<"}
			}
			toks = append(toks, t)
			i = skipNUL(i + len(t.text))
			continue
		}
		j := i
		for j < len(s) && s[j] != 0 && !isSpace(s[j]) && !isSymbol(s[j]) {
			j++
		}
		word := s[i:j]
		switch word {
		case "in":
			toks = append(toks, token{tokIn, word})
		case "notin":
			toks = append(toks, token{tokNotIn, word})
		default:
			toks = append(toks, token{tokIdent, word})
		}
		i = skipNUL(j)
	}
}

// parser walks the token list. Outside operator position the keywords
// in/notin are ordinary identifiers, so keys and values may be spelled so.
type parser struct {
	toks []token
	pos  int
}

// peek returns the next token, keywords read as identifiers.
func (p *parser) peek() token { return asIdent(p.toks[p.pos]) }

// next consumes the next token, keywords read as identifiers.
func (p *parser) next() token { return asIdent(p.nextRaw()) }

// nextRaw consumes the next token as lexed; tokEnd is never consumed past.
func (p *parser) nextRaw() token {
	t := p.toks[p.pos]
	if t.kind != tokEnd {
		p.pos++
	}
	return t
}

func asIdent(t token) token {
	if t.kind == tokIn || t.kind == tokNotIn {
		t.kind = tokIdent
	}
	return t
}

// Parse parses a label selector such as "env in (prod,qa),tier!=web,!canary,partition".
// Requirements are comma-separated and all must hold; the result is sorted by key.
// The empty string parses to a selector matching everything.
func Parse(selector string) (Selector, error) {
	reqs, err := ParseToRequirements(selector)
	if err != nil {
		return nil, err
	}
	return reqSelector(reqs), nil
}

// ParseToRequirements parses a selector into its requirements, sorted by key.
func ParseToRequirements(selector string) ([]Requirement, error) {
	p := &parser{toks: lex(selector)}
	var reqs []Requirement
	for {
		t := p.peek()
		switch t.kind {
		case tokEnd:
			sortByKey(reqs)
			return reqs, nil
		case tokIdent, tokBang:
		default:
			return nil, fmt.Errorf("found '%s', expected: !, identifier, or 'end of string'", t.text)
		}
		r, err := p.requirement()
		if err != nil {
			return nil, fmt.Errorf("unable to parse requirement: %w", err)
		}
		reqs = append(reqs, *r)
		switch t := p.next(); t.kind {
		case tokEnd:
			sortByKey(reqs)
			return reqs, nil
		case tokComma:
			if n := p.peek(); n.kind != tokIdent && n.kind != tokBang {
				return nil, fmt.Errorf("found '%s', expected: identifier after ','", n.text)
			}
		default:
			return nil, fmt.Errorf("found '%s', expected: ',' or 'end of string'", t.text)
		}
	}
}

// requirement parses "[!]key [op values]".
func (p *parser) requirement() (*Requirement, error) {
	t := p.next()
	negated := t.kind == tokBang
	if negated {
		t = p.next()
	}
	if t.kind != tokIdent {
		return nil, fmt.Errorf("found '%s', expected: identifier", t.text)
	}
	key := t.text
	if err := validateLabelKey(key, nil); err != nil {
		return nil, err
	}
	if negated {
		return NewRequirement(key, selection.DoesNotExist, nil)
	}
	if n := p.peek(); n.kind == tokEnd || n.kind == tokComma {
		return NewRequirement(key, selection.Exists, nil)
	}
	var op selection.Operator
	switch t := p.nextRaw(); t.kind {
	case tokIn:
		op = selection.In
	case tokNotIn:
		op = selection.NotIn
	case tokEq:
		op = selection.Equals
	case tokDoubleEq:
		op = selection.DoubleEquals
	case tokNotEq:
		op = selection.NotEquals
	case tokGt:
		op = selection.GreaterThan
	case tokLt:
		op = selection.LessThan
	default:
		return nil, fmt.Errorf("found '%s', expected: %s", t.text, binaryOperatorList)
	}
	var vals []string
	var err error
	if op == selection.In || op == selection.NotIn {
		vals, err = p.valueSet()
	} else {
		vals, err = p.exactValue()
	}
	if err != nil {
		return nil, err
	}
	return NewRequirement(key, op, vals)
}

// exactValue parses the single value after =, ==, !=, > or <; a missing value is "".
func (p *parser) exactValue() ([]string, error) {
	if n := p.peek(); n.kind == tokEnd || n.kind == tokComma {
		return []string{""}, nil
	}
	t := p.next()
	if t.kind != tokIdent {
		return nil, fmt.Errorf("found '%s', expected: identifier", t.text)
	}
	return []string{t.text}, nil
}

// valueSet parses "(v1, v2, ...)" into sorted distinct values; empty slots
// (as in "()" or "(a,,b)") stand for the empty value.
func (p *parser) valueSet() ([]string, error) {
	if t := p.next(); t.kind != tokOpen {
		return nil, fmt.Errorf("found '%s' expected: '('", t.text)
	}
	first := p.peek()
	switch first.kind {
	case tokClose:
		p.next()
		return []string{""}, nil
	case tokIdent, tokComma:
	default:
		return nil, fmt.Errorf("found '%s', expected: ',', ')' or identifier", first.text)
	}
	var vals []string
	for {
		t := p.next()
		switch t.kind {
		case tokIdent:
			vals = append(vals, t.text)
			switch n := p.peek(); n.kind {
			case tokComma:
				continue
			case tokClose:
			default:
				return nil, fmt.Errorf("found '%s', expected: ',' or ')'", n.text)
			}
		case tokComma:
			if len(vals) == 0 {
				vals = append(vals, "")
			}
			switch p.peek().kind {
			case tokClose:
				vals = append(vals, "")
			case tokComma:
				vals = append(vals, "")
				continue
			default:
				continue
			}
		default:
			return nil, fmt.Errorf("found '%s', expected: ',', or identifier", t.text)
		}
		// The next token is ')'.
		p.next()
		slices.Sort(vals)
		return slices.Compact(vals), nil
	}
}

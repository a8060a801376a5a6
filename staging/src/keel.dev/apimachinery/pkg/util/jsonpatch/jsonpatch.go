// Package jsonpatch applies JSON Patch documents (RFC 6902: add, remove,
// replace, move, copy, test) to JSON documents, as the apiserver does for
// PATCH requests of type application/json-patch+json.
package jsonpatch

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
)

// Operation is one step of a patch.
type Operation struct {
	Op    string           `json:"op"`
	Path  string           `json:"path"`
	From  string           `json:"from,omitempty"`
	Value *json.RawMessage `json:"value,omitempty"`
}

// Apply applies the JSON Patch patch to the JSON document doc and returns the
// result. Either the whole patch applies or an error is returned.
func Apply(doc, patch []byte) ([]byte, error) {
	var ops []Operation
	if err := json.Unmarshal(patch, &ops); err != nil {
		return nil, fmt.Errorf("invalid JSON Patch: %w", err)
	}
	var root any
	d := json.NewDecoder(bytes.NewReader(doc))
	d.UseNumber()
	if err := d.Decode(&root); err != nil {
		return nil, fmt.Errorf("invalid JSON document: %w", err)
	}
	for i, op := range ops {
		var err error
		root, err = applyOp(root, op)
		if err != nil {
			return nil, fmt.Errorf("JSON Patch operation %d (%s %s): %w", i, op.Op, op.Path, err)
		}
	}
	return json.Marshal(root)
}

func decodeValue(raw *json.RawMessage) (any, error) {
	if raw == nil {
		return nil, fmt.Errorf("missing value")
	}
	var v any
	d := json.NewDecoder(bytes.NewReader(*raw))
	d.UseNumber()
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}

func applyOp(root any, op Operation) (any, error) {
	switch op.Op {
	case "add":
		v, err := decodeValue(op.Value)
		if err != nil {
			return nil, err
		}
		return add(root, op.Path, v)
	case "remove":
		root, _, err := remove(root, op.Path)
		return root, err
	case "replace":
		v, err := decodeValue(op.Value)
		if err != nil {
			return nil, err
		}
		if _, err := get(root, op.Path); err != nil {
			return nil, err
		}
		if op.Path == "" {
			return v, nil
		}
		root, _, err = remove(root, op.Path)
		if err != nil {
			return nil, err
		}
		return add(root, op.Path, v)
	case "move":
		if strings.HasPrefix(op.Path, op.From+"/") {
			return nil, fmt.Errorf("cannot move %q into its own child", op.From)
		}
		root, v, err := remove(root, op.From)
		if err != nil {
			return nil, err
		}
		return add(root, op.Path, v)
	case "copy":
		v, err := get(root, op.From)
		if err != nil {
			return nil, err
		}
		return add(root, op.Path, deepCopy(v))
	case "test":
		want, err := decodeValue(op.Value)
		if err != nil {
			return nil, err
		}
		got, err := get(root, op.Path)
		if err != nil {
			return nil, err
		}
		if !equal(got, want) {
			return nil, fmt.Errorf("test failed: value differs")
		}
		return root, nil
	default:
		return nil, fmt.Errorf("unknown operation %q", op.Op)
	}
}

// parsePointer splits an RFC 6901 pointer into unescaped tokens.
func parsePointer(p string) ([]string, error) {
	if p == "" {
		return nil, nil
	}
	if p[0] != '/' {
		return nil, fmt.Errorf("path %q does not start with /", p)
	}
	parts := strings.Split(p[1:], "/")
	for i, s := range parts {
		parts[i] = strings.ReplaceAll(strings.ReplaceAll(s, "~1", "/"), "~0", "~")
	}
	return parts, nil
}

func index(tok string, n int, allowEnd bool) (int, error) {
	if allowEnd && tok == "-" {
		return n, nil
	}
	if tok == "" || (len(tok) > 1 && tok[0] == '0') || tok[0] == '-' || tok[0] == '+' {
		return 0, fmt.Errorf("invalid array index %q", tok)
	}
	i, err := strconv.Atoi(tok)
	if err != nil {
		return 0, fmt.Errorf("invalid array index %q", tok)
	}
	limit := n - 1
	if allowEnd {
		limit = n
	}
	if i > limit {
		return 0, fmt.Errorf("array index %d out of bounds", i)
	}
	return i, nil
}

func get(root any, path string) (any, error) {
	toks, err := parsePointer(path)
	if err != nil {
		return nil, err
	}
	cur := root
	for _, tok := range toks {
		switch c := cur.(type) {
		case map[string]any:
			v, ok := c[tok]
			if !ok {
				return nil, fmt.Errorf("path %q does not exist", path)
			}
			cur = v
		case []any:
			i, err := index(tok, len(c), false)
			if err != nil {
				return nil, err
			}
			cur = c[i]
		default:
			return nil, fmt.Errorf("path %q does not exist", path)
		}
	}
	return cur, nil
}

// setIn rebuilds the container at toks[:len-1] with fn applied to its last step.
func modify(root any, toks []string, path string, fn func(parent any, last string) (any, any, error)) (any, any, error) {
	if len(toks) == 0 {
		return nil, nil, fmt.Errorf("path %q: the root cannot be modified this way", path)
	}
	if len(toks) == 1 {
		return fn(root, toks[0])
	}
	switch c := root.(type) {
	case map[string]any:
		child, ok := c[toks[0]]
		if !ok {
			return nil, nil, fmt.Errorf("path %q does not exist", path)
		}
		nc, out, err := modify(child, toks[1:], path, fn)
		if err != nil {
			return nil, nil, err
		}
		c[toks[0]] = nc
		return c, out, nil
	case []any:
		i, err := index(toks[0], len(c), false)
		if err != nil {
			return nil, nil, err
		}
		nc, out, err := modify(c[i], toks[1:], path, fn)
		if err != nil {
			return nil, nil, err
		}
		c[i] = nc
		return c, out, nil
	default:
		return nil, nil, fmt.Errorf("path %q does not exist", path)
	}
}

func add(root any, path string, v any) (any, error) {
	toks, err := parsePointer(path)
	if err != nil {
		return nil, err
	}
	if len(toks) == 0 {
		return v, nil
	}
	out, _, err := modify(root, toks, path, func(parent any, last string) (any, any, error) {
		switch c := parent.(type) {
		case map[string]any:
			c[last] = v
			return c, nil, nil
		case []any:
			i, err := index(last, len(c), true)
			if err != nil {
				return nil, nil, err
			}
			c = append(c, nil)
			copy(c[i+1:], c[i:])
			c[i] = v
			return c, nil, nil
		default:
			return nil, nil, fmt.Errorf("path %q: parent is not an object or array", path)
		}
	})
	return out, err
}

func remove(root any, path string) (any, any, error) {
	toks, err := parsePointer(path)
	if err != nil {
		return nil, nil, err
	}
	return modify(root, toks, path, func(parent any, last string) (any, any, error) {
		switch c := parent.(type) {
		case map[string]any:
			v, ok := c[last]
			if !ok {
				return nil, nil, fmt.Errorf("path %q does not exist", path)
			}
			delete(c, last)
			return c, v, nil
		case []any:
			i, err := index(last, len(c), false)
			if err != nil {
				return nil, nil, err
			}
			v := c[i]
			return append(c[:i:i], c[i+1:]...), v, nil
		default:
			return nil, nil, fmt.Errorf("path %q does not exist", path)
		}
	})
}

func deepCopy(v any) any {
	switch c := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(c))
		for k, e := range c {
			m[k] = deepCopy(e)
		}
		return m
	case []any:
		s := make([]any, len(c))
		for i, e := range c {
			s[i] = deepCopy(e)
		}
		return s
	default:
		return v
	}
}

// equal compares decoded JSON values, treating numbers by value.
func equal(a, b any) bool {
	an, aok := a.(json.Number)
	bn, bok := b.(json.Number)
	if aok && bok {
		af, err1 := an.Float64()
		bf, err2 := bn.Float64()
		if err1 == nil && err2 == nil {
			return af == bf
		}
		return an == bn
	}
	switch ac := a.(type) {
	case map[string]any:
		bc, ok := b.(map[string]any)
		if !ok || len(ac) != len(bc) {
			return false
		}
		for k, v := range ac {
			w, ok := bc[k]
			if !ok || !equal(v, w) {
				return false
			}
		}
		return true
	case []any:
		bc, ok := b.([]any)
		if !ok || len(ac) != len(bc) {
			return false
		}
		for i := range ac {
			if !equal(ac[i], bc[i]) {
				return false
			}
		}
		return true
	}
	return reflect.DeepEqual(a, b)
}

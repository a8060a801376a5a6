package fieldmanager

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// Set is a set of field paths stored as a trie. A node that is itself a member
// of the set (a leaf, or a list element marked ".") has Self set.
type Set struct {
	Self     bool
	Children map[string]*Set
}

// NewSet returns an empty set.
func NewSet() *Set { return &Set{} }

// Empty reports whether the set holds no path.
func (s *Set) Empty() bool {
	if s == nil {
		return true
	}
	if s.Self {
		return false
	}
	for _, c := range s.Children {
		if !c.Empty() {
			return false
		}
	}
	return true
}

func (s *Set) child(k string) *Set {
	if s.Children == nil {
		s.Children = map[string]*Set{}
	}
	c, ok := s.Children[k]
	if !ok {
		c = &Set{}
		s.Children[k] = c
	}
	return c
}

// Insert adds a path.
func (s *Set) Insert(path ...string) {
	n := s
	for _, p := range path {
		n = n.child(p)
	}
	n.Self = true
}

// Has reports whether the path is in the set.
func (s *Set) Has(path ...string) bool {
	n := s
	for _, p := range path {
		if n == nil || n.Children == nil {
			return false
		}
		n = n.Children[p]
	}
	return n != nil && n.Self
}

// Union returns s ∪ o as a new set.
func (s *Set) Union(o *Set) *Set {
	out := s.Copy()
	out.merge(o)
	return out
}

func (s *Set) merge(o *Set) {
	if o == nil {
		return
	}
	s.Self = s.Self || o.Self
	for k, c := range o.Children {
		s.child(k).merge(c)
	}
}

// Difference returns s − o as a new set.
func (s *Set) Difference(o *Set) *Set {
	if s == nil {
		return NewSet()
	}
	out := &Set{Self: s.Self && (o == nil || !o.Self)}
	for k, c := range s.Children {
		var oc *Set
		if o != nil && o.Children != nil {
			oc = o.Children[k]
		}
		d := c.Difference(oc)
		if !d.Empty() {
			if out.Children == nil {
				out.Children = map[string]*Set{}
			}
			out.Children[k] = d
		}
	}
	return out
}

// Intersection returns s ∩ o as a new set.
func (s *Set) Intersection(o *Set) *Set {
	out := &Set{}
	if s == nil || o == nil {
		return out
	}
	out.Self = s.Self && o.Self
	for k, c := range s.Children {
		if oc, ok := o.Children[k]; ok {
			i := c.Intersection(oc)
			if !i.Empty() {
				if out.Children == nil {
					out.Children = map[string]*Set{}
				}
				out.Children[k] = i
			}
		}
	}
	return out
}

// Copy returns a deep copy.
func (s *Set) Copy() *Set {
	if s == nil {
		return NewSet()
	}
	out := &Set{Self: s.Self}
	for k, c := range s.Children {
		if out.Children == nil {
			out.Children = map[string]*Set{}
		}
		out.Children[k] = c.Copy()
	}
	return out
}

// Paths lists the members as paths, sorted.
func (s *Set) Paths() [][]string {
	var out [][]string
	var walk func(n *Set, prefix []string)
	walk = func(n *Set, prefix []string) {
		if n.Self && len(prefix) > 0 {
			out = append(out, append([]string(nil), prefix...))
		}
		keys := make([]string, 0, len(n.Children))
		for k := range n.Children {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			walk(n.Children[k], append(prefix, k))
		}
	}
	walk(s, nil)
	return out
}

// MarshalJSON writes the FieldsV1 form: {"f:spec":{"f:replicas":{}}}, with
// "." marking a node that is a member and has children.
func (s *Set) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	s.write(&b, true)
	return b.Bytes(), nil
}

func (s *Set) write(b *bytes.Buffer, root bool) {
	keys := make([]string, 0, len(s.Children))
	for k, c := range s.Children {
		if !c.Empty() {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	b.WriteByte('{')
	first := true
	if s.Self && len(keys) > 0 && !root {
		b.WriteString(`".":{}`)
		first = false
	}
	for _, k := range keys {
		if !first {
			b.WriteByte(',')
		}
		first = false
		kb, _ := json.Marshal(k)
		b.Write(kb)
		b.WriteByte(':')
		s.Children[k].write(b, false)
	}
	b.WriteByte('}')
}

// UnmarshalJSON reads the FieldsV1 form.
func (s *Set) UnmarshalJSON(data []byte) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil {
		return fmt.Errorf("invalid FieldsV1: %w", err)
	}
	*s = Set{}
	if len(m) == 0 {
		s.Self = true
		return nil
	}
	for k, v := range m {
		if k == "." {
			s.Self = true
			continue
		}
		if !strings.HasPrefix(k, "f:") && !strings.HasPrefix(k, "k:") && !strings.HasPrefix(k, "v:") && !strings.HasPrefix(k, "i:") {
			return fmt.Errorf("invalid FieldsV1 key %q", k)
		}
		c := &Set{}
		if err := c.UnmarshalJSON(v); err != nil {
			return err
		}
		if s.Children == nil {
			s.Children = map[string]*Set{}
		}
		s.Children[k] = c
	}
	return nil
}

// String renders the members as Kubernetes prints them in conflict messages:
// ".spec.replicas", `.spec.containers[name="nginx"].image`.
func PathString(path []string) string {
	var b strings.Builder
	for _, p := range path {
		switch {
		case strings.HasPrefix(p, "f:"):
			b.WriteString(".")
			b.WriteString(p[2:])
		case strings.HasPrefix(p, "k:"):
			var m map[string]any
			if json.Unmarshal([]byte(p[2:]), &m) == nil {
				keys := make([]string, 0, len(m))
				for k := range m {
					keys = append(keys, k)
				}
				sort.Strings(keys)
				parts := make([]string, 0, len(keys))
				for _, k := range keys {
					vb, _ := json.Marshal(m[k])
					parts = append(parts, k+"="+string(vb))
				}
				b.WriteString("[" + strings.Join(parts, ",") + "]")
			} else {
				b.WriteString("[" + p[2:] + "]")
			}
		case strings.HasPrefix(p, "v:"):
			b.WriteString("[=" + p[2:] + "]")
		case strings.HasPrefix(p, "i:"):
			b.WriteString("[" + p[2:] + "]")
		}
	}
	return b.String()
}

// hasBelow reports whether the set holds a path strictly below path.
func (s *Set) hasBelow(path []string) bool {
	n := s
	for _, p := range path {
		if n == nil || n.Children == nil {
			return false
		}
		n = n.Children[p]
	}
	if n == nil {
		return false
	}
	for _, c := range n.Children {
		if !c.Empty() {
			return true
		}
	}
	return false
}

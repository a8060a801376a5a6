// Package field names fields inside an object (spec.containers[0].image) and
// collects validation errors against them; the apiserver turns an ErrorList
// into the causes of a 422 Status.
package field

import (
	"strconv"
	"strings"
)

// Path is a field's location, built from the root down:
// NewPath("spec").Child("containers").Index(0).Child("image").
type Path struct {
	name   string // a field name, or "" for an index/key step
	index  string // "[0]" or "[key]" for index/key steps
	parent *Path
}

// NewPath starts a path at a root field, optionally followed by more children.
func NewPath(name string, more ...string) *Path {
	p := &Path{name: name}
	for _, m := range more {
		p = p.Child(m)
	}
	return p
}

// Root returns the first element of the path.
func (p *Path) Root() *Path {
	for p.parent != nil {
		p = p.parent
	}
	return p
}

// Child appends field names.
func (p *Path) Child(name string, more ...string) *Path {
	r := &Path{name: name, parent: p}
	for _, m := range more {
		r = &Path{name: m, parent: r}
	}
	return r
}

// Index appends a list index.
func (p *Path) Index(i int) *Path {
	return &Path{index: "[" + strconv.Itoa(i) + "]", parent: p}
}

// Key appends a map key.
func (p *Path) Key(k string) *Path {
	return &Path{index: "[" + k + "]", parent: p}
}

// String renders the path as Kubernetes does: "spec.containers[0].image".
func (p *Path) String() string {
	if p == nil {
		return "<nil>"
	}
	var elems []*Path
	for q := p; q != nil; q = q.parent {
		elems = append(elems, q)
	}
	var b strings.Builder
	for i := len(elems) - 1; i >= 0; i-- {
		e := elems[i]
		if e.index != "" {
			b.WriteString(e.index)
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(e.name)
	}
	return b.String()
}

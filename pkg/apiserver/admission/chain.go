package admission

import (
	"context"

	"keel.dev/apimachinery/pkg/runtime/schema"
)

// Chain runs plugins in order: every mutator, then (separately) every
// validator. A nil *Chain admits everything.
type Chain struct {
	names      []string
	mutators   []Mutator
	validators []Validator
	// handles caches Handles per operation for a chain narrowed to one
	// resource (ForResource).
	mutates, validates map[Operation]bool
	narrowed           bool
	plugins            []Plugin
}

// NewChain returns the chain of plugins in order; names are for errors and
// logs only.
func NewChain(names []string, plugins []Plugin) *Chain {
	c := &Chain{names: names, plugins: plugins}
	for _, p := range plugins {
		if m, ok := p.(Mutator); ok {
			c.mutators = append(c.mutators, m)
		}
		if v, ok := p.(Validator); ok {
			c.validators = append(c.validators, v)
		}
	}
	return c
}

// Names lists the plugins of the chain in order.
func (c *Chain) Names() []string {
	if c == nil {
		return nil
	}
	return append([]string(nil), c.names...)
}

var operations = []Operation{Create, Update, Delete}

// ForResource returns the part of the chain that acts on gr, nil when no
// plugin does: stores keep it so requests of other resources pay nothing.
func (c *Chain) ForResource(gr schema.GroupResource) *Chain {
	if c == nil {
		return nil
	}
	out := &Chain{narrowed: true, mutates: map[Operation]bool{}, validates: map[Operation]bool{}}
	for i, p := range c.plugins {
		handled := false
		for _, op := range operations {
			if p.Handles(op, gr) {
				handled = true
				if _, ok := p.(Mutator); ok {
					out.mutates[op] = true
				}
				if _, ok := p.(Validator); ok {
					out.validates[op] = true
				}
			}
		}
		if !handled {
			continue
		}
		out.names = append(out.names, c.names[i])
		out.plugins = append(out.plugins, p)
		if m, ok := p.(Mutator); ok {
			out.mutators = append(out.mutators, m)
		}
		if v, ok := p.(Validator); ok {
			out.validators = append(out.validators, v)
		}
	}
	if len(out.plugins) == 0 {
		return nil
	}
	return out
}

// Mutates reports whether some plugin may change objects of op on the
// chain's resource (always true for a chain not narrowed by ForResource
// that has mutators).
func (c *Chain) Mutates(op Operation) bool {
	if c == nil {
		return false
	}
	if !c.narrowed {
		return len(c.mutators) > 0
	}
	return c.mutates[op]
}

// Validates reports whether some plugin checks op on the chain's resource.
func (c *Chain) Validates(op Operation) bool {
	if c == nil {
		return false
	}
	if !c.narrowed {
		return len(c.validators) > 0
	}
	return c.validates[op]
}

// Admit runs the mutators that handle the request, stopping at the first
// rejection.
func (c *Chain) Admit(ctx context.Context, a *Attributes) error {
	if c == nil {
		return nil
	}
	for _, m := range c.mutators {
		if !handles(m, a) {
			continue
		}
		if err := m.Admit(ctx, a); err != nil {
			return err
		}
	}
	return nil
}

// Validate runs the validators that handle the request, stopping at the
// first rejection.
func (c *Chain) Validate(ctx context.Context, a *Attributes) error {
	if c == nil {
		return nil
	}
	for _, v := range c.validators {
		if !handles(v, a) {
			continue
		}
		if err := v.Validate(ctx, a); err != nil {
			return err
		}
	}
	return nil
}

// ActsOnSubresource reports whether some plugin of the chain acts on
// writes to subresource.
func (c *Chain) ActsOnSubresource(subresource string) bool {
	if c == nil {
		return false
	}
	for _, p := range c.plugins {
		if s, ok := p.(SubresourceHandler); ok && s.HandlesSubresource(subresource) {
			return true
		}
	}
	return false
}

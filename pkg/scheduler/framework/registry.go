package framework

import (
	"context"
	"fmt"
)

// Factory builds a plugin from its decoded args (nil for defaults) and the framework handle.
type Factory func(ctx context.Context, args any, h Handle) (Plugin, error)

// Registry maps plugin names to factories.
type Registry map[string]Factory

// Register adds a factory; a duplicate name is an error.
func (r Registry) Register(name string, f Factory) error {
	if _, ok := r[name]; ok {
		return fmt.Errorf("plugin %q already registered", name)
	}
	r[name] = f
	return nil
}

// Merge adds every factory of o; duplicates are errors.
func (r Registry) Merge(o Registry) error {
	for name, f := range o {
		if err := r.Register(name, f); err != nil {
			return err
		}
	}
	return nil
}

// Option adds outside plugins to a registry.
type Option func(Registry) error

// WithPlugin registers an outside plugin.
func WithPlugin(name string, f Factory) Option {
	return func(r Registry) error { return r.Register(name, f) }
}

package app

import (
	"context"
	"fmt"
	"sort"
	"time"

	"keel.dev/client/clock"
	"keel.dev/client/dynamic"
	"keel.dev/client/informers"
	"keel.dev/client/record"
	"keel.dev/client/rest"
	"keel.dev/client/typed"
	"keel.dev/client/workqueue"
)

// InitFunc starts one controller in the background (it must not block) and
// reports whether it started; a controller may decline (started false, nil
// error), for example when its prerequisites are disabled.
type InitFunc func(ctx context.Context, c ControllerContext) (started bool, err error)

// ControllerContext is what every InitFunc receives.
type ControllerContext struct {
	// Client talks to the apiserver.
	Client *typed.Clientset
	// Dynamic is the unstructured client (garbage collector, namespace).
	Dynamic *dynamic.Client
	// RESTConfig is the configuration the clients were built from.
	RESTConfig *rest.Config
	// Informers is the shared factory; InitFuncs request informers before
	// the manager starts it (and the manager starts it again after all
	// InitFuncs ran, so late requests are started too).
	Informers *informers.Factory
	// Recorder returns an event recorder emitting as component.
	Recorder func(component string) record.EventRecorder
	// Options holds the parsed flags.
	Options *Options
	// Clock is the injected clock.
	Clock clock.Clock
	// Metrics exports per-controller queue metrics.
	Metrics *Metrics
}

// Workers returns the --concurrent-<name>-syncs value for controller name,
// or def when there is no such flag.
func (c ControllerContext) Workers(name string, def int) int {
	if c.Options != nil {
		if n, ok := c.Options.Concurrency[name]; ok && n > 0 {
			return n
		}
	}
	return def
}

// QueueMetrics returns the workqueue metrics sink for controller name.
func (c ControllerContext) QueueMetrics(name string) workqueue.Metrics {
	if c.Metrics == nil {
		return nil
	}
	return c.Metrics.Queue(name)
}

// Registry maps controller names to their InitFuncs.
type Registry struct {
	funcs map[string]InitFunc
}

// NewRegistry returns a registry holding the built-in controllers; it
// panics on a duplicate built-in name, which is a programming error.
func NewRegistry() *Registry {
	r := &Registry{funcs: map[string]InitFunc{}}
	for _, m := range []map[string]InitFunc{builtins(), moreBuiltins(), extraBuiltins(), storageBuiltins(), protectionBuiltins(), saBuiltins(), rbacBuiltins()} {
		for name, fn := range m {
			if err := r.Register(name, fn); err != nil {
				panic(err)
			}
		}
	}
	return r
}

// Register adds a controller; it errors when name is already registered.
func (r *Registry) Register(name string, fn InitFunc) error {
	if _, ok := r.funcs[name]; ok {
		return fmt.Errorf("controller %q registered twice", name)
	}
	if fn == nil {
		return fmt.Errorf("controller %q has a nil InitFunc", name)
	}
	r.funcs[name] = fn
	return nil
}

// WithPlugin registers an out-of-tree controller and returns the registry.
func (r *Registry) WithPlugin(name string, fn InitFunc) (*Registry, error) {
	if err := r.Register(name, fn); err != nil {
		return nil, err
	}
	return r, nil
}

// Names lists the registered controllers in sorted order.
func (r *Registry) Names() []string {
	out := make([]string, 0, len(r.funcs))
	for n := range r.funcs {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Get returns the InitFunc of name.
func (r *Registry) Get(name string) (InitFunc, bool) {
	fn, ok := r.funcs[name]
	return fn, ok
}

// defaultResync is the informer resync period of the shared factory.
const defaultResync = 12 * time.Hour

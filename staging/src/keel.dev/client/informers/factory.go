package informers

import (
	"context"
	"fmt"
	"reflect"
	"sync"
	"time"

	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/client/clock"
	"keel.dev/client/typed"
)

// Factory shares one informer per kind, namespace and list tweak among the
// controllers of a process.
type Factory struct {
	cs        *typed.Clientset
	resync    time.Duration
	namespace string
	tweak     func(*metav1.ListOptions)
	clock     clock.Clock

	mu        sync.Mutex
	informers map[factoryKey]runner
	started   map[factoryKey]bool
	wg        sync.WaitGroup
}

type factoryKey struct {
	typ       reflect.Type
	namespace string
	tweak     string
}

type runner interface {
	Run(ctx context.Context)
	HasSynced() bool
}

// FactoryOption configures a Factory.
type FactoryOption func(*Factory)

// WithNamespace limits the factory's informers to one namespace.
func WithNamespace(ns string) FactoryOption { return func(f *Factory) { f.namespace = ns } }

// WithTweakListOptions edits the options of every list and watch.
func WithTweakListOptions(fn func(*metav1.ListOptions)) FactoryOption {
	return func(f *Factory) { f.tweak = fn }
}

// WithFactoryClock sets the clock of every informer.
func WithFactoryClock(c clock.Clock) FactoryOption { return func(f *Factory) { f.clock = c } }

// NewFactory returns a factory over cs with a default resync period.
func NewFactory(cs *typed.Clientset, resync time.Duration, opts ...FactoryOption) *Factory {
	f := &Factory{cs: cs, resync: resync, clock: clock.Real{}, informers: map[factoryKey]runner{}, started: map[factoryKey]bool{}}
	for _, o := range opts {
		o(f)
	}
	return f
}

// ForOption selects a variant of a shared informer.
type ForOption func(*forOptions)

type forOptions struct {
	namespace *string
	tweakName string
	tweak     func(*metav1.ListOptions)
	resync    *time.Duration
	transform InformerOption
}

// InNamespace overrides the factory's namespace for one informer.
func InNamespace(ns string) ForOption { return func(o *forOptions) { o.namespace = &ns } }

// Tweak adds a named list-option edit (e.g. a field selector); informers
// with the same name share.
func Tweak(name string, fn func(*metav1.ListOptions)) ForOption {
	return func(o *forOptions) { o.tweakName, o.tweak = name, fn }
}

// Resync overrides the resync period for one informer (when first created).
func Resync(d time.Duration) ForOption { return func(o *forOptions) { o.resync = &d } }

// Transform passes every object of the informer through fn before it is
// stored or handed to handlers (see WithTransform); like Resync it applies
// when the informer is first created, so every user of a shared informer
// should ask for the same transform.
func Transform[T Object](fn func(T) T) ForOption {
	return func(o *forOptions) { o.transform = WithTransform(fn) }
}

// For returns the shared informer of kind T (listed as L), creating it on
// first use. Informers created after Start are started by the next Start.
func For[T typed.Object, L typed.List](f *Factory, opts ...ForOption) *Informer[T] {
	o := forOptions{}
	for _, fn := range opts {
		fn(&o)
	}
	ns := f.namespace
	if o.namespace != nil {
		ns = *o.namespace
	}
	key := factoryKey{typ: reflect.TypeFor[T](), namespace: ns, tweak: o.tweakName}
	f.mu.Lock()
	defer f.mu.Unlock()
	if inf, ok := f.informers[key]; ok {
		return inf.(*Informer[T])
	}
	c, err := typed.For[T, L](f.cs, ns)
	if err != nil {
		panic(fmt.Sprintf("informer for unregistered kind: %v", err))
	}
	base, extra := f.tweak, o.tweak
	tweak := func(lo *metav1.ListOptions) {
		if base != nil {
			base(lo)
		}
		if extra != nil {
			extra(lo)
		}
	}
	resync := f.resync
	if o.resync != nil {
		resync = *o.resync
	}
	iopts := []InformerOption{WithInformerClock(f.clock)}
	if o.transform != nil {
		iopts = append(iopts, o.transform)
	}
	inf := NewInformer(FromClient(c, tweak), c.GroupVersionResource().GroupResource(), resync, iopts...)
	f.informers[key] = inf
	return inf
}

// Start starts every informer not yet started; they stop when ctx is done.
func (f *Factory) Start(ctx context.Context) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for k, inf := range f.informers {
		if f.started[k] {
			continue
		}
		f.started[k] = true
		f.wg.Add(1)
		go func() {
			defer f.wg.Done()
			inf.Run(ctx)
		}()
	}
}

// WaitForCacheSync waits for every started informer to sync.
func (f *Factory) WaitForCacheSync(ctx context.Context) bool {
	f.mu.Lock()
	var syncers []Syncer
	for k, inf := range f.informers {
		if f.started[k] {
			syncers = append(syncers, inf)
		}
	}
	f.mu.Unlock()
	return WaitForCacheSync(ctx, syncers...)
}

// Shutdown waits for the started informers to stop (cancel Start's ctx first).
func (f *Factory) Shutdown() { f.wg.Wait() }

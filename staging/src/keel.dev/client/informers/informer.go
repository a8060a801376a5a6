package informers

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"keel.dev/apimachinery/pkg/runtime/schema"
	"keel.dev/apimachinery/pkg/watch"
	"keel.dev/client/clock"
)

// Informer keeps a Store of one kind in sync and notifies handlers.
type Informer[T Object] struct {
	store     *Store[T]
	lister    *Lister[T]
	reflector *Reflector[T]
	clock     clock.Clock
	resync    time.Duration

	transform func(T) T // nil: objects are stored as decoded

	mu        sync.Mutex
	listeners []*listener[T]
	ctx       context.Context // set while running
	synced    atomic.Bool
	started   bool
}

// InformerOption configures an Informer.
type InformerOption func(*informerOptions)

type informerOptions struct {
	clock     clock.Clock
	transform any // func(T) T of the informer's T
}

// WithInformerClock sets the clock of the informer and its reflector.
func WithInformerClock(c clock.Clock) InformerOption {
	return func(o *informerOptions) { o.clock = c }
}

// WithTransform makes the informer pass every listed or watched object
// through fn before storing it or handing it to handlers (deletions are
// looked up by the untransformed object's key). fn owns the freshly decoded
// object and may edit and return it; use it to drop fields nobody reads,
// such as managedFields. NewInformer panics if T is not the informer's kind.
func WithTransform[T Object](fn func(T) T) InformerOption {
	return func(o *informerOptions) { o.transform = fn }
}

// NewInformer returns an informer over lw; resource names lister errors;
// resync > 0 redelivers every object as OnUpdate(obj, obj) at that period.
func NewInformer[T Object](lw ListWatcher[T], resource schema.GroupResource, resync time.Duration, opts ...InformerOption) *Informer[T] {
	o := informerOptions{clock: clock.Real{}}
	for _, f := range opts {
		f(&o)
	}
	inf := &Informer[T]{store: NewStore[T](nil), clock: o.clock, resync: resync}
	if o.transform != nil {
		fn, ok := o.transform.(func(T) T)
		if !ok {
			panic(fmt.Sprintf("informers: transform %T does not fit the informer's kind", o.transform))
		}
		inf.transform = fn
	}
	inf.lister = NewLister(inf.store, resource)
	inf.reflector = newReflector[T](resource.String(), lw, inf, o.clock)
	inf.reflector.transform = inf.transform // list pages; apply transforms watch events
	return inf
}

// Store returns the informer's store.
func (inf *Informer[T]) Store() *Store[T] { return inf.store }

// Lister returns a lister over the informer's store.
func (inf *Informer[T]) Lister() *Lister[T] { return inf.lister }

// AddIndexers adds indexes to the store.
func (inf *Informer[T]) AddIndexers(indexers map[string]IndexFunc[T]) error {
	return inf.store.AddIndexers(indexers)
}

// HasSynced reports whether the first list has been stored.
func (inf *Informer[T]) HasSynced() bool { return inf.synced.Load() }

// LastSyncResourceVersion returns the newest resourceVersion seen.
func (inf *Informer[T]) LastSyncResourceVersion() string {
	return inf.reflector.LastSyncResourceVersion()
}

// AddEventHandler adds a handler. Added after the informer synced, the
// handler first gets OnAdd(obj, true) for every cached object.
func (inf *Informer[T]) AddEventHandler(h Handler[T]) Registration {
	l := newListener(h)
	inf.mu.Lock()
	defer inf.mu.Unlock()
	inf.listeners = append(inf.listeners, l)
	if inf.synced.Load() {
		for _, obj := range inf.store.List() {
			l.add(notification[T]{kind: initialAddNotification, obj: obj})
		}
	}
	if inf.ctx != nil {
		go l.run(inf.ctx)
	}
	return registration[T]{inf: inf, l: l}
}

// Run runs the informer until ctx is done. It may be called once.
func (inf *Informer[T]) Run(ctx context.Context) {
	inf.mu.Lock()
	if inf.started {
		inf.mu.Unlock()
		return
	}
	inf.started, inf.ctx = true, ctx
	for _, l := range inf.listeners {
		go l.run(ctx)
	}
	inf.mu.Unlock()
	if inf.resync > 0 {
		go inf.runResync(ctx)
	}
	inf.reflector.Run(ctx)
}

func (inf *Informer[T]) runResync(ctx context.Context) {
	for clock.Sleep(inf.clock, inf.resync, ctx.Done()) {
		if !inf.HasSynced() {
			continue
		}
		objs := inf.store.List()
		inf.notify(func(l *listener[T]) {
			for _, o := range objs {
				l.add(notification[T]{kind: updateNotification, old: o, obj: o})
			}
		})
	}
}

func (inf *Informer[T]) notify(fn func(l *listener[T])) {
	inf.mu.Lock()
	ls := inf.listeners
	inf.mu.Unlock()
	for _, l := range ls {
		fn(l)
	}
}

// replace is the reflector's list, already transformed page by page: diff
// against the store and notify.
func (inf *Informer[T]) replace(items []T, _ string) {
	inf.mu.Lock() // orders replace against AddEventHandler's initial replay
	defer inf.mu.Unlock()
	initial := !inf.synced.Load()
	added, updated, removed := inf.store.replace(items)
	kind := addNotification
	if initial {
		kind = initialAddNotification
	}
	for _, l := range inf.listeners {
		for _, o := range added {
			l.add(notification[T]{kind: kind, obj: o})
		}
		for _, p := range updated {
			l.add(notification[T]{kind: updateNotification, old: p[0], obj: p[1]})
		}
		for _, o := range removed {
			l.add(notification[T]{kind: deleteNotification, obj: o})
		}
	}
	inf.synced.Store(true)
}

// apply is one watch event.
func (inf *Informer[T]) apply(t watch.EventType, obj T) {
	key := KeyOf(obj)
	if inf.transform != nil {
		obj = inf.transform(obj)
	}
	inf.mu.Lock()
	defer inf.mu.Unlock()
	switch t {
	case watch.Added, watch.Modified:
		old, existed := inf.store.Add(obj)
		for _, l := range inf.listeners {
			if existed {
				l.add(notification[T]{kind: updateNotification, old: old, obj: obj})
			} else {
				l.add(notification[T]{kind: addNotification, obj: obj})
			}
		}
	case watch.Deleted:
		old, existed := inf.store.Delete(key)
		if !existed {
			return
		}
		_ = old
		for _, l := range inf.listeners {
			l.add(notification[T]{kind: deleteNotification, obj: obj})
		}
	}
}

// Syncer is anything with HasSynced (informers, registrations).
type Syncer interface {
	HasSynced() bool
}

// WaitForCacheSync waits until every syncer has synced; it returns false
// if ctx ends first.
func WaitForCacheSync(ctx context.Context, syncers ...Syncer) bool {
	t := time.NewTicker(50 * time.Millisecond)
	defer t.Stop()
	for {
		done := true
		for _, s := range syncers {
			if !s.HasSynced() {
				done = false
				break
			}
		}
		if done {
			return true
		}
		select {
		case <-ctx.Done():
			return false
		case <-t.C:
		}
	}
}

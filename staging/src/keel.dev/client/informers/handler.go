package informers

import (
	"context"
	"sync"
)

// Handler receives the changes an informer observes. Calls for one handler
// are serial, in order, from one goroutine; a slow handler delays only
// itself. Objects are shared with the cache: never mutate them.
type Handler[T Object] interface {
	// OnAdd is called for a new object; isInInitialList is true for the
	// objects of the informer's first list.
	OnAdd(obj T, isInInitialList bool)
	// OnUpdate is called for a changed object, and with old == new on resync.
	OnUpdate(oldObj, newObj T)
	// OnDelete is called with the last known state of a deleted object.
	OnDelete(obj T)
}

// HandlerFuncs adapts functions to Handler; nil functions are skipped.
type HandlerFuncs[T Object] struct {
	AddFunc    func(obj T, isInInitialList bool)
	UpdateFunc func(oldObj, newObj T)
	DeleteFunc func(obj T)
}

// OnAdd calls AddFunc.
func (h HandlerFuncs[T]) OnAdd(obj T, initial bool) {
	if h.AddFunc != nil {
		h.AddFunc(obj, initial)
	}
}

// OnUpdate calls UpdateFunc.
func (h HandlerFuncs[T]) OnUpdate(oldObj, newObj T) {
	if h.UpdateFunc != nil {
		h.UpdateFunc(oldObj, newObj)
	}
}

// OnDelete calls DeleteFunc.
func (h HandlerFuncs[T]) OnDelete(obj T) {
	if h.DeleteFunc != nil {
		h.DeleteFunc(obj)
	}
}

type notificationKind int

const (
	addNotification notificationKind = iota
	initialAddNotification
	updateNotification
	deleteNotification
)

type notification[T Object] struct {
	kind     notificationKind
	old, obj T
}

// listener queues notifications for one handler without bounding the
// informer: add never blocks.
type listener[T Object] struct {
	h       Handler[T]
	resync  bool
	mu      sync.Mutex
	cond    *sync.Cond
	queue   []notification[T]
	stopped bool
	busy    bool
}

func newListener[T Object](h Handler[T]) *listener[T] {
	l := &listener[T]{h: h}
	l.cond = sync.NewCond(&l.mu)
	return l
}

func (l *listener[T]) add(n notification[T]) {
	l.mu.Lock()
	l.queue = append(l.queue, n)
	l.mu.Unlock()
	l.cond.Signal()
}

// run delivers notifications until ctx is done.
func (l *listener[T]) run(ctx context.Context) {
	stop := context.AfterFunc(ctx, func() {
		l.mu.Lock()
		l.stopped = true
		l.mu.Unlock()
		l.cond.Broadcast()
	})
	defer stop()
	for {
		l.mu.Lock()
		for len(l.queue) == 0 && !l.stopped {
			l.busy = false
			l.cond.Broadcast()
			l.cond.Wait()
		}
		if l.stopped {
			l.mu.Unlock()
			return
		}
		batch := l.queue
		l.queue = nil
		l.busy = true
		l.mu.Unlock()
		for _, n := range batch {
			switch n.kind {
			case addNotification:
				l.h.OnAdd(n.obj, false)
			case initialAddNotification:
				l.h.OnAdd(n.obj, true)
			case updateNotification:
				l.h.OnUpdate(n.old, n.obj)
			case deleteNotification:
				l.h.OnDelete(n.obj)
			}
		}
	}
}

// idle reports whether every queued notification has been delivered.
func (l *listener[T]) idle() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.queue) == 0 && !l.busy
}

// Registration is a handler added to an informer.
type Registration interface {
	// HasSynced reports whether the informer has synced and the handler has
	// been given every object of the initial list.
	HasSynced() bool
}

type registration[T Object] struct {
	inf *Informer[T]
	l   *listener[T]
}

func (r registration[T]) HasSynced() bool { return r.inf.HasSynced() && r.l.idle() }

package cacher

import (
	"context"
	"strings"
	"sync"
	"time"

	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/watch"
	"keel.dev/keel/pkg/apiserver/storage"
)

// resultBuffer is the size of a watcher's result channel; the backlog
// beyond it waits in the watcher's queue.
const resultBuffer = 16

// cacheWatcher is one client watch served from the cache. The dispatcher
// appends to its queue under the Cacher's lock without ever blocking; its
// own goroutine (run) moves events to the result channel.
type cacheWatcher struct {
	c          *Cacher
	id         int
	prefix     string // directory with trailing "/", or the exact key
	exact      bool
	pred       storage.Predicate
	index      int // index the watcher is registered under, or -1
	indexValue string
	bookmarks  bool

	result   chan watch.Event
	done     chan struct{}
	doneOnce sync.Once
	notify   chan struct{}

	mu    sync.Mutex
	queue []watch.Event

	// Owned by run before it starts the queue.
	initial    []watch.Event
	initialEnd runtime.Object // the initial-events-end bookmark, if asked

	// Guarded by the Cacher's lock.
	lastPush time.Time
	lastRev  uint64
}

// Stop ends the watch; safe to call more than once.
func (w *cacheWatcher) Stop() {
	w.terminate()
	w.c.mu.Lock()
	w.c.watchers.remove(w)
	w.c.mu.Unlock()
}

// ResultChan implements watch.Interface.
func (w *cacheWatcher) ResultChan() <-chan watch.Event { return w.result }

func (w *cacheWatcher) terminate() { w.doneOnce.Do(func() { close(w.done) }) }

func (w *cacheWatcher) inScope(key string) bool {
	if w.exact {
		return key == w.prefix
	}
	return strings.HasPrefix(key, w.prefix)
}

// push queues ev; it returns false when the queue is full.
func (w *cacheWatcher) push(ev watch.Event, limit int) bool {
	w.mu.Lock()
	if len(w.queue) >= limit {
		w.mu.Unlock()
		return false
	}
	w.queue = append(w.queue, ev)
	w.mu.Unlock()
	select {
	case w.notify <- struct{}{}:
	default:
	}
	return true
}

func (w *cacheWatcher) send(ctx context.Context, ev watch.Event) bool {
	select {
	case w.result <- ev:
		return true
	case <-w.done:
		return false
	case <-ctx.Done():
		return false
	}
}

// run delivers the initial events, then the queue, until the watch ends.
func (w *cacheWatcher) run(ctx context.Context) {
	defer close(w.result)
	defer w.Stop()
	for i, ev := range w.initial {
		if !w.send(ctx, ev) {
			return
		}
		w.initial[i] = watch.Event{}
	}
	w.initial = nil
	if w.initialEnd != nil {
		if !w.send(ctx, watch.Event{Type: watch.Bookmark, Object: w.initialEnd}) {
			return
		}
		w.initialEnd = nil
	}
	var buf []watch.Event
	for {
		w.mu.Lock()
		buf, w.queue = w.queue, buf[:0]
		w.mu.Unlock()
		for i, ev := range buf {
			if !w.send(ctx, ev) {
				return
			}
			buf[i] = watch.Event{}
		}
		if len(buf) > 0 {
			continue
		}
		select {
		case <-w.notify:
		case <-w.done:
			return
		case <-ctx.Done():
			return
		}
	}
}

// eventFor returns what watcher w sees of ev, if anything. *prevAtRev
// caches, across watchers, the old state at ev's revision (sent when an
// update leaves a watcher's selection).
func (ev *cacheEvent) eventFor(w *cacheWatcher, prevAtRev *runtime.Object) (watch.Event, bool) {
	if !w.inScope(ev.key) {
		return watch.Event{}, false
	}
	var cur, prev runtime.Object
	switch ev.typ {
	case watch.Added:
		cur = ev.obj
	case watch.Deleted:
		prev = ev.obj
	default:
		cur, prev = ev.obj, ev.prev.obj
	}
	t, obj := storage.ClassifyEvent(w.pred, ev.typ == watch.Deleted, ev.typ == watch.Added, cur, prev)
	if t == "" {
		return watch.Event{}, false
	}
	if t == watch.Deleted && ev.typ == watch.Modified {
		if *prevAtRev == nil {
			*prevAtRev = obj.DeepCopyObject()
			_ = storage.SetResourceVersion(*prevAtRev, ev.rev)
		}
		obj = *prevAtRev
	}
	return watch.Event{Type: t, Object: obj}, true
}

// watcherSet holds the open watchers, unindexed or by index value. Guarded
// by the Cacher's lock.
type watcherSet struct {
	all           map[int]*cacheWatcher
	unindexed     map[int]*cacheWatcher
	indexed       []map[string]map[int]*cacheWatcher // per index: value → watchers
	bookmarkCount int
}

func (s *watcherSet) init(indexes int) {
	s.all = map[int]*cacheWatcher{}
	s.unindexed = map[int]*cacheWatcher{}
	s.indexed = make([]map[string]map[int]*cacheWatcher, indexes)
	for i := range s.indexed {
		s.indexed[i] = map[string]map[int]*cacheWatcher{}
	}
}

func (s *watcherSet) add(w *cacheWatcher) {
	s.all[w.id] = w
	if w.bookmarks {
		s.bookmarkCount++
	}
	if w.index < 0 {
		s.unindexed[w.id] = w
		return
	}
	m := s.indexed[w.index][w.indexValue]
	if m == nil {
		m = map[int]*cacheWatcher{}
		s.indexed[w.index][w.indexValue] = m
	}
	m[w.id] = w
}

func (s *watcherSet) remove(w *cacheWatcher) {
	if _, ok := s.all[w.id]; !ok {
		return
	}
	delete(s.all, w.id)
	if w.bookmarks {
		s.bookmarkCount--
	}
	if w.index < 0 {
		delete(s.unindexed, w.id)
		return
	}
	if m := s.indexed[w.index][w.indexValue]; m != nil {
		delete(m, w.id)
		if len(m) == 0 {
			delete(s.indexed[w.index], w.indexValue)
		}
	}
}

func (s *watcherSet) terminateAll() {
	for _, w := range s.all {
		w.terminate()
	}
	s.init(len(s.indexed))
}

// dispatch offers ev to every watcher that may see it, terminating those
// whose queue is full.
func (s *watcherSet) dispatch(ev *cacheEvent, limit int) {
	if len(s.all) == 0 {
		return
	}
	var prevAtRev runtime.Object // the old state at ev.rev, made on demand
	var overflow []*cacheWatcher
	visit := func(w *cacheWatcher) {
		out, ok := ev.eventFor(w, &prevAtRev)
		if !ok {
			return
		}
		if !w.push(out, limit) {
			overflow = append(overflow, w)
			return
		}
		w.lastPush, w.lastRev = ev.at, ev.rev
	}
	for _, w := range s.unindexed {
		visit(w)
	}
	for n, byValue := range s.indexed {
		if len(byValue) == 0 {
			continue
		}
		var curVal, prevVal string
		if ev.cur != nil {
			curVal = ev.cur.idx[n]
		}
		if ev.prev != nil {
			prevVal = ev.prev.idx[n]
		}
		for _, w := range byValue[curVal] {
			visit(w)
		}
		if prevVal != curVal {
			for _, w := range byValue[prevVal] {
				visit(w)
			}
		}
	}
	for _, w := range overflow {
		w.terminate()
		s.remove(w)
	}
}

// bookmark queues a bookmark at rev for each watcher that allows them and
// got nothing since idleSince.
func (s *watcherSet) bookmark(idleSince time.Time, rev uint64, newFunc func() runtime.Object, limit int) {
	for _, w := range s.all {
		if !w.bookmarks || w.lastRev >= rev || w.lastPush.After(idleSince) {
			continue
		}
		if w.push(watch.Event{Type: watch.Bookmark, Object: storage.NewBookmark(newFunc, rev, false)}, limit) {
			w.lastPush, w.lastRev = time.Now(), rev
		}
	}
}

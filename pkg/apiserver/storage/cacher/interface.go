package cacher

import (
	"context"
	"fmt"
	"sort"
	"strings"

	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/watch"
	"keel.dev/keel/pkg/apiserver/storage"
)

// Create writes through to etcd.
func (c *Cacher) Create(ctx context.Context, key string, obj runtime.Object, opts storage.CreateOptions) (runtime.Object, error) {
	return c.etcd.Create(ctx, key, obj, opts)
}

// Count asks etcd.
func (c *Cacher) Count(ctx context.Context, key string) (int64, error) {
	return c.etcd.Count(ctx, key)
}

// cached returns the cached object at key, or nil.
func (c *Cacher) cached(key string) runtime.Object {
	if !c.isReady() || !c.covers(key) {
		return nil
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	if e := c.store.get(cleanKey(key)); e != nil {
		return e.obj
	}
	return nil
}

// GuaranteedUpdate writes through to etcd, starting from the cached object
// to save a read (a stale one costs a retry).
func (c *Cacher) GuaranteedUpdate(ctx context.Context, key string, opts storage.UpdateOptions, tryUpdate storage.UpdateFunc) (runtime.Object, error) {
	if opts.CachedExisting == nil {
		opts.CachedExisting = c.cached(key)
	}
	return c.etcd.GuaranteedUpdate(ctx, key, opts, tryUpdate)
}

// Delete writes through to etcd, starting from the cached object.
func (c *Cacher) Delete(ctx context.Context, key string, opts storage.DeleteOptions) (runtime.Object, error) {
	if opts.CachedExisting == nil {
		opts.CachedExisting = c.cached(key)
	}
	return c.etcd.Delete(ctx, key, opts)
}

// Get serves resourceVersion "" from etcd (a consistent read) and any other
// version from the cache once it is at least that new. The object is shared.
func (c *Cacher) Get(ctx context.Context, key string, opts storage.GetOptions) (runtime.Object, error) {
	if opts.ResourceVersion == "" || !c.isReady() || !c.covers(key) {
		return c.etcd.Get(ctx, key, opts)
	}
	rv, err := storage.ParseResourceVersion(opts.ResourceVersion)
	if err != nil {
		return nil, err
	}
	if err := c.waitUntilFresh(ctx, rv); err != nil {
		return nil, err
	}
	if obj := c.cached(key); obj != nil {
		return obj, nil
	}
	if opts.IgnoreNotFound {
		return c.newFunc(), nil
	}
	return nil, storage.NewError(storage.ErrCodeKeyNotFound, key, 0, "")
}

// GetList serves from the cache resourceVersion "0", NotOlderThan and
// consistent lists (after checking the cache has caught up with etcd), and
// continuations whose part of the directory has not changed since the first
// page; exact versions and other continuations go to etcd. Cached items are
// shared.
func (c *Cacher) GetList(ctx context.Context, key string, opts storage.ListOptions) (*storage.ListResult, error) {
	if !c.isReady() || !c.covers(key) {
		return c.etcd.GetList(ctx, key, opts)
	}
	rv, err := storage.ParseResourceVersion(opts.ResourceVersion)
	if err != nil {
		return nil, err
	}
	switch {
	case opts.Continue != "":
		if res, ok, err := c.continueFromCache(ctx, key, opts); ok {
			return res, err
		}
		return c.etcd.GetList(ctx, key, opts)
	case opts.ResourceVersionMatch == metav1.ResourceVersionMatchExact,
		opts.ResourceVersionMatch == "" && opts.Limit > 0 && rv > 0:
		return c.etcd.GetList(ctx, key, opts)
	case opts.ResourceVersion == "":
		if err := c.waitUntilConsistent(ctx); err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			return c.etcd.GetList(ctx, key, opts)
		}
	default:
		if err := c.waitUntilFresh(ctx, rv); err != nil {
			return nil, err
		}
	}
	return c.listFromCache(key, opts), nil
}

// scope returns the key prefix (or exact key) a call covers.
func scope(key string, recursive bool) (string, bool) {
	key = cleanKey(key)
	if recursive {
		return key + "/", false
	}
	return key, true
}

// covers reports whether key lies in the cached directory (or is it).
func (c *Cacher) covers(key string) bool {
	return strings.HasPrefix(cleanKey(key)+"/", c.prefix)
}

func cleanKey(key string) string {
	return "/" + strings.Trim(key, "/")
}

// indexFor returns the index a predicate's hints allow, or -1.
func (c *Cacher) indexFor(p storage.Predicate) (int, string) {
	if len(p.IndexHints) == 0 {
		return -1, ""
	}
	names := make([]string, 0, len(p.IndexHints))
	for n := range p.IndexHints {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if i := c.store.indexOf(n); i >= 0 {
			return i, p.IndexHints[n]
		}
	}
	return -1, ""
}

func (c *Cacher) listFromCache(key string, opts storage.ListOptions) *storage.ListResult {
	prefix, exact := scope(key, opts.Recursive)
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.listLocked(prefix, exact, prefix, c.rev, opts)
}

// listLocked lists from startKey on, reporting revision rev; the Cacher's
// lock is held.
func (c *Cacher) listLocked(prefix string, exact bool, startKey string, rev uint64, opts storage.ListOptions) *storage.ListResult {
	index, value := c.indexFor(opts.Predicate)
	res := &storage.ListResult{ResourceVersion: rev}
	if opts.Predicate.Empty() && !exact && index < 0 && opts.Limit == 0 {
		res.Items = make([]runtime.Object, 0, c.store.countFrom(prefix, ""))
	}
	var lastKey string
	more := false
	c.store.scan(prefix, startKey, exact, index, value, func(e *entry) bool {
		if !opts.Predicate.Matches(e.obj) {
			return true
		}
		if opts.Limit > 0 && int64(len(res.Items)) == opts.Limit {
			more = true
			return false
		}
		res.Items = append(res.Items, e.obj)
		lastKey = e.key
		return true
	})
	if more {
		res.Continue, _ = storage.EncodeContinue(lastKey, prefix, int64(rev))
		if opts.Predicate.Empty() && index < 0 {
			n := c.store.countFrom(prefix, lastKey)
			res.RemainingItemCount = &n
		}
	}
	return res
}

// continueFromCache serves the next page of a list from the cache when no
// key from the token's start on changed since the token's revision, so the
// cache still holds that part of the state. ok is false when etcd must
// answer.
func (c *Cacher) continueFromCache(ctx context.Context, key string, opts storage.ListOptions) (*storage.ListResult, bool, error) {
	if !opts.Recursive || (opts.ResourceVersion != "" && opts.ResourceVersion != "0") {
		return nil, false, nil
	}
	prefix, _ := scope(key, true)
	start, rev, err := storage.DecodeContinue(opts.Continue, prefix)
	if err != nil {
		return nil, false, nil
	}
	// The token must still be valid in etcd: 410 once compacted.
	if err := c.etcd.CheckRevision(ctx, rev); err != nil {
		if storage.IsExpired(err) {
			return nil, true, storage.NewError(storage.ErrCodeExpired, key, rev, storage.ExpiredContinueMessage)
		}
		return nil, false, nil
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	if !c.unchangedSince(prefix, start, uint64(rev)) {
		return nil, false, nil
	}
	return c.listLocked(prefix, false, start, uint64(rev), opts), true, nil
}

// unchangedSince reports whether no key under prefix from start on changed
// after rev; the Cacher's lock is held.
func (c *Cacher) unchangedSince(prefix, start string, rev uint64) bool {
	if rev < c.historyStart || rev > c.rev {
		return false
	}
	events := c.history[c.head:]
	i := sort.Search(len(events), func(i int) bool { return events[i].rev > rev })
	for _, ev := range events[i:] {
		if ev.key >= start && strings.HasPrefix(ev.key, prefix) {
			return false
		}
	}
	return true
}

// Watch serves a watch from the cache:
//   - SendInitialEvents=true: the state (at least ResourceVersion, or
//     consistent when it is "") as ADDED events, then, with bookmarks
//     allowed, a BOOKMARK annotated k8s.io/initial-events-end, then changes;
//   - ResourceVersion "" or "0" (without SendInitialEvents=false): the same
//     without the end bookmark;
//   - ResourceVersion N: every change after N; N older than the history
//     gives a watch with a single 410 Expired ERROR event.
func (c *Cacher) Watch(ctx context.Context, key string, opts storage.ListOptions) (watch.Interface, error) {
	if !c.covers(key) {
		return c.etcd.Watch(ctx, key, opts)
	}
	select {
	case <-c.ready:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	rv, err := storage.ParseResourceVersion(opts.ResourceVersion)
	if err != nil {
		return nil, err
	}
	initial := rv == 0
	if opts.SendInitialEvents != nil {
		initial = *opts.SendInitialEvents
	}
	switch {
	case opts.ResourceVersion == "":
		err = c.waitUntilConsistent(ctx)
	case rv > 0:
		err = c.waitUntilFresh(ctx, rv)
	}
	if err != nil {
		return nil, err
	}
	prefix, exact := scope(key, opts.Recursive)
	index, value := c.indexFor(opts.Predicate)
	w := &cacheWatcher{
		c: c, prefix: prefix, exact: exact, pred: opts.Predicate, index: index, indexValue: value,
		bookmarks: opts.AllowWatchBookmarks,
		result:    make(chan watch.Event, resultBuffer),
		done:      make(chan struct{}),
		notify:    make(chan struct{}, 1),
	}
	c.mu.Lock()
	if !initial && rv > 0 && rv < c.historyStart {
		start := c.historyStart
		c.mu.Unlock()
		return errorWatch(storage.NewError(storage.ErrCodeExpired, key, int64(start),
			fmt.Sprintf("too old resource version: %d (%d)", rv, start))), nil
	}
	c.nextID++
	w.id = c.nextID
	switch {
	case initial:
		c.store.scan(prefix, prefix, exact, index, value, func(e *entry) bool {
			if opts.Predicate.Matches(e.obj) {
				w.initial = append(w.initial, watch.Event{Type: watch.Added, Object: e.obj})
			}
			return true
		})
		if opts.SendInitialEvents != nil && opts.AllowWatchBookmarks {
			w.initialEnd = storage.NewBookmark(c.newFunc, c.rev, true)
		}
	case rv > 0:
		c.replay(w, rv)
	}
	w.lastRev = c.rev
	c.watchers.add(w)
	c.mu.Unlock()
	go w.run(ctx)
	return w, nil
}

// replay queues for w the buffered events after rv; the Cacher's lock is held.
func (c *Cacher) replay(w *cacheWatcher, rv uint64) {
	events := c.history[c.head:]
	i := sort.Search(len(events), func(i int) bool { return events[i].rev > rv })
	for _, ev := range events[i:] {
		var prevAtRev runtime.Object
		if out, ok := ev.eventFor(w, &prevAtRev); ok {
			w.initial = append(w.initial, out)
		}
	}
}

// errorWatch returns a watch that delivers one ERROR event and ends.
func errorWatch(err error) watch.Interface {
	ch := make(chan watch.Event, 1)
	ch <- storage.ErrorEvent(err)
	close(ch)
	return watch.NewProxyWatcher(ch)
}

package cacher

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"google.golang.org/grpc/metadata"

	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/watch"
	"keel.dev/keel/pkg/apiserver/storage"
	"keel.dev/keel/pkg/apiserver/storage/etcd3"
)

// Config configures a Cacher.
type Config struct {
	// Storage is the etcd store the cache reads from and writes through.
	Storage *etcd3.Store
	// ResourcePrefix is the storage key of the cached directory, e.g. "/pods".
	ResourcePrefix string
	// Indexers name index functions (e.g. "spec.nodeName"); a Predicate
	// whose IndexHints name one lets lists and watch dispatch skip objects.
	Indexers map[string]IndexFunc
	// HistoryWindow is how long events stay replayable; default 75s.
	HistoryWindow time.Duration
	// MinEvents are kept regardless of age; default 1000.
	MinEvents int
	// MaxEvents caps the history; default 100,000.
	MaxEvents int
	// WatcherQueue is how many events a watcher may have pending before it
	// is terminated as too slow; default 10,000.
	WatcherQueue int
	// BookmarkInterval is the inactivity after which a watcher that allows
	// bookmarks gets one; default 1s.
	BookmarkInterval time.Duration
	// FreshnessTimeout bounds the wait for the cache to reach a requested
	// revision; default 3s.
	FreshnessTimeout time.Duration
	// Logger receives the watch failures that make the cache re-list;
	// default slog.Default().
	Logger *slog.Logger
}

func (c *Config) defaults() {
	if c.HistoryWindow <= 0 {
		c.HistoryWindow = 75 * time.Second
	}
	if c.MinEvents <= 0 {
		c.MinEvents = 1000
	}
	if c.MaxEvents <= 0 {
		c.MaxEvents = 100_000
	}
	if c.WatcherQueue <= 0 {
		c.WatcherQueue = 10_000
	}
	if c.BookmarkInterval <= 0 {
		c.BookmarkInterval = time.Second
	}
	if c.FreshnessTimeout <= 0 {
		c.FreshnessTimeout = 3 * time.Second
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
}

// cacheEvent is one change in the history.
type cacheEvent struct {
	typ  watch.EventType // Added, Modified or Deleted
	key  string
	obj  runtime.Object // new state; for Deleted the last state at the deletion's revision
	prev *entry         // previous entry, nil on Added
	cur  *entry         // current entry, nil on Deleted
	rev  uint64
	at   time.Time
}

// Cacher is the watch cache of one resource. Create it with New and run it
// with Run; until the first list completes, reads go to etcd.
type Cacher struct {
	cfg     Config
	etcd    *etcd3.Store
	client  *clientv3.Client
	newFunc func() runtime.Object
	prefix  string // storage key prefix of the directory, with trailing "/"

	ready     chan struct{}
	readyOnce sync.Once

	// progressCtx is the context of the etcd watch; progress requests
	// must carry the same metadata to reach its stream.
	progressMu  sync.Mutex
	progressCtx context.Context

	mu           sync.RWMutex
	store        *store
	rev          uint64        // cache revision
	fresh        chan struct{} // closed and replaced when rev advances
	history      []*cacheEvent // history[head:] are the buffered events, oldest first
	head         int
	historyStart uint64 // every event after this revision is buffered
	watchers     watcherSet
	nextID       int
}

var _ storage.Interface = (*Cacher)(nil)

// New returns a Cacher; call Run to start it.
func New(cfg Config) (*Cacher, error) {
	if cfg.Storage == nil || cfg.ResourcePrefix == "" {
		return nil, errors.New("cacher: Storage and ResourcePrefix are required")
	}
	cfg.defaults()
	c := &Cacher{
		cfg:     cfg,
		etcd:    cfg.Storage,
		client:  cfg.Storage.Client(),
		newFunc: cfg.Storage.NewFunc(),
		prefix:  "/" + strings.Trim(cfg.ResourcePrefix, "/") + "/",
		ready:   make(chan struct{}),
		store:   newStore(cfg.Indexers),
		fresh:   make(chan struct{}),
	}
	c.watchers.init(len(c.store.names))
	return c, nil
}

// Ready is closed once the cache holds the resource's state.
func (c *Cacher) Ready() <-chan struct{} { return c.ready }

func (c *Cacher) isReady() bool {
	select {
	case <-c.ready:
		return true
	default:
		return false
	}
}

// Revision returns the cache revision.
func (c *Cacher) Revision() uint64 {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.rev
}

// Run fills the cache and keeps it current until ctx is done, re-listing
// after any watch failure (which ends every open watch: clients re-watch).
func (c *Cacher) Run(ctx context.Context) {
	go c.bookmarkLoop(ctx)
	backoff := 100 * time.Millisecond
	for ctx.Err() == nil {
		start := time.Now()
		err := c.listAndWatch(ctx)
		if ctx.Err() != nil {
			break
		}
		if time.Since(start) > time.Minute {
			backoff = 100 * time.Millisecond
		}
		c.cfg.Logger.Warn("watch cache re-listing", "resource", c.prefix, "err", err, "backoff", backoff)
		select {
		case <-ctx.Done():
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, 5*time.Second)
	}
	c.mu.Lock()
	c.watchers.terminateAll()
	c.mu.Unlock()
}

// listAndWatch loads the state and follows the etcd watch until it fails.
func (c *Cacher) listAndWatch(ctx context.Context) error {
	list, err := c.etcd.ListAll(ctx, c.prefix)
	if err != nil {
		return fmt.Errorf("list %s: %w", c.prefix, err)
	}
	c.mu.Lock()
	c.watchers.terminateAll()
	c.store.reset(list.Keys, list.Items)
	c.history, c.head = nil, 0
	c.historyStart = list.Revision
	c.advance(list.Revision)
	c.mu.Unlock()
	c.readyOnce.Do(func() { close(c.ready) })

	full, err := c.etcd.FullKey(c.prefix, true)
	if err != nil {
		return err
	}
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	// A stream of our own, so progress requests answer for this watch only.
	wctx = metadata.AppendToOutgoingContext(clientv3.WithRequireLeader(wctx), "keel-watch-cache", full)
	c.progressMu.Lock()
	c.progressCtx = wctx
	c.progressMu.Unlock()
	wch := c.client.Watch(wctx, full, clientv3.WithPrefix(), clientv3.WithRev(int64(list.Revision)+1),
		clientv3.WithProgressNotify())
	pathPrefix := c.etcd.PathPrefix()
	for resp := range wch {
		if resp.CompactRevision != 0 {
			return fmt.Errorf("watch %s: compacted at %d", c.prefix, resp.CompactRevision)
		}
		if err := resp.Err(); err != nil {
			return fmt.Errorf("watch %s: %w", c.prefix, err)
		}
		if resp.IsProgressNotify() {
			c.mu.Lock()
			c.advance(uint64(resp.Header.Revision))
			c.mu.Unlock()
			continue
		}
		batch := make([]decoded, 0, len(resp.Events))
		for _, e := range resp.Events {
			d := decoded{key: strings.TrimPrefix(string(e.Kv.Key), pathPrefix), rev: uint64(e.Kv.ModRevision)}
			if e.Type == clientv3.EventTypePut {
				obj := c.newFunc()
				if err := c.etcd.Codec().Decode(e.Kv.Value, obj); err != nil {
					return fmt.Errorf("decode %s: %w", e.Kv.Key, err)
				}
				if err := storage.SetResourceVersion(obj, d.rev); err != nil {
					return err
				}
				d.obj = obj
			}
			batch = append(batch, d)
		}
		c.applyBatch(batch)
	}
	return fmt.Errorf("watch %s ended", c.prefix)
}

// decoded is an etcd event ready to apply: obj is nil for a deletion.
type decoded struct {
	key string
	obj runtime.Object
	rev uint64
}

// applyBatch applies events to the store and history and dispatches them.
func (c *Cacher) applyBatch(batch []decoded) {
	now := time.Now()
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, d := range batch {
		ev := &cacheEvent{key: d.key, rev: d.rev, at: now}
		if d.obj != nil {
			ev.prev, ev.cur = c.store.put(d.key, d.obj)
			ev.obj = d.obj
			ev.typ = watch.Modified
			if ev.prev == nil {
				ev.typ = watch.Added
			}
		} else {
			ev.prev = c.store.remove(d.key)
			if ev.prev == nil {
				c.advance(d.rev)
				continue
			}
			last := ev.prev.obj.DeepCopyObject()
			_ = storage.SetResourceVersion(last, d.rev)
			ev.obj, ev.typ = last, watch.Deleted
		}
		c.record(ev)
		c.advance(d.rev)
		c.watchers.dispatch(ev, c.cfg.WatcherQueue)
	}
}

// record appends ev to the history and evicts what is too old.
func (c *Cacher) record(ev *cacheEvent) {
	c.history = append(c.history, ev)
	cutoff := ev.at.Add(-c.cfg.HistoryWindow)
	for {
		n := len(c.history) - c.head
		oldest := c.history[c.head]
		if n <= c.cfg.MaxEvents && (n <= c.cfg.MinEvents || !oldest.at.Before(cutoff)) {
			break
		}
		c.historyStart = oldest.rev
		c.history[c.head] = nil
		c.head++
	}
	if c.head > 1024 && c.head > len(c.history)/2 {
		c.history = append([]*cacheEvent(nil), c.history[c.head:]...)
		c.head = 0
	}
}

// advance raises the cache revision and wakes those waiting for it.
func (c *Cacher) advance(rev uint64) {
	if rev <= c.rev {
		return
	}
	c.rev = rev
	close(c.fresh)
	c.fresh = make(chan struct{})
}

// requestProgress asks etcd to tell the cache's watch its current revision.
func (c *Cacher) requestProgress() {
	c.progressMu.Lock()
	ctx := c.progressCtx
	c.progressMu.Unlock()
	if ctx != nil {
		_ = c.client.RequestProgress(ctx)
	}
}

// waitUntilFresh waits until the cache revision reaches rev, asking etcd
// for progress meanwhile, for at most the freshness timeout.
func (c *Cacher) waitUntilFresh(ctx context.Context, rev uint64) error {
	timeout := time.NewTimer(c.cfg.FreshnessTimeout)
	defer timeout.Stop()
	var tick *time.Ticker
	for {
		c.mu.RLock()
		cur, fresh := c.rev, c.fresh
		c.mu.RUnlock()
		if cur >= rev {
			return nil
		}
		if tick == nil {
			c.requestProgress()
			tick = time.NewTicker(100 * time.Millisecond)
			defer tick.Stop()
		}
		select {
		case <-fresh:
		case <-tick.C:
			c.requestProgress()
		case <-timeout.C:
			return storage.NewError(storage.ErrCodeTooLargeResourceVersion, c.prefix, int64(cur),
				fmt.Sprintf("Too large resource version: %d, current: %d", rev, cur))
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// waitUntilConsistent waits until the cache reflects etcd's current revision.
func (c *Cacher) waitUntilConsistent(ctx context.Context) error {
	rev, err := c.etcd.CurrentRevision(ctx)
	if err != nil {
		return err
	}
	return c.waitUntilFresh(ctx, uint64(rev))
}

// bookmarkLoop sends bookmarks to idle watchers that asked for them.
func (c *Cacher) bookmarkLoop(ctx context.Context) {
	t := time.NewTicker(c.cfg.BookmarkInterval / 2)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			c.mu.RLock()
			want := c.watchers.bookmarkCount > 0
			c.mu.RUnlock()
			if !want {
				continue
			}
			c.requestProgress()
			c.mu.Lock()
			c.watchers.bookmark(now.Add(-c.cfg.BookmarkInterval), c.rev, c.newFunc, c.cfg.WatcherQueue)
			c.mu.Unlock()
		}
	}
}

// WatcherCount returns the number of open watches (for metrics).
func (c *Cacher) WatcherCount() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.watchers.all)
}

package etcd3

import (
	"context"
	"fmt"

	clientv3 "go.etcd.io/etcd/client/v3"

	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/watch"
	"keel.dev/keel/pkg/apiserver/storage"
)

// resultBuffer is the number of decoded events a direct watch holds for a
// slow consumer before it stops reading from etcd.
const resultBuffer = 100

// etcdWatcher is a watch served straight from etcd.
type etcdWatcher struct {
	store     *Store
	key       string // storage key, for errors
	full      string // etcd key or prefix
	recursive bool
	opts      storage.ListOptions
	result    chan watch.Event
	cancel    context.CancelFunc
}

// Watch implements storage.Interface. Events are decoded per watch; the
// watch cache (package cacher) is the scalable path.
//
// ResourceVersion "" or "0" without SendInitialEvents starts with the
// current state as ADDED events; N starts after revision N. With
// SendInitialEvents=true the initial events end with a BOOKMARK annotated
// k8s.io/initial-events-end when bookmarks are allowed.
func (s *Store) Watch(ctx context.Context, key string, opts storage.ListOptions) (watch.Interface, error) {
	full, err := s.FullKey(key, opts.Recursive)
	if err != nil {
		return nil, err
	}
	rv, err := storage.ParseResourceVersion(opts.ResourceVersion)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	w := &etcdWatcher{
		store: s, key: key, full: full, recursive: opts.Recursive, opts: opts,
		result: make(chan watch.Event, resultBuffer), cancel: cancel,
	}
	initial := rv == 0
	if opts.SendInitialEvents != nil {
		initial = *opts.SendInitialEvents
	}
	go w.run(ctx, int64(rv), initial)
	return w, nil
}

// Stop ends the watch; safe to call more than once.
func (w *etcdWatcher) Stop() { w.cancel() }

// ResultChan implements watch.Interface.
func (w *etcdWatcher) ResultChan() <-chan watch.Event { return w.result }

// send delivers ev unless the watch was stopped.
func (w *etcdWatcher) send(ctx context.Context, ev watch.Event) bool {
	select {
	case w.result <- ev:
		return true
	case <-ctx.Done():
		return false
	}
}

func (w *etcdWatcher) run(ctx context.Context, rev int64, initial bool) {
	defer close(w.result)
	defer w.cancel()
	if initial || rev == 0 {
		listRev, ok := w.sendInitial(ctx, rev, initial)
		if !ok {
			return
		}
		rev = listRev
	}
	wopts := []clientv3.OpOption{clientv3.WithRev(rev + 1), clientv3.WithPrevKV()}
	if w.recursive {
		wopts = append(wopts, clientv3.WithPrefix())
	}
	if w.opts.AllowWatchBookmarks {
		wopts = append(wopts, clientv3.WithProgressNotify())
	}
	wch := w.store.client.Watch(clientv3.WithRequireLeader(ctx), w.full, wopts...)
	for resp := range wch {
		if resp.CompactRevision != 0 {
			w.send(ctx, storage.ErrorEvent(storage.NewError(storage.ErrCodeExpired, w.key, resp.CompactRevision,
				fmt.Sprintf("too old resource version: %d (%d)", rev, resp.CompactRevision))))
			return
		}
		if err := resp.Err(); err != nil {
			if ctx.Err() == nil {
				w.send(ctx, storage.ErrorEvent(interpret(w.key, err)))
			}
			return
		}
		if resp.IsProgressNotify() && w.opts.AllowWatchBookmarks {
			if !w.send(ctx, watch.Event{Type: watch.Bookmark, Object: w.bookmark(resp.Header.Revision, false)}) {
				return
			}
			continue
		}
		for _, e := range resp.Events {
			ev, ok, err := w.transform(e)
			if err != nil {
				w.send(ctx, storage.ErrorEvent(err))
				return
			}
			if ok && !w.send(ctx, ev) {
				return
			}
		}
	}
}

// sendInitial emits the state at rev (latest when 0) as ADDED events and
// returns the revision it was read at.
func (w *etcdWatcher) sendInitial(ctx context.Context, rev int64, initial bool) (int64, bool) {
	lopts := storage.ListOptions{Recursive: w.recursive, Predicate: w.opts.Predicate}
	if rev > 0 {
		lopts.ResourceVersion = storage.FormatResourceVersion(uint64(rev))
		lopts.ResourceVersionMatch = metav1.ResourceVersionMatchNotOlderThan
	}
	list, err := w.store.GetList(ctx, w.key, lopts)
	if err != nil {
		if ctx.Err() == nil {
			w.send(ctx, storage.ErrorEvent(err))
		}
		return 0, false
	}
	if initial {
		for _, obj := range list.Items {
			if !w.send(ctx, watch.Event{Type: watch.Added, Object: obj}) {
				return 0, false
			}
		}
		if w.opts.SendInitialEvents != nil && w.opts.AllowWatchBookmarks {
			if !w.send(ctx, watch.Event{Type: watch.Bookmark, Object: w.bookmark(int64(list.ResourceVersion), true)}) {
				return 0, false
			}
		}
	}
	return int64(list.ResourceVersion), true
}

// bookmark returns an empty object of the watched kind at rev.
func (w *etcdWatcher) bookmark(rev int64, initialEnd bool) runtime.Object {
	return storage.NewBookmark(w.store.newFunc, uint64(rev), initialEnd)
}

// transform turns an etcd event into a watch event seen through the
// predicate; ok is false when the watcher does not see it.
func (w *etcdWatcher) transform(e *clientv3.Event) (watch.Event, bool, error) {
	key := string(e.Kv.Key)
	var cur, prev runtime.Object
	var err error
	if e.Type == clientv3.EventTypePut {
		if cur, err = w.store.decode(key, e.Kv.Value, e.Kv.ModRevision); err != nil {
			return watch.Event{}, false, err
		}
	}
	if e.PrevKv != nil && (e.Type == clientv3.EventTypeDelete || !w.opts.Predicate.Empty()) {
		// The last state carries the revision of the change.
		if prev, err = w.store.decode(key, e.PrevKv.Value, e.Kv.ModRevision); err != nil {
			return watch.Event{}, false, err
		}
	}
	t, obj := storage.ClassifyEvent(w.opts.Predicate, e.Type == clientv3.EventTypeDelete, e.IsCreate(), cur, prev)
	return watch.Event{Type: t, Object: obj}, t != "", nil
}

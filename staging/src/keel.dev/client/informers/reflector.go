package informers

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strconv"
	"sync"
	"time"

	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/watch"
	"keel.dev/client/clock"
	"keel.dev/client/typed"
)

// PageSize is the limit of each list page.
const PageSize = 500

// ListWatcher lists and watches one kind; List returns one page.
type ListWatcher[T Object] interface {
	// List returns a page of objects with the list's resourceVersion and
	// continue token.
	List(ctx context.Context, opts metav1.ListOptions) (items []T, meta metav1.ListMeta, err error)
	// Watch starts a watch.
	Watch(ctx context.Context, opts metav1.ListOptions) (watch.Interface, error)
}

// clientListWatcher adapts a typed client.
type clientListWatcher[T typed.Object, L typed.List] struct {
	c     *typed.Client[T, L]
	tweak func(*metav1.ListOptions)
}

// FromClient returns the ListWatcher of a typed client; tweak (optional)
// edits the options of every list and watch (selectors).
func FromClient[T typed.Object, L typed.List](c *typed.Client[T, L], tweak func(*metav1.ListOptions)) ListWatcher[T] {
	return &clientListWatcher[T, L]{c: c, tweak: tweak}
}

func (lw *clientListWatcher[T, L]) List(ctx context.Context, opts metav1.ListOptions) ([]T, metav1.ListMeta, error) {
	if lw.tweak != nil {
		lw.tweak(&opts)
	}
	l, err := lw.c.List(ctx, opts)
	if err != nil {
		return nil, metav1.ListMeta{}, err
	}
	return lw.c.Items(l), metav1.ListMeta{ResourceVersion: l.GetResourceVersion(), Continue: l.GetContinue()}, nil
}

func (lw *clientListWatcher[T, L]) Watch(ctx context.Context, opts metav1.ListOptions) (watch.Interface, error) {
	if lw.tweak != nil {
		lw.tweak(&opts)
	}
	return lw.c.Watch(ctx, opts)
}

// sink receives what the reflector learns.
type sink[T Object] interface {
	replace(items []T, resourceVersion string)
	apply(t watch.EventType, obj T)
}

// errStaleList is returned when a list is older than what was already seen.
var errStaleList = errors.New("list is older than the last seen resource version")

// Reflector keeps a sink in sync with the apiserver through list and watch.
type Reflector[T Object] struct {
	lw    ListWatcher[T]
	sink  sink[T]
	clock clock.Clock
	name  string
	// transform, if set, edits each listed object as its page arrives, so
	// dropped fields are freed before the next page is read.
	transform func(T) T

	mu     sync.Mutex
	lastRV string

	// MinBackoff and MaxBackoff bound the wait after errors.
	minBackoff, maxBackoff time.Duration
	// lists counts the lists made, for tests.
	lists int
}

func newReflector[T Object](name string, lw ListWatcher[T], s sink[T], c clock.Clock) *Reflector[T] {
	return &Reflector[T]{lw: lw, sink: s, clock: c, name: name, minBackoff: 800 * time.Millisecond, maxBackoff: 30 * time.Second}
}

// LastSyncResourceVersion returns the newest resourceVersion seen.
func (r *Reflector[T]) LastSyncResourceVersion() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.lastRV
}

func (r *Reflector[T]) setRV(rv string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.lastRV = rv
}

// Run lists and watches until ctx is done, backing off exponentially
// (with jitter) after errors.
func (r *Reflector[T]) Run(ctx context.Context) {
	log := slog.Default().With("reflector", r.name)
	needList := true
	delay := r.minBackoff
	for ctx.Err() == nil {
		start := r.clock.Now()
		var err error
		if needList {
			if err = r.list(ctx); err == nil {
				needList = false
			}
		}
		if err == nil {
			var relist bool
			relist, err = r.watch(ctx)
			needList = relist
		}
		if ctx.Err() != nil {
			return
		}
		if err == nil {
			delay = r.minBackoff
			continue
		}
		log.Debug("list/watch failed", "err", err)
		if r.clock.Since(start) > 2*time.Minute {
			delay = r.minBackoff
		}
		wait := delay/2 + time.Duration(rand.Int64N(int64(delay)))
		if !clock.Sleep(r.clock, wait, ctx.Done()) {
			return
		}
		delay = min(delay*2, r.maxBackoff)
	}
}

// list reads every page with a consistent read and replaces the sink's
// contents, refusing a list older than the last resourceVersion seen.
func (r *Reflector[T]) list(ctx context.Context) error {
	r.mu.Lock()
	r.lists++
	r.mu.Unlock()
	var all []T
	opts := metav1.ListOptions{Limit: PageSize}
	var rv string
	for {
		items, meta, err := r.lw.List(ctx, opts)
		if err != nil {
			if opts.Continue != "" && (apierrors.IsResourceExpired(err) || apierrors.IsGone(err)) {
				// The continue token expired: start over.
				all, opts.Continue = nil, ""
				continue
			}
			return fmt.Errorf("list: %w", err)
		}
		if r.transform != nil {
			for i, o := range items {
				items[i] = r.transform(o)
			}
		}
		all = append(all, items...)
		rv = meta.ResourceVersion
		if meta.Continue == "" {
			break
		}
		opts.Continue = meta.Continue
	}
	if olderThan(rv, r.LastSyncResourceVersion()) {
		return fmt.Errorf("list at %s, last seen %s: %w", rv, r.LastSyncResourceVersion(), errStaleList)
	}
	r.sink.replace(all, rv)
	r.setRV(rv)
	return nil
}

// olderThan reports whether resourceVersion a is known to precede b. The
// versions are opaque, but Keel's (and Kubernetes' etcd-backed) are integers.
func olderThan(a, b string) bool {
	ai, err1 := strconv.ParseUint(a, 10, 64)
	bi, err2 := strconv.ParseUint(b, 10, 64)
	return err1 == nil && err2 == nil && ai < bi
}

// watch watches from the last resourceVersion until the watch ends. It
// returns relist=true when the version expired (410).
func (r *Reflector[T]) watch(ctx context.Context) (relist bool, err error) {
	timeout := int64(300 + rand.IntN(300))
	opts := metav1.ListOptions{ResourceVersion: r.LastSyncResourceVersion(), AllowWatchBookmarks: true, TimeoutSeconds: &timeout}
	w, err := r.lw.Watch(ctx, opts)
	if err != nil {
		if apierrors.IsResourceExpired(err) || apierrors.IsGone(err) {
			return true, nil
		}
		return false, fmt.Errorf("watch: %w", err)
	}
	defer w.Stop()
	start := r.clock.Now()
	events := 0
	for {
		select {
		case <-ctx.Done():
			return false, nil
		case ev, ok := <-w.ResultChan():
			if !ok {
				if events == 0 && r.clock.Since(start) < time.Second {
					return false, errors.New("watch closed immediately")
				}
				return false, nil
			}
			events++
			if ev.Type == watch.Error {
				err := apierrors.FromObject(statusOf(ev.Object))
				if apierrors.IsResourceExpired(err) || apierrors.IsGone(err) {
					return true, nil
				}
				return false, fmt.Errorf("watch error event: %w", err)
			}
			obj, ok := ev.Object.(T)
			if !ok {
				return false, fmt.Errorf("watch event object of type %T", ev.Object)
			}
			if ev.Type != watch.Bookmark {
				r.sink.apply(ev.Type, obj)
			}
			if rv := obj.GetResourceVersion(); rv != "" {
				r.setRV(rv)
			}
		}
	}
}

func statusOf(obj any) *metav1.Status {
	if st, ok := obj.(*metav1.Status); ok {
		if st.Status == "" {
			st.Status = metav1.StatusFailure
		}
		return st
	}
	return &metav1.Status{Status: metav1.StatusFailure, Message: fmt.Sprintf("unexpected watch error object %T", obj)}
}

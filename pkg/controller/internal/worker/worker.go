package worker

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"keel.dev/client/clock"
	"keel.dev/client/informers"
	"keel.dev/client/workqueue"
)

// Option adds to what Run does besides draining the queue.
type Option func(*options)

type options struct {
	onSynced     func(context.Context) error
	resyncClock  clock.Clock
	resyncPeriod time.Duration
	resync       func()
}

// OnSynced makes Run call fn once, after the caches have synced and before
// any worker starts, for state a controller rebuilds from its caches. An
// error from fn ends Run with that error.
func OnSynced(fn func(ctx context.Context) error) Option {
	return func(o *options) { o.onSynced = fn }
}

// Resync makes Run call enqueueAll every period on clk (nil: the wall
// clock) while the workers run, for a controller whose input does not all
// arrive as watch events (metrics, elapsed time). The first call comes one
// period after the workers start; a period <= 0 disables the resync.
func Resync(clk clock.Clock, period time.Duration, enqueueAll func()) Option {
	return func(o *options) {
		if clk == nil {
			clk = clock.Real{}
		}
		o.resyncClock, o.resyncPeriod, o.resync = clk, period, enqueueAll
	}
}

// Run blocks until ctx is done. name identifies the controller in errors and
// logs; it shuts the queue down on return.
func Run[K comparable](ctx context.Context, name string, q *workqueue.Queue[K], synced []informers.Syncer, workers int, syncFn func(context.Context, K) error, opts ...Option) error {
	return RunRequeue(ctx, name, q, synced, workers, noRequeue(syncFn), opts...)
}

// RunRequeue is Run for a sync that may ask to see its key again: a nil
// error with a positive after forgets the key's failures and adds it back
// once after has passed.
func RunRequeue[K comparable](ctx context.Context, name string, q *workqueue.Queue[K], synced []informers.Syncer, workers int, syncFn func(context.Context, K) (after time.Duration, err error), opts ...Option) error {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	defer q.ShutDown()
	if !informers.WaitForCacheSync(ctx, synced...) {
		return fmt.Errorf("%s: wait for caches: %w", name, ctx.Err())
	}
	if o.onSynced != nil {
		if err := o.onSynced(ctx); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for processNext(ctx, name, q, syncFn) {
			}
		})
	}
	if o.resync != nil && o.resyncPeriod > 0 {
		wg.Go(func() { resyncLoop(ctx, o.resyncClock, o.resyncPeriod, o.resync) })
	}
	<-ctx.Done()
	q.ShutDown()
	wg.Wait()
	return nil
}

// resyncLoop calls enqueueAll every period until ctx is done.
func resyncLoop(ctx context.Context, clk clock.Clock, period time.Duration, enqueueAll func()) {
	for clock.Sleep(clk, period, ctx.Done()) {
		enqueueAll()
	}
}

// ProcessNext takes one key off q and syncs it: a failure is logged and
// retried with backoff, except one caused by a terminating namespace. It
// returns false once q is shut down.
func ProcessNext[K comparable](ctx context.Context, name string, q *workqueue.Queue[K], syncFn func(context.Context, K) error) bool {
	return processNext(ctx, name, q, noRequeue(syncFn))
}

// processNext is ProcessNext for a sync that may ask to see its key again
// after a while (see RunRequeue).
func processNext[K comparable](ctx context.Context, name string, q *workqueue.Queue[K], syncFn func(context.Context, K) (time.Duration, error)) bool {
	k, shutdown := q.Get()
	if shutdown {
		return false
	}
	defer q.Done(k)
	after, err := syncFn(ctx, k)
	switch {
	case err == nil:
		q.Forget(k)
		if after > 0 {
			q.AddAfter(k, after)
		}
	case NamespaceTerminating(err):
		// Retrying cannot succeed; the namespace is going away.
		q.Forget(k)
	default:
		slog.Default().Error("sync", "controller", name, "key", k, "err", err)
		q.AddRateLimited(k)
	}
	return true
}

// noRequeue adapts a sync that never asks for a later pass.
func noRequeue[K comparable](syncFn func(context.Context, K) error) func(context.Context, K) (time.Duration, error) {
	return func(ctx context.Context, k K) (time.Duration, error) { return 0, syncFn(ctx, k) }
}

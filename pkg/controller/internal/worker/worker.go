package worker

import (
	"context"
	"fmt"
	"log/slog"
	"sync"

	"keel.dev/client/informers"
	"keel.dev/client/workqueue"
)

// Run blocks until ctx is done. name identifies the controller in errors and
// logs; it shuts the queue down on return.
func Run[K comparable](ctx context.Context, name string, q *workqueue.Queue[K], synced []informers.Syncer, workers int, syncFn func(context.Context, K) error) error {
	defer q.ShutDown()
	if !informers.WaitForCacheSync(ctx, synced...) {
		return fmt.Errorf("%s: wait for caches: %w", name, ctx.Err())
	}
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for ProcessNext(ctx, name, q, syncFn) {
			}
		})
	}
	<-ctx.Done()
	q.ShutDown()
	wg.Wait()
	return nil
}

// ProcessNext takes one key off q and syncs it: a failure is logged and
// retried with backoff, except one caused by a terminating namespace. It
// returns false once q is shut down.
func ProcessNext[K comparable](ctx context.Context, name string, q *workqueue.Queue[K], syncFn func(context.Context, K) error) bool {
	k, shutdown := q.Get()
	if shutdown {
		return false
	}
	defer q.Done(k)
	if err := syncFn(ctx, k); err != nil {
		if NamespaceTerminating(err) {
			// Retrying cannot succeed; the namespace is going away.
			q.Forget(k)
			return true
		}
		slog.Default().Error("sync", "controller", name, "key", k, "err", err)
		q.AddRateLimited(k)
		return true
	}
	q.Forget(k)
	return true
}

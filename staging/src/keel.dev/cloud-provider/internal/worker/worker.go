package worker

import (
	"context"
	"log/slog"
	"sync"

	apierrors "keel.dev/apimachinery/pkg/api/errors"
	"keel.dev/client/workqueue"

	"keel.dev/cloud-provider/internal/metrics"
)

// SyncFunc reconciles one key; a non-nil error re-queues the key with backoff.
type SyncFunc func(ctx context.Context, key string) error

// Run processes keys of q with n goroutines until ctx is done, then shuts
// the queue down and waits for the workers.
func Run(ctx context.Context, controller string, q *workqueue.Queue[string], n int, syncFn SyncFunc) {
	if n < 1 {
		n = 1
	}
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ProcessNext(ctx, controller, q, syncFn) {
			}
		}()
	}
	<-ctx.Done()
	q.ShutDown()
	wg.Wait()
}

// ProcessNext handles one key; it returns false once the queue is shut down.
func ProcessNext(ctx context.Context, controller string, q *workqueue.Queue[string], syncFn SyncFunc) bool {
	key, shutdown := q.Get()
	if shutdown {
		return false
	}
	defer q.Done(key)
	if err := syncFn(ctx, key); err != nil {
		metrics.Syncs.Inc(controller, "error")
		if apierrors.IsConflict(err) {
			// A write raced with a newer version (often our own previous
			// write not yet in the cache); the retry reads the new one.
			slog.Default().Info("sync conflict, retrying", "controller", controller, "key", key, "err", err)
		} else {
			slog.Default().Error("sync failed", "controller", controller, "key", key, "err", err)
		}
		q.AddRateLimited(key)
		return true
	}
	metrics.Syncs.Inc(controller, "success")
	q.Forget(key)
	return true
}

package worker

import (
	"context"
	"errors"
	"sync"
	"testing"

	"keel.dev/client/informers"
	"keel.dev/client/workqueue"
)

type synced bool

func (s synced) HasSynced() bool { return bool(s) }

func TestRunRetriesFailuresAndForgetsSuccesses(t *testing.T) {
	q := workqueue.New[string]()
	ctx, cancel := context.WithCancel(context.Background())
	var mu sync.Mutex
	calls := map[string]int{}
	done := make(chan struct{})
	syncFn := func(_ context.Context, k string) error {
		mu.Lock()
		defer mu.Unlock()
		calls[k]++
		if k == "flaky" && calls[k] < 3 {
			return errors.New("transient")
		}
		if calls["ok"] == 1 && calls["flaky"] == 3 {
			close(done)
		}
		return nil
	}
	q.Add("ok")
	q.Add("flaky")
	errc := make(chan error, 1)
	go func() { errc <- Run(ctx, "test", q, []informers.Syncer{synced(true)}, 2, syncFn) }()
	<-done
	cancel()
	if err := <-errc; err != nil {
		t.Fatalf("Run = %v, want nil after ctx ends", err)
	}
	if calls["ok"] != 1 || calls["flaky"] != 3 {
		t.Errorf("calls = %v, want ok once and flaky three times", calls)
	}
	if n := q.NumRequeues("flaky"); n != 0 {
		t.Errorf("flaky still has %d requeues after succeeding; want it forgotten", n)
	}
	if !q.ShuttingDown() {
		t.Error("the queue is not shut down after Run returned")
	}
}

func TestRunFailsWhenCachesNeverSync(t *testing.T) {
	q := workqueue.New[string]()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := Run(ctx, "test", q, []informers.Syncer{synced(false)}, 1, func(context.Context, string) error {
		t.Error("sync called before the caches synced")
		return nil
	})
	if err == nil || !errors.Is(err, context.Canceled) {
		t.Errorf("Run = %v, want a wrapped context.Canceled", err)
	}
}

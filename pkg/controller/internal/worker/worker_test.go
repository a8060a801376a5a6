package worker

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"keel.dev/client/clock"
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

func TestProcessNextRequeue(t *testing.T) {
	const wait = 5 * time.Second
	tests := []struct {
		name     string
		after    time.Duration
		err      error
		requeues int
	}{
		{"a success without a later pass forgets the earlier failure", 0, nil, 0},
		{"a success asking for a later pass forgets the earlier failure", wait, nil, 0},
		{"a failure is retried with backoff whatever it asks", wait, errors.New("transient"), 2},
		{"a refusal by a terminating namespace is dropped", wait, fmt.Errorf("create: %w", terminatingErr()), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := clock.NewFake(time.Unix(1700000000, 0))
			q := workqueue.New(workqueue.WithClock[string](clk))
			defer q.ShutDown()
			// An earlier failure puts the key back after its backoff.
			q.Add("k")
			processNext(context.Background(), "test", q, func(context.Context, string) (time.Duration, error) { return 0, errors.New("first") })
			clk.Step(time.Second)
			processNext(context.Background(), "test", q, func(context.Context, string) (time.Duration, error) { return tt.after, tt.err })
			if got := q.NumRequeues("k"); got != tt.requeues {
				t.Errorf("requeues = %d, want %d", got, tt.requeues)
			}
			if tt.err != nil || tt.after == 0 {
				return
			}
			if q.Len() != 0 {
				t.Fatal("the key came back before its wait passed")
			}
			clk.Step(wait)
			if k, shutdown := q.Get(); shutdown || k != "k" {
				t.Errorf("Get = %q, %v; want the key back once the wait passed", k, shutdown)
			}
		})
	}
}

func TestRunCallsOnSyncedBeforeAnyWorker(t *testing.T) {
	q := workqueue.New[string]()
	q.Add("k")
	ctx, cancel := context.WithCancel(context.Background())
	var mu sync.Mutex
	var order []string
	note := func(s string) {
		mu.Lock()
		defer mu.Unlock()
		order = append(order, s)
	}
	errc := make(chan error, 1)
	go func() {
		errc <- Run(ctx, "test", q, []informers.Syncer{synced(true)}, 2, func(context.Context, string) error {
			note("sync")
			cancel()
			return nil
		}, OnSynced(func(context.Context) error { note("hook"); return nil }))
	}()
	if err := <-errc; err != nil {
		t.Fatalf("Run = %v", err)
	}
	if len(order) != 2 || order[0] != "hook" || order[1] != "sync" {
		t.Errorf("calls = %v, want the hook then the sync", order)
	}
}

func TestRunEndsWhenOnSyncedFails(t *testing.T) {
	q := workqueue.New[string]()
	q.Add("k")
	boom := errors.New("list nodes: boom")
	err := Run(context.Background(), "test", q, []informers.Syncer{synced(true)}, 1, func(context.Context, string) error {
		t.Error("sync called although the startup hook failed")
		return nil
	}, OnSynced(func(context.Context) error { return boom }))
	if !errors.Is(err, boom) {
		t.Errorf("Run = %v, want the hook's error", err)
	}
	if !q.ShuttingDown() {
		t.Error("the queue is not shut down after Run returned")
	}
}

func TestRunResyncEnqueuesEveryPeriod(t *testing.T) {
	clk := clock.NewFake(time.Unix(1700000000, 0))
	q := workqueue.New[string]()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	synced1 := make(chan string, 10)
	errc := make(chan error, 1)
	go func() {
		errc <- Run(ctx, "test", q, []informers.Syncer{synced(true)}, 1, func(_ context.Context, k string) error {
			synced1 <- k
			return nil
		}, Resync(clk, time.Minute, func() { q.Add("a"); q.Add("b") }))
	}()
	for round := range 2 {
		clk.BlockUntil(1) // the resync timer is armed
		if n := len(synced1); n != 0 {
			t.Fatalf("round %d: %d syncs before the period passed", round, n)
		}
		clk.Step(time.Minute)
		got := map[string]bool{<-synced1: true, <-synced1: true}
		if !got["a"] || !got["b"] {
			t.Fatalf("round %d: synced %v, want a and b", round, got)
		}
	}
	cancel()
	if err := <-errc; err != nil {
		t.Fatalf("Run = %v", err)
	}
}

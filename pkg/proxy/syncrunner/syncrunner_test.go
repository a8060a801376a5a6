package syncrunner

import (
	"context"
	"sync/atomic"
	"testing"
	"time"
)

func TestRunnerCoalescesBurstsAndHonorsMinInterval(t *testing.T) {
	var runs atomic.Int32
	var stamps = make(chan time.Time, 100)
	r := New(func() { runs.Add(1); stamps <- time.Now() }, 100*time.Millisecond, 0)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go r.Loop(ctx)
	for range 50 {
		r.Run()
	}
	time.Sleep(50 * time.Millisecond)
	for range 50 {
		r.Run()
	}
	time.Sleep(300 * time.Millisecond)
	if n := runs.Load(); n < 1 || n > 2 {
		t.Errorf("100 requests in two bursts ran %d times, want 1 or 2", n)
	}
	if runs.Load() == 2 {
		first, second := <-stamps, <-stamps
		if gap := second.Sub(first); gap < 90*time.Millisecond {
			t.Errorf("runs %v apart, want at least the 100ms minimum interval", gap)
		}
	}
}

func TestRunnerRunsPeriodically(t *testing.T) {
	var runs atomic.Int32
	r := New(func() { runs.Add(1) }, 0, 30*time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	r.Loop(ctx)
	if n := runs.Load(); n < 3 {
		t.Errorf("ran %d times in 200ms with a 30ms period, want at least 3", n)
	}
}

func TestRunnerRetriesAfterDelay(t *testing.T) {
	var runs atomic.Int32
	r := New(func() { runs.Add(1) }, 0, 0)
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
	defer cancel()
	r.RetryAfter(20 * time.Millisecond)
	r.Loop(ctx)
	if n := runs.Load(); n != 1 {
		t.Errorf("ran %d times after one retry request, want 1", n)
	}
}

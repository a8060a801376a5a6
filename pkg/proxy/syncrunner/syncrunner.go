// Package syncrunner runs a function on request, at most once per minimum
// interval and at least once per maximum interval, coalescing bursts of
// requests into a single run.
package syncrunner

import (
	"context"
	"time"
)

// Runner is a bounded-frequency runner.
type Runner struct {
	fn          func()
	minInterval time.Duration
	maxInterval time.Duration
	request     chan struct{}
	retry       chan time.Duration
}

// New returns a Runner calling fn; maxInterval <= 0 disables periodic runs.
func New(fn func(), minInterval, maxInterval time.Duration) *Runner {
	return &Runner{fn: fn, minInterval: minInterval, maxInterval: maxInterval,
		request: make(chan struct{}, 1), retry: make(chan time.Duration, 1)}
}

// Run asks for a run; it never blocks and repeated asks are merged.
func (r *Runner) Run() {
	select {
	case r.request <- struct{}{}:
	default:
	}
}

// RetryAfter asks for a run after d, e.g. after a failed sync.
func (r *Runner) RetryAfter(d time.Duration) {
	select {
	case r.retry <- d:
	default:
	}
}

// Loop runs until ctx ends.
func (r *Runner) Loop(ctx context.Context) {
	var last time.Time
	periodic := time.NewTimer(time.Hour)
	if r.maxInterval > 0 {
		periodic.Reset(r.maxInterval)
	} else {
		periodic.Stop()
	}
	defer periodic.Stop()
	retry := time.NewTimer(time.Hour)
	retry.Stop()
	defer retry.Stop()
	do := func() {
		if wait := r.minInterval - time.Since(last); !last.IsZero() && wait > 0 {
			t := time.NewTimer(wait)
			select {
			case <-ctx.Done():
				t.Stop()
				return
			case <-t.C:
			}
		}
		select { // merge requests that arrived while waiting
		case <-r.request:
		default:
		}
		r.fn()
		last = time.Now()
		if r.maxInterval > 0 {
			periodic.Reset(r.maxInterval)
		}
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-r.request:
			do()
		case <-periodic.C:
			do()
		case d := <-r.retry:
			retry.Reset(d)
		case <-retry.C:
			do()
		}
	}
}

package workqueue

import (
	"sync"
	"time"

	"keel.dev/client/clock"
)

// Metrics receives queue measurements; implementations must be fast and
// safe for concurrent use.
type Metrics interface {
	// Added is called for each Add that queued a new key.
	Added()
	// Depth reports the number of queued keys after a change.
	Depth(n int)
	// Latency reports how long a key waited before Get returned it.
	Latency(d time.Duration)
	// WorkDuration reports the time between Get and Done.
	WorkDuration(d time.Duration)
	// Retried is called for each AddRateLimited.
	Retried()
}

type noMetrics struct{}

func (noMetrics) Added()                     {}
func (noMetrics) Depth(int)                  {}
func (noMetrics) Latency(time.Duration)      {}
func (noMetrics) WorkDuration(time.Duration) {}
func (noMetrics) Retried()                   {}

// Option configures a Queue.
type Option[K comparable] func(*Queue[K])

// WithClock sets the queue's clock (delays, metrics).
func WithClock[K comparable](c clock.Clock) Option[K] { return func(q *Queue[K]) { q.clock = c } }

// WithRateLimiter replaces the default rate limiter.
func WithRateLimiter[K comparable](r RateLimiter[K]) Option[K] {
	return func(q *Queue[K]) { q.limiter = r }
}

// WithMetrics sets the metrics sink.
func WithMetrics[K comparable](m Metrics) Option[K] { return func(q *Queue[K]) { q.metrics = m } }

// Queue is a deduplicating, rate-limited work queue of keys K. A key is in
// at most one of: queued (dirty), processing, or both (re-queued on Done).
type Queue[K comparable] struct {
	clock   clock.Clock
	limiter RateLimiter[K]
	metrics Metrics

	mu           sync.Mutex
	cond         *sync.Cond
	queue        []K
	dirty        map[K]struct{}
	processing   map[K]struct{}
	addedAt      map[K]time.Time
	startedAt    map[K]time.Time
	shuttingDown bool
	drain        bool

	waiting   waitHeap[K]
	waitIndex map[K]*waitItem[K]
	wake      chan struct{}
	stopped   chan struct{}
}

// New returns a running queue; call ShutDown to stop it.
func New[K comparable](opts ...Option[K]) *Queue[K] {
	q := &Queue[K]{
		clock: clock.Real{}, metrics: noMetrics{},
		dirty: map[K]struct{}{}, processing: map[K]struct{}{},
		addedAt: map[K]time.Time{}, startedAt: map[K]time.Time{},
		waitIndex: map[K]*waitItem[K]{}, wake: make(chan struct{}, 1), stopped: make(chan struct{}),
	}
	q.cond = sync.NewCond(&q.mu)
	for _, o := range opts {
		o(q)
	}
	if q.limiter == nil {
		q.limiter = DefaultRateLimiter[K](q.clock)
	}
	go q.waitLoop()
	return q
}

// Add queues key unless it is already queued; a key being processed is
// queued again when Done is called.
func (q *Queue[K]) Add(key K) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.add(key)
}

func (q *Queue[K]) add(key K) {
	if q.shuttingDown {
		return
	}
	if _, ok := q.dirty[key]; ok {
		return
	}
	q.metrics.Added()
	q.dirty[key] = struct{}{}
	q.addedAt[key] = q.clock.Now()
	if _, ok := q.processing[key]; ok {
		return
	}
	q.queue = append(q.queue, key)
	q.metrics.Depth(len(q.queue))
	q.cond.Signal()
}

// Len returns the number of queued keys.
func (q *Queue[K]) Len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.queue)
}

// Get blocks until a key is available and marks it processing; shutdown is
// true when the queue is shut down and empty.
func (q *Queue[K]) Get() (key K, shutdown bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(q.queue) == 0 && !q.shuttingDown {
		q.cond.Wait()
	}
	if len(q.queue) == 0 {
		return key, true
	}
	key = q.queue[0]
	var zero K
	q.queue[0] = zero
	q.queue = q.queue[1:]
	q.metrics.Depth(len(q.queue))
	now := q.clock.Now()
	q.metrics.Latency(now.Sub(q.addedAt[key]))
	delete(q.addedAt, key)
	q.startedAt[key] = now
	q.processing[key] = struct{}{}
	delete(q.dirty, key)
	return key, false
}

// Done marks key processed; if it was added meanwhile it is queued again.
func (q *Queue[K]) Done(key K) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if t, ok := q.startedAt[key]; ok {
		q.metrics.WorkDuration(q.clock.Since(t))
		delete(q.startedAt, key)
	}
	delete(q.processing, key)
	if _, ok := q.dirty[key]; ok {
		q.queue = append(q.queue, key)
		q.metrics.Depth(len(q.queue))
		q.cond.Signal()
	}
	if len(q.processing) == 0 {
		q.cond.Broadcast() // wake ShutDownWithDrain
	}
}

// AddRateLimited queues key after the rate limiter's delay.
func (q *Queue[K]) AddRateLimited(key K) {
	q.metrics.Retried()
	q.AddAfter(key, q.limiter.When(key))
}

// Forget clears key's retry history (call after a successful sync).
func (q *Queue[K]) Forget(key K) { q.limiter.Forget(key) }

// NumRequeues returns how many times key was rate-limited since Forget.
func (q *Queue[K]) NumRequeues(key K) int { return q.limiter.NumRequeues(key) }

// ShutDown stops accepting keys; Get returns shutdown once the queue is empty.
func (q *Queue[K]) ShutDown() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.shutdown()
}

func (q *Queue[K]) shutdown() {
	if q.shuttingDown {
		return
	}
	q.shuttingDown = true
	close(q.stopped)
	q.cond.Broadcast()
}

// ShutDownWithDrain shuts down and waits until every key being processed
// is Done.
func (q *Queue[K]) ShutDownWithDrain() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.shutdown()
	for len(q.processing) > 0 {
		q.cond.Wait()
	}
}

// ShuttingDown reports whether ShutDown was called.
func (q *Queue[K]) ShuttingDown() bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.shuttingDown
}

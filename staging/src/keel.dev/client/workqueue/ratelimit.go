package workqueue

import (
	"math"
	"sync"
	"time"

	"keel.dev/client/clock"
	"keel.dev/client/util/flowcontrol"
)

// RateLimiter decides how long a key waits before it is retried.
type RateLimiter[K comparable] interface {
	// When returns the delay of the key's next retry and counts the retry.
	When(key K) time.Duration
	// Forget clears the key's retry history.
	Forget(key K)
	// NumRequeues returns how many retries the key has had.
	NumRequeues(key K) int
}

// ExponentialLimiter waits base·2^n for the n-th retry of a key, capped at max.
type ExponentialLimiter[K comparable] struct {
	mu       sync.Mutex
	failures map[K]int
	base     time.Duration
	max      time.Duration
}

// NewExponentialLimiter returns a per-key exponential back-off.
func NewExponentialLimiter[K comparable](base, max time.Duration) *ExponentialLimiter[K] {
	return &ExponentialLimiter[K]{failures: map[K]int{}, base: base, max: max}
}

// When returns base·2^n and counts the retry.
func (r *ExponentialLimiter[K]) When(key K) time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := r.failures[key]
	r.failures[key] = n + 1
	d := float64(r.base) * math.Pow(2, float64(n))
	if d > float64(r.max) || math.IsInf(d, 0) {
		return r.max
	}
	return time.Duration(d)
}

// Forget clears the key.
func (r *ExponentialLimiter[K]) Forget(key K) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.failures, key)
}

// NumRequeues returns the key's retries.
func (r *ExponentialLimiter[K]) NumRequeues(key K) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.failures[key]
}

// BucketLimiter spaces all retries through one token bucket.
type BucketLimiter[K comparable] struct {
	bucket *flowcontrol.TokenBucket
}

// NewBucketLimiter returns an overall limiter of qps with burst.
func NewBucketLimiter[K comparable](qps float64, burst int, c clock.Clock) *BucketLimiter[K] {
	return &BucketLimiter[K]{bucket: flowcontrol.NewTokenBucket(qps, burst, flowcontrol.WithClock(c))}
}

// When reserves a token and returns the wait for it.
func (r *BucketLimiter[K]) When(K) time.Duration { return r.bucket.Reserve() }

// Forget does nothing.
func (r *BucketLimiter[K]) Forget(K) {}

// NumRequeues is always 0.
func (r *BucketLimiter[K]) NumRequeues(K) int { return 0 }

// MaxOf is the longest delay of several limiters.
type MaxOf[K comparable] []RateLimiter[K]

// When returns the longest delay.
func (m MaxOf[K]) When(key K) time.Duration {
	var d time.Duration
	for _, l := range m {
		d = max(d, l.When(key))
	}
	return d
}

// Forget forgets the key in every limiter.
func (m MaxOf[K]) Forget(key K) {
	for _, l := range m {
		l.Forget(key)
	}
}

// NumRequeues returns the largest count.
func (m MaxOf[K]) NumRequeues(key K) int {
	n := 0
	for _, l := range m {
		n = max(n, l.NumRequeues(key))
	}
	return n
}

// DefaultRateLimiter is the controller default: per-key 5 ms doubling to
// 1000 s, and overall 10 qps with a burst of 100.
func DefaultRateLimiter[K comparable](c clock.Clock) RateLimiter[K] {
	return MaxOf[K]{NewExponentialLimiter[K](5*time.Millisecond, 1000*time.Second), NewBucketLimiter[K](10, 100, c)}
}

package flowcontrol

import (
	"context"
	"sync"
	"time"

	"keel.dev/client/clock"
)

// RateLimiter throttles requests.
type RateLimiter interface {
	// TryAccept takes a token if one is available now.
	TryAccept() bool
	// Wait blocks until a token is available or ctx is done.
	Wait(ctx context.Context) error
	// QPS returns the refill rate.
	QPS() float64
}

// TokenBucket is a token bucket of burst tokens refilled at qps per second.
// A bucket with qps <= 0 never throttles.
type TokenBucket struct {
	mu     sync.Mutex
	clock  clock.Clock
	qps    float64
	burst  float64
	tokens float64
	last   time.Time
	waits  int
}

var _ RateLimiter = (*TokenBucket)(nil)

// Option configures a TokenBucket.
type Option func(*TokenBucket)

// WithClock sets the bucket's clock.
func WithClock(c clock.Clock) Option { return func(b *TokenBucket) { b.clock = c } }

// NewTokenBucket returns a full bucket of burst tokens refilled at qps.
func NewTokenBucket(qps float64, burst int, opts ...Option) *TokenBucket {
	if burst < 1 {
		burst = 1
	}
	b := &TokenBucket{clock: clock.Real{}, qps: qps, burst: float64(burst), tokens: float64(burst)}
	for _, o := range opts {
		o(b)
	}
	b.last = b.clock.Now()
	return b
}

// refill adds the tokens earned since the last call; b.mu must be held.
func (b *TokenBucket) refill(now time.Time) {
	if el := now.Sub(b.last); el > 0 {
		b.tokens += el.Seconds() * b.qps
		if b.tokens > b.burst {
			b.tokens = b.burst
		}
		b.last = now
	}
}

// TryAccept takes a token if one is available now.
func (b *TokenBucket) TryAccept() bool {
	if b.qps <= 0 {
		return true
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.refill(b.clock.Now())
	if b.tokens >= 1 {
		b.tokens--
		return true
	}
	return false
}

// Reserve takes a token, going into debt if none is available, and returns
// how long the caller must wait before using it.
func (b *TokenBucket) Reserve() time.Duration {
	if b.qps <= 0 {
		return 0
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.refill(b.clock.Now())
	b.tokens--
	if b.tokens >= 0 {
		return 0
	}
	b.waits++
	return time.Duration(-b.tokens / b.qps * float64(time.Second))
}

// cancel returns a reserved token.
func (b *TokenBucket) cancel() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.tokens++
	if b.tokens > b.burst {
		b.tokens = b.burst
	}
}

// Wait blocks until a token is available or ctx is done.
func (b *TokenBucket) Wait(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	d := b.Reserve()
	if d <= 0 {
		return nil
	}
	t := b.clock.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C():
		return nil
	case <-ctx.Done():
		b.cancel()
		return ctx.Err()
	}
}

// QPS returns the refill rate.
func (b *TokenBucket) QPS() float64 { return b.qps }

// Waits returns how many reservations had to wait for a token.
func (b *TokenBucket) Waits() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.waits
}

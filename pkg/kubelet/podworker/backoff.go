package podworker

import (
	"sync"
	"time"

	"keel.dev/keel/pkg/kubelet/clock"
)

// Backoff tracks an exponential delay per key: it starts at Initial,
// doubles on every Next and stops growing at Max.
type Backoff struct {
	Initial, Max time.Duration
	Clock        clock.Clock

	mu      sync.Mutex
	entries map[string]*backoffEntry
}

type backoffEntry struct {
	delay      time.Duration
	lastUpdate time.Time
}

// NewBackoff returns a Backoff from initial to max.
func NewBackoff(initial, max time.Duration, clk clock.Clock) *Backoff {
	return &Backoff{Initial: initial, Max: max, Clock: clk, entries: map[string]*backoffEntry{}}
}

// Get returns the current delay of key (0 when none).
func (b *Backoff) Get(key string) time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	if e := b.entries[key]; e != nil {
		return e.delay
	}
	return 0
}

// Next records an event for key at eventTime: the delay starts at Initial,
// or doubles up to Max; an entry idle for twice Max starts over.
func (b *Backoff) Next(key string, eventTime time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	e := b.entries[key]
	if e == nil || eventTime.Sub(e.lastUpdate) > 2*b.Max {
		b.entries[key] = &backoffEntry{delay: b.Initial, lastUpdate: b.Clock.Now()}
		return
	}
	e.delay *= 2
	if e.delay > b.Max {
		e.delay = b.Max
	}
	e.lastUpdate = b.Clock.Now()
}

// InBackoffSince reports whether less than key's delay has passed since eventTime.
func (b *Backoff) InBackoffSince(key string, eventTime time.Time) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	e := b.entries[key]
	if e == nil {
		return false
	}
	return b.Clock.Now().Sub(eventTime) < e.delay
}

// Reset forgets key.
func (b *Backoff) Reset(key string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	delete(b.entries, key)
}

// InBackoffSinceUpdate reports whether less than key's delay has passed since its last Next.
func (b *Backoff) InBackoffSinceUpdate(key string) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	e := b.entries[key]
	if e == nil {
		return false
	}
	return b.Clock.Now().Sub(e.lastUpdate) < e.delay
}

// Package expectations counts, per controller key, the creations and
// deletions a sync has issued but the informer cache has not yet shown, so
// that the next sync does not act again on a stale cache. Entries expire
// after a timeout so that a lost watch event cannot block a key forever.
package expectations

import (
	"sync"
	"time"

	"keel.dev/client/clock"
)

// DefaultTimeout is how long unmet expectations hold a key back.
const DefaultTimeout = 5 * time.Minute

type entry struct {
	adds, dels int
	at         time.Time
}

// Counts is safe for concurrent use.
type Counts struct {
	clock   clock.Clock
	timeout time.Duration

	mu sync.Mutex
	m  map[string]*entry
}

// New returns empty counts on clk (nil: the real clock) expiring after
// timeout (0: DefaultTimeout).
func New(clk clock.Clock, timeout time.Duration) *Counts {
	if clk == nil {
		clk = clock.Real{}
	}
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	return &Counts{clock: clk, timeout: timeout, m: map[string]*entry{}}
}

// Expect records that a sync of key issued adds creations and dels deletions.
func (c *Counts) Expect(key string, adds, dels int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m[key] = &entry{adds: adds, dels: dels, at: c.clock.Now()}
}

// Observe adjusts key's counts: -1 for a creation or deletion seen (or
// one that failed and will never be seen).
func (c *Counts) Observe(key string, adds, dels int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e := c.m[key]; e != nil {
		e.adds += adds
		e.dels += dels
	}
}

// Satisfied reports whether the cache has seen every write of key's last
// sync, or the expectations expired.
func (c *Counts) Satisfied(key string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.m[key]
	return e == nil || (e.adds <= 0 && e.dels <= 0) || c.clock.Since(e.at) > c.timeout
}

// Forget drops key (its object was deleted).
func (c *Counts) Forget(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.m, key)
}

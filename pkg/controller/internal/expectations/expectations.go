// Package expectations counts, per controller key, the creations and
// deletions a sync has issued but the informer cache has not yet shown, so
// that the next sync does not act again on a stale cache. Entries expire
// after a timeout so that a lost watch event cannot block a key forever.
// Deletions may be counted, or tracked by the name of each object deleted
// when the same deletion can be observed more than once.
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
	// deleting holds the names of objects whose deletion is awaited.
	deleting map[string]struct{}
	at       time.Time
}

// met reports whether every expected write was seen.
func (e *entry) met() bool { return e.adds <= 0 && e.dels <= 0 && len(e.deleting) == 0 }

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
	return e == nil || e.met() || c.clock.Since(e.at) > c.timeout
}

// ExpectDeletionsOf records that a sync of key issued no creation and the
// deletion of the objects named. Unlike a count, each name is observed at
// most once, so a deletion seen twice (a graceful deletion's update, then
// its delete event) does not stand in for another one still unseen.
func (c *Counts) ExpectDeletionsOf(key string, names []string) {
	d := make(map[string]struct{}, len(names))
	for _, n := range names {
		d[n] = struct{}{}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m[key] = &entry{deleting: d, at: c.clock.Now()}
}

// ObserveDeletionOf marks the deletion of the object named seen (or failed,
// so that it will never be seen); a name not awaited is ignored.
func (c *Counts) ObserveDeletionOf(key, name string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e := c.m[key]; e != nil {
		delete(e.deleting, name)
	}
}

// Pending returns the creations and deletions of key not yet seen,
// expired or not.
func (c *Counts) Pending(key string) (adds, dels int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.m[key]
	if e == nil {
		return 0, 0
	}
	return max(e.adds, 0), max(e.dels, 0) + len(e.deleting)
}

// Forget drops key (its object was deleted).
func (c *Counts) Forget(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.m, key)
}

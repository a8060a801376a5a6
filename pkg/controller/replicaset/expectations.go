package replicaset

import (
	"sync"
	"time"

	"keel.dev/client/clock"
)

// ExpectationsTimeout is how long unobserved expectations block a sync.
const ExpectationsTimeout = 5 * time.Minute

// expectation is what one owner waits for.
type expectation struct {
	adds    int
	deletes map[string]struct{}
	at      time.Time
}

// Expectations tracks pod creations and deletions in flight per owner key.
type Expectations struct {
	mu    sync.Mutex
	clock clock.Clock
	m     map[string]*expectation
}

// NewExpectations returns an empty tracker.
func NewExpectations(c clock.Clock) *Expectations {
	return &Expectations{clock: c, m: map[string]*expectation{}}
}

// Satisfied reports whether key may be scaled: nothing is outstanding, or
// the outstanding expectations have expired.
func (e *Expectations) Satisfied(key string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	x, ok := e.m[key]
	if !ok {
		return true
	}
	if x.adds <= 0 && len(x.deletes) == 0 {
		return true
	}
	return e.clock.Since(x.at) > ExpectationsTimeout
}

// ExpectCreations replaces key's expectations with n creations.
func (e *Expectations) ExpectCreations(key string, n int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.m[key] = &expectation{adds: n, deletes: map[string]struct{}{}, at: e.clock.Now()}
}

// ExpectDeletions replaces key's expectations with the deletion of pods.
func (e *Expectations) ExpectDeletions(key string, pods []string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	d := make(map[string]struct{}, len(pods))
	for _, p := range pods {
		d[p] = struct{}{}
	}
	e.m[key] = &expectation{deletes: d, at: e.clock.Now()}
}

// CreationObserved lowers key's outstanding creations by one.
func (e *Expectations) CreationObserved(key string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if x, ok := e.m[key]; ok && x.adds > 0 {
		x.adds--
	}
}

// DeletionObserved marks the deletion of pod (a namespace/name key) seen.
func (e *Expectations) DeletionObserved(key, pod string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if x, ok := e.m[key]; ok {
		delete(x.deletes, pod)
	}
}

// Delete forgets key.
func (e *Expectations) Delete(key string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	delete(e.m, key)
}

// pending returns the outstanding creations and deletions of key, for tests.
func (e *Expectations) pending(key string) (adds, deletes int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if x, ok := e.m[key]; ok {
		return x.adds, len(x.deletes)
	}
	return 0, 0
}

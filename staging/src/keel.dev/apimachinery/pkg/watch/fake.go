package watch

import (
	"sync"

	"keel.dev/apimachinery/pkg/runtime"
)

// FakeWatcher is an Interface driven by hand, for tests. Its sends block until
// the event is received, unless it was built with a buffer.
type FakeWatcher struct {
	result  chan Event
	mu      sync.Mutex
	stopped bool
}

var _ Interface = (*FakeWatcher)(nil)

// NewFake returns a FakeWatcher with an unbuffered result channel.
func NewFake() *FakeWatcher { return &FakeWatcher{result: make(chan Event)} }

// NewFakeWithChanSize returns a FakeWatcher whose result channel holds size events.
func NewFakeWithChanSize(size int) *FakeWatcher {
	return &FakeWatcher{result: make(chan Event, size)}
}

// Stop closes the result channel once.
func (f *FakeWatcher) Stop() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.stopped {
		f.stopped = true
		close(f.result)
	}
}

// IsStopped reports whether Stop was called.
func (f *FakeWatcher) IsStopped() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.stopped
}

// ResultChan implements Interface.
func (f *FakeWatcher) ResultChan() <-chan Event { return f.result }

// Add sends an Added event.
func (f *FakeWatcher) Add(obj runtime.Object) { f.Action(Added, obj) }

// Modify sends a Modified event.
func (f *FakeWatcher) Modify(obj runtime.Object) { f.Action(Modified, obj) }

// Delete sends a Deleted event.
func (f *FakeWatcher) Delete(obj runtime.Object) { f.Action(Deleted, obj) }

// Error sends an Error event.
func (f *FakeWatcher) Error(obj runtime.Object) { f.Action(Error, obj) }

// Action sends an event of any type. It must not be called after Stop.
func (f *FakeWatcher) Action(t EventType, obj runtime.Object) {
	f.result <- Event{Type: t, Object: obj}
}

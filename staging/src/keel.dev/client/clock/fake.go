package clock

import (
	"sync"
	"time"
)

// Fake is a clock that moves only when Step or SetTime is called. Timers
// fire when the fake time reaches their deadline.
type Fake struct {
	mu      sync.Mutex
	now     time.Time
	waiters []*fakeTimer
	cond    *sync.Cond
}

var _ Clock = (*Fake)(nil)

// NewFake returns a fake clock set to t.
func NewFake(t time.Time) *Fake {
	f := &Fake{now: t}
	f.cond = sync.NewCond(&f.mu)
	return f
}

// Now returns the fake time.
func (f *Fake) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

// Since returns the fake time elapsed since t.
func (f *Fake) Since(t time.Time) time.Duration { return f.Now().Sub(t) }

// After returns a channel that receives once the fake time passes d.
func (f *Fake) After(d time.Duration) <-chan time.Time { return f.NewTimer(d).C() }

// NewTimer returns a timer of the fake clock.
func (f *Fake) NewTimer(d time.Duration) Timer {
	f.mu.Lock()
	defer f.mu.Unlock()
	t := &fakeTimer{clock: f, ch: make(chan time.Time, 1)}
	f.arm(t, d)
	return t
}

// arm schedules t; f.mu must be held.
func (f *Fake) arm(t *fakeTimer, d time.Duration) {
	t.deadline = f.now.Add(d)
	if d <= 0 {
		t.fire(f.now)
		return
	}
	t.active = true
	f.waiters = append(f.waiters, t)
	f.cond.Broadcast()
}

// Step advances the fake time by d, firing the timers that came due.
func (f *Fake) Step(d time.Duration) { f.SetTime(f.Now().Add(d)) }

// SetTime sets the fake time, firing the timers that came due.
func (f *Fake) SetTime(t time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now = t
	kept := f.waiters[:0]
	for _, w := range f.waiters {
		if !w.deadline.After(t) {
			w.active = false
			w.fire(t)
			continue
		}
		kept = append(kept, w)
	}
	f.waiters = kept
}

// Waiters returns the number of armed timers.
func (f *Fake) Waiters() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.waiters)
}

// BlockUntil waits until at least n timers are armed.
func (f *Fake) BlockUntil(n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for len(f.waiters) < n {
		f.cond.Wait()
	}
}

type fakeTimer struct {
	clock    *Fake
	ch       chan time.Time
	deadline time.Time
	active   bool
}

func (t *fakeTimer) fire(now time.Time) {
	select {
	case t.ch <- now:
	default:
	}
}

func (t *fakeTimer) C() <-chan time.Time { return t.ch }

func (t *fakeTimer) Stop() bool {
	f := t.clock
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.remove(t)
}

func (f *Fake) remove(t *fakeTimer) bool {
	was := t.active
	t.active = false
	for i, w := range f.waiters {
		if w == t {
			f.waiters = append(f.waiters[:i], f.waiters[i+1:]...)
			break
		}
	}
	return was
}

func (t *fakeTimer) Reset(d time.Duration) bool {
	f := t.clock
	f.mu.Lock()
	defer f.mu.Unlock()
	was := f.remove(t)
	f.arm(t, d)
	return was
}

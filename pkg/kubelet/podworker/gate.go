package podworker

import (
	"context"
	"time"

	"keel.dev/keel/pkg/kubelet/clock"
)

// startGate bounds how many pods create their sandbox and first containers
// at the same time. Sandbox creation is the costliest runtime call (a
// network namespace, CNI plugins, a shim and runc); when dozens of pods
// arrive together, running them all at once makes every one of them wait
// for the whole batch, while a few at a time lets the early ones finish
// early and the batch as a whole no later. A pod that has waited maxWait
// goes ahead anyway, so a runtime call that hangs cannot starve the others.
type startGate struct {
	slots   chan struct{}
	maxWait time.Duration
	clock   clock.Clock
}

func newStartGate(n int, maxWait time.Duration, c clock.Clock) *startGate {
	return &startGate{slots: make(chan struct{}, n), maxWait: maxWait, clock: c}
}

// acquire waits for a slot (waiters are served in arrival order) and returns
// the function that frees it; after maxWait, or when ctx ends, it returns
// without a slot and the release does nothing.
func (g *startGate) acquire(ctx context.Context) (release func()) {
	if g == nil {
		return func() {}
	}
	select {
	case g.slots <- struct{}{}:
		return g.release
	default:
	}
	select {
	case g.slots <- struct{}{}:
		return g.release
	case <-g.clock.After(g.maxWait):
	case <-ctx.Done():
	}
	return func() {}
}

func (g *startGate) release() { <-g.slots }

// releaseStartSlot frees the start slot the worker's sync pass holds, if
// any; a pass gives it up before waits that are not runtime work (an image
// pull, a postStart hook) so that other pods need not wait for them.
func (w *Worker) releaseStartSlot() {
	if w.startSlot != nil {
		w.startSlot()
		w.startSlot = nil
	}
}

package eviction

import (
	"context"
	"errors"
	"testing"

	corev1 "keel.dev/api/core/v1"
)

// fakeImages frees disk by raising the available bytes of its signals.
type fakeImages struct {
	signals *fakeSignals
	frees   map[Signal]int64
	err     error
	calls   int
}

func (f *fakeImages) DeleteUnusedImages(context.Context) (int64, error) {
	f.calls++
	var total int64
	for s, n := range f.frees {
		f.signals.mu.Lock()
		o := f.signals.obs[s]
		o.Available += n
		f.signals.obs[s] = o
		f.signals.mu.Unlock()
		total += n
	}
	return total, f.err
}

// dedicatedSignals are fake signals whose image filesystem may be its own.
type dedicatedSignals struct {
	*fakeSignals
	dedicated bool
}

func (d dedicatedSignals) DedicatedImageFs() bool { return d.dedicated }

func TestImageReclaimBeforeEviction(t *testing.T) {
	cases := []struct {
		name      string
		hard      string
		signal    Signal
		dedicated bool
		frees     int64
		err       error
		wantCalls int
		wantEvict bool
	}{
		{"imagefs pressure relieved by removing images evicts no pod", "imagefs.available<15%", SignalImageFsAvailable, true, 400 * mi, nil, 1, false},
		{"imagefs pressure that images cannot relieve evicts a pod", "imagefs.available<15%", SignalImageFsAvailable, true, 10 * mi, nil, 1, true},
		{"nodefs pressure removes images when they share the node filesystem", "nodefs.available<10%", SignalNodeFsAvailable, false, 400 * mi, nil, 1, false},
		{"nodefs pressure leaves images alone on a dedicated image filesystem", "nodefs.available<10%", SignalNodeFsAvailable, true, 400 * mi, nil, 0, true},
		{"inode pressure on the image filesystem removes images too", "imagefs.inodesFree<5%", SignalImageFsInodesFree, true, 400, nil, 1, false},
		{"memory pressure never removes images", "memory.available<1Gi", SignalMemoryAvailable, false, 400 * mi, nil, 0, true},
		{"a failed removal still counts what it freed", "imagefs.available<15%", SignalImageFsAvailable, true, 400 * mi, errors.New("image is locked"), 1, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			pods := []*corev1.Pod{pod("victim", 0, "")}
			h := newHarness(t, c.hard, "", "", pods, fakeStats{})
			switch c.signal {
			case SignalMemoryAvailable:
				h.signals.set(c.signal, 100*mi, 16000*mi)
			case SignalImageFsInodesFree:
				h.signals.set(c.signal, 10, 1000)
			default:
				h.signals.set(c.signal, 50*mi, 1000*mi)
			}
			imgs := &fakeImages{signals: h.signals, frees: map[Signal]int64{c.signal: c.frees}, err: c.err}
			h.m.cfg.Images = imgs
			h.m.cfg.Signals = dedicatedSignals{h.signals, c.dedicated}
			got := h.sync(t)
			if imgs.calls != c.wantCalls {
				t.Errorf("DeleteUnusedImages called %d times, want %d", imgs.calls, c.wantCalls)
			}
			if (got != nil) != c.wantEvict {
				t.Errorf("evicted %v, want eviction %v", got, c.wantEvict)
			}
			if len(h.rec.events) == 0 || h.rec.events[0][:len("node Warning EvictionThresholdMet")] != "node Warning EvictionThresholdMet" {
				t.Errorf("events = %q, want EvictionThresholdMet first", h.rec.events)
			}
		})
	}
}

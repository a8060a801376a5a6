package clock

import (
	"testing"
	"time"
)

func TestFakeTimersFireWhenTheClockReachesThem(t *testing.T) {
	f := NewFake(time.Unix(0, 0))
	t1 := f.NewTimer(time.Second)
	t2 := f.NewTimer(3 * time.Second)
	stopped := f.NewTimer(time.Second)
	if !stopped.Stop() {
		t.Fatal("Stop of an armed timer reported inactive")
	}
	cases := []struct {
		name       string
		step       time.Duration
		t1, t2     bool
		waitersNow int
	}{
		{"nothing fires before its deadline", 999 * time.Millisecond, false, false, 2},
		{"the first timer fires at its deadline", time.Millisecond, true, false, 1},
		{"the second fires later", 2 * time.Second, false, true, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f.Step(tc.step)
			if got := fired(t1.C()); got != tc.t1 {
				t.Errorf("t1 fired = %v", got)
			}
			if got := fired(t2.C()); got != tc.t2 {
				t.Errorf("t2 fired = %v", got)
			}
			if f.Waiters() != tc.waitersNow {
				t.Errorf("waiters = %d, want %d", f.Waiters(), tc.waitersNow)
			}
		})
	}
	if fired(stopped.C()) {
		t.Error("a stopped timer fired")
	}
	t1.Reset(time.Second)
	f.Step(time.Second)
	if !fired(t1.C()) {
		t.Error("a reset timer did not fire")
	}
}

func fired(c <-chan time.Time) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}

func TestSleepReturnsEarlyWhenDone(t *testing.T) {
	f := NewFake(time.Unix(0, 0))
	done := make(chan struct{})
	close(done)
	if Sleep(f, time.Hour, done) {
		t.Error("Sleep reported the full duration after done")
	}
	if !Sleep(f, 0, nil) {
		t.Error("a zero sleep did not complete")
	}
}

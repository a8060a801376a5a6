package clock

import (
	"testing"
	"time"
)

func TestFakeAfterFiresOnlyOnceDue(t *testing.T) {
	f := NewFake(time.Unix(100, 0))
	ch := f.After(10 * time.Second)
	f.Advance(9 * time.Second)
	select {
	case <-ch:
		t.Fatal("timer fired early")
	default:
	}
	f.Advance(time.Second)
	select {
	case got := <-ch:
		if !got.Equal(time.Unix(110, 0)) {
			t.Errorf("fired at %v", got)
		}
	default:
		t.Fatal("timer did not fire when due")
	}
	if f.Waiters() != 0 {
		t.Errorf("waiters = %d", f.Waiters())
	}
}

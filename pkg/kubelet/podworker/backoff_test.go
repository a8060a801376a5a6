package podworker

import (
	"testing"
	"time"

	"keel.dev/keel/pkg/kubelet/clock"
)

func TestBackoffDoublesCapsAndExpires(t *testing.T) {
	clk := clock.NewFake(time.Unix(0, 0))
	b := NewBackoff(10*time.Second, time.Minute, clk)
	var got []time.Duration
	for i := 0; i < 5; i++ {
		b.Next("k", clk.Now())
		got = append(got, b.Get("k"))
	}
	want := []time.Duration{10 * time.Second, 20 * time.Second, 40 * time.Second, time.Minute, time.Minute}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("delays = %v, want %v", got, want)
		}
	}
	ev := clk.Now()
	clk.Advance(59 * time.Second)
	if !b.InBackoffSince("k", ev) {
		t.Errorf("not in back-off 59s into a 1m delay")
	}
	clk.Advance(time.Second)
	if b.InBackoffSince("k", ev) {
		t.Errorf("still in back-off after the delay")
	}
	clk.Advance(3 * time.Minute)
	b.Next("k", clk.Now())
	if b.Get("k") != 10*time.Second {
		t.Errorf("an idle entry did not start over: %s", b.Get("k"))
	}
}

package expectations

import (
	"testing"
	"time"

	"keel.dev/client/clock"
)

func TestCounts(t *testing.T) {
	clk := clock.NewFake(time.Unix(1700000000, 0))
	c := New(clk, time.Minute)
	if !c.Satisfied("a") {
		t.Fatal("a key without expectations is not satisfied")
	}
	c.Expect("a", 2, 1)
	c.Observe("a", -1, 0)
	c.Observe("a", 0, -1)
	if c.Satisfied("a") {
		t.Fatal("satisfied with one creation still unseen")
	}
	c.Observe("a", -1, 0)
	if !c.Satisfied("a") {
		t.Fatal("not satisfied after every write was seen")
	}
	c.Expect("b", 1, 0)
	clk.Step(61 * time.Second)
	if !c.Satisfied("b") {
		t.Error("expectations did not expire after the timeout")
	}
	c.Expect("c", 1, 0)
	c.Forget("c")
	if !c.Satisfied("c") {
		t.Error("a forgotten key is still held back")
	}
	c.Observe("d", -1, 0) // no expectations: ignored
	if !c.Satisfied("d") {
		t.Error("observing an unknown key created expectations")
	}
}

func TestDeletionsByName(t *testing.T) {
	tests := []struct {
		name      string
		observed  []string
		satisfied bool
		pending   int
	}{
		{"nothing seen holds the key back", nil, false, 2},
		{"one deletion seen twice does not count for the other", []string{"ns/a", "ns/a"}, false, 1},
		{"an unexpected name changes nothing", []string{"ns/z"}, false, 2},
		{"both deletions seen satisfy the key", []string{"ns/b", "ns/a"}, true, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := clock.NewFake(time.Unix(1700000000, 0))
			c := New(clk, time.Minute)
			c.Expect("k", 3, 0) // replaced by the deletions below
			c.ExpectDeletionsOf("k", []string{"ns/a", "ns/b"})
			for _, n := range tt.observed {
				c.ObserveDeletionOf("k", n)
			}
			if got := c.Satisfied("k"); got != tt.satisfied {
				t.Errorf("Satisfied = %v, want %v", got, tt.satisfied)
			}
			if adds, dels := c.Pending("k"); adds != 0 || dels != tt.pending {
				t.Errorf("Pending = %d adds, %d deletions; want 0, %d", adds, dels, tt.pending)
			}
			clk.Step(61 * time.Second)
			if !c.Satisfied("k") {
				t.Error("named deletions did not expire after the timeout")
			}
		})
	}
}

func TestPendingNeverNegative(t *testing.T) {
	c := New(nil, 0)
	c.Expect("k", 1, 1)
	c.Observe("k", -2, -3) // more seen than expected
	if adds, dels := c.Pending("k"); adds != 0 || dels != 0 {
		t.Errorf("Pending = %d, %d; want 0, 0", adds, dels)
	}
	if adds, dels := c.Pending("unknown"); adds != 0 || dels != 0 {
		t.Errorf("Pending of an unknown key = %d, %d; want 0, 0", adds, dels)
	}
}

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

package podautoscaler

import (
	"context"
	"testing"
	"time"

	"keel.dev/client/clock"
	"keel.dev/client/fake"
	"keel.dev/client/informers"
)

// TestRunReevaluatesEverySyncPeriod checks that an autoscaler whose object
// does not change is evaluated again once per sync period, since its input
// (pod metrics) arrives without watch events.
func TestRunReevaluatesEverySyncPeriod(t *testing.T) {
	clk := clock.NewFake(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	objs := append(pods(2), deployment(2), hpa(1, 10, 50, nil))
	cs := fake.NewClientset(objs...)
	f := informers.NewFactory(cs.Clientset, 0)
	c := New(cs.Clientset, f, Options{Metrics: fakeMetrics{cpu: "50m"}, Clock: clk, SyncPeriod: time.Minute})
	ctx, cancel := context.WithCancel(context.Background())
	defer f.Shutdown()
	f.Start(ctx)
	done := make(chan error, 1)
	go func() { done <- c.Run(ctx, 1) }()
	evaluations := func() int {
		n := 0
		for _, a := range cs.Actions() {
			if a.Matches("get", "deployments") && a.Subresource == "scale" {
				n++
			}
		}
		return n
	}
	waitFor := func(what string, cond func() bool) {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(5 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s", what)
			}
		}
	}
	waitFor("the first evaluation", func() bool { return evaluations() >= 1 })
	for round := 2; round <= 3; round++ {
		clk.BlockUntil(1) // the resync timer is armed
		if n := evaluations(); n != round-1 {
			t.Fatalf("%d evaluations before sync period %d passed, want %d", n, round-1, round-1)
		}
		clk.Step(time.Minute)
		waitFor("the evaluation after a sync period", func() bool { return evaluations() >= round })
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run = %v", err)
	}
}

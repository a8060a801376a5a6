package flowcontrol

import (
	"context"
	"testing"
	"time"

	"keel.dev/client/clock"
)

func TestTokenBucketRefillsAtQPS(t *testing.T) {
	fc := clock.NewFake(time.Unix(0, 0))
	b := NewTokenBucket(2, 3, WithClock(fc))
	cases := []struct {
		name string
		step time.Duration
		want bool
	}{
		{"the first burst token is free", 0, true},
		{"the second burst token is free", 0, true},
		{"the third burst token is free", 0, true},
		{"an empty bucket refuses", 0, false},
		{"half a second refills one token at 2 qps", 500 * time.Millisecond, true},
		{"and only one", 0, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fc.Step(tc.step)
			if got := b.TryAccept(); got != tc.want {
				t.Errorf("TryAccept = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestWaitBlocksUntilATokenAndCancels(t *testing.T) {
	fc := clock.NewFake(time.Unix(0, 0))
	b := NewTokenBucket(1, 1, WithClock(fc))
	if err := b.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.Wait(ctx) }()
	fc.BlockUntil(1)
	cancel()
	if err := <-done; err == nil {
		t.Fatal("cancelled Wait returned nil")
	}
	// The cancelled reservation was returned, so one second later a token is free.
	fc.Step(time.Second)
	if !b.TryAccept() {
		t.Error("token not refilled after the cancelled wait")
	}
}

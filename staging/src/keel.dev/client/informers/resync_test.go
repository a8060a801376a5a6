package informers

import (
	"context"
	"slices"
	"testing"
	"time"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/client/clock"
)

func TestResyncRedeliversCachedObjectsAsUpdates(t *testing.T) {
	lw := newScriptedLW()
	lw.lists = []listResult{{items: []*corev1.Pod{pod("ns", "a", "1")}, rv: "1"}}
	fc := clock.NewFake(time.Unix(0, 0))
	inf := NewInformer[*corev1.Pod](lw, podsGR, time.Minute, WithInformerClock(fc))
	rec := &recorder{}
	inf.AddEventHandler(rec)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go inf.Run(ctx)
	<-lw.watchCalled
	eventually(t, "the initial add", func() bool { return len(rec.snapshot()) == 1 })
	fc.BlockUntil(1) // the resync timer
	fc.Step(time.Minute)
	eventually(t, "the resync", func() bool { return len(rec.snapshot()) == 2 })
	if got := rec.snapshot(); !slices.Equal(got, []string{"add a@1 initial=true", "update a@1->1"}) {
		t.Errorf("handler saw %q", got)
	}
}

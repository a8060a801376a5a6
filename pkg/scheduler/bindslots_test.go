package scheduler

import (
	"context"
	"fmt"
	"testing"
	"time"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/keel/pkg/scheduler/framework"
	st "keel.dev/keel/pkg/scheduler/internal/testing"
)

// gatedBinder blocks every Bind until the test lets it through.
type gatedBinder struct {
	entered chan string
	gate    chan struct{}
}

func (b *gatedBinder) Bind(_ context.Context, pod *corev1.Pod, _ string) error {
	b.entered <- pod.Name
	<-b.gate
	return nil
}

func TestBindingsInFlightAreBounded(t *testing.T) {
	cases := []struct {
		name  string
		limit int
	}{
		{"with one slot a second pod waits for the first binding", 1},
		{"with three slots a fourth pod waits for one of the first three", 3},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b := &gatedBinder{entered: make(chan string, tc.limit+1), gate: make(chan struct{})}
			f := newFakeCluster()
			s, err := New(context.Background(), Options{
				Binder: framework.BinderFunc(b.Bind), Evictor: f, Status: f, Recorder: f, Clock: clock,
				MaxInFlightBindings: tc.limit,
			})
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			s.OnNodeAdd(ctx, st.MakeNode("n1").Capacity("64", "64Gi").Obj())
			for i := range tc.limit + 1 {
				s.OnPodAdd(ctx, st.MakePod(fmt.Sprintf("p%d", i)).Req("100m", "").Obj())
			}
			for range tc.limit {
				s.ScheduleOne(ctx)
				<-b.entered
			}
			// Every slot is taken by a binding stuck in Bind: the next pod's
			// cycle gives up when its context ends instead of binding, and
			// its assumed copy is forgotten.
			short, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
			extra := s.ScheduleOne(short)
			cancel()
			if extra == nil {
				t.Fatal("no pod was attempted")
			}
			if got := s.Cache.PodCount(); got != tc.limit {
				t.Fatalf("cache holds %d pods, want the %d whose bindings run", got, tc.limit)
			}
			if len(b.entered) != 0 {
				t.Fatalf("pod %s reached the binder past the limit", <-b.entered)
			}
			for range tc.limit {
				b.gate <- struct{}{}
			}
			s.WaitForBindings()
			if got := len(s.bindSlots); got != 0 {
				t.Fatalf("%d slots still taken after every binding finished", got)
			}
			// The pod that gave up is scheduled normally once slots are free.
			s.Queue.Add(ctx, extra)
			go func() { b.gate <- struct{}{} }()
			scheduleOne(t, s)
			if got := <-b.entered; got != extra.Name {
				t.Fatalf("binder got %s, want %s", got, extra.Name)
			}
		})
	}
}

package scheduler

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/keel/pkg/scheduler/apis/config"
	"keel.dev/keel/pkg/scheduler/framework"
	st "keel.dev/keel/pkg/scheduler/internal/testing"
)

// reserveCounter is an out-of-tree Reserve plugin counting its calls.
type reserveCounter struct{ reserved, unreserved atomic.Int32 }

func (r *reserveCounter) Name() string { return "ReserveCounter" }
func (r *reserveCounter) Reserve(context.Context, *framework.CycleState, *corev1.Pod, string) *framework.Status {
	r.reserved.Add(1)
	return nil
}
func (r *reserveCounter) Unreserve(context.Context, *framework.CycleState, *corev1.Pod, string) {
	r.unreserved.Add(1)
}

var _ framework.ReservePlugin = (*reserveCounter)(nil)

func TestBindFailureRunsUnreserveOfOutOfTreePlugin(t *testing.T) {
	rc := &reserveCounter{}
	f := newFakeCluster()
	cfg := &config.KubeSchedulerConfiguration{Profiles: []config.Profile{{Plugins: &config.Plugins{
		MultiPoint: config.PluginSet{Enabled: []config.Plugin{{Name: "ReserveCounter"}}},
	}}}}
	s, err := New(context.Background(), Options{
		Config: cfg, Binder: f, Status: f, Recorder: f, Clock: clock,
		OutOfTree: framework.Registry{"ReserveCounter": func(context.Context, any, framework.Handle) (framework.Plugin, error) { return rc, nil }},
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	s.OnNodeAdd(ctx, st.MakeNode("n1").Capacity("2", "4Gi").Obj())
	f.failBind["p"] = true
	s.OnPodAdd(ctx, st.MakePod("p").Obj())
	scheduleOne(t, s)
	if rc.reserved.Load() != 1 || rc.unreserved.Load() != 1 {
		t.Fatalf("reserve %d unreserve %d, want 1 and 1", rc.reserved.Load(), rc.unreserved.Load())
	}
	f.failBind["p"] = false
	clock.Step(time.Minute)
	s.Queue.FlushBackoffQCompleted()
	scheduleOne(t, s)
	if f.binding("p") != "n1" || rc.reserved.Load() != 2 || rc.unreserved.Load() != 1 {
		t.Fatalf("retry: bound to %q, reserve %d unreserve %d", f.binding("p"), rc.reserved.Load(), rc.unreserved.Load())
	}
}

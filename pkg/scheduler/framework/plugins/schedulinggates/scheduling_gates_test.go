package schedulinggates_test

import (
	"context"
	"testing"

	"keel.dev/keel/pkg/scheduler/framework"
	"keel.dev/keel/pkg/scheduler/framework/plugins/queuesort"
	"keel.dev/keel/pkg/scheduler/framework/plugins/schedulinggates"
	st "keel.dev/keel/pkg/scheduler/internal/testing"
)

func TestPreEnqueue(t *testing.T) {
	pl, _ := schedulinggates.New(context.Background(), nil, nil)
	pe := pl.(framework.PreEnqueuePlugin)
	if s := pe.PreEnqueue(context.Background(), st.MakePod("p").Obj()); !s.IsSuccess() {
		t.Fatalf("an ungated pod is admitted, got %v", s)
	}
	s := pe.PreEnqueue(context.Background(), st.MakePod("p").SchedulingGate("a").SchedulingGate("b").Obj())
	if s.Code() != framework.UnschedulableAndUnresolvable || s.Message() != "waiting for scheduling gates: [a b]" {
		t.Fatalf("got %v", s)
	}
}

func TestPrioritySort(t *testing.T) {
	pl, _ := queuesort.New(context.Background(), nil, nil)
	less := pl.(framework.QueueSortPlugin).Less
	hi := &framework.QueuedPodInfo{PodInfo: framework.NewPodInfo(st.MakePod("hi").Priority(10).Obj())}
	lo := &framework.QueuedPodInfo{PodInfo: framework.NewPodInfo(st.MakePod("lo").Priority(1).Obj())}
	if !less(hi, lo) || less(lo, hi) {
		t.Fatal("higher priority pops first")
	}
	old := &framework.QueuedPodInfo{PodInfo: lo.PodInfo}
	young := &framework.QueuedPodInfo{PodInfo: lo.PodInfo, Timestamp: old.Timestamp.Add(1)}
	if !less(old, young) {
		t.Fatal("older timestamp pops first at equal priority")
	}
}

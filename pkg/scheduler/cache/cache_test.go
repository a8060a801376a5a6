package cache

import (
	"errors"
	"testing"
	"time"

	"keel.dev/keel/pkg/scheduler/framework"
	st "keel.dev/keel/pkg/scheduler/internal/testing"
)

type fakeClock struct{ now time.Time }

func (c *fakeClock) Now() time.Time { return c.now }

func TestAssumeConfirmForgetExpire(t *testing.T) {
	clock := &fakeClock{now: time.Unix(1000, 0)}
	c := New(30*time.Second, clock)
	c.AddNode(st.MakeNode("n1").Capacity("4", "8Gi").Obj())
	pod := st.MakePod("p").Node("n1").Req("1", "").Obj()

	if err := c.AssumePod(pod); err != nil {
		t.Fatal(err)
	}
	if !c.IsAssumedPod(pod) || c.PodCount() != 1 {
		t.Fatal("assumed pod should be counted")
	}
	if err := c.AssumePod(pod); err == nil {
		t.Fatal("assuming twice must fail")
	}
	if err := c.ForgetPod(pod); err != nil || c.PodCount() != 0 {
		t.Fatalf("forget: %v count %d", err, c.PodCount())
	}
	if err := c.ForgetPod(pod); !errors.Is(err, ErrPodNotFound) {
		t.Fatalf("forgetting an unknown pod: %v", err)
	}

	_ = c.AssumePod(pod)
	c.CleanupAssumedPods()
	clock.now = clock.now.Add(time.Hour)
	c.CleanupAssumedPods()
	if !c.IsAssumedPod(pod) {
		t.Fatal("an assumed pod does not expire before its binding finished")
	}
	_ = c.FinishBinding(pod)
	clock.now = clock.now.Add(29 * time.Second)
	c.CleanupAssumedPods()
	if !c.IsAssumedPod(pod) {
		t.Fatal("expired too early")
	}
	clock.now = clock.now.Add(2 * time.Second)
	c.CleanupAssumedPods()
	if c.PodCount() != 0 {
		t.Fatal("assumed pod should expire 30s after binding finished")
	}

	_ = c.AssumePod(pod)
	_ = c.FinishBinding(pod)
	if err := c.AddPod(pod); err != nil {
		t.Fatal(err)
	}
	clock.now = clock.now.Add(time.Hour)
	c.CleanupAssumedPods()
	if c.IsAssumedPod(pod) || c.PodCount() != 1 {
		t.Fatal("a confirmed pod is no longer assumed and never expires")
	}
}

func TestConfirmedOnAnotherNodeMovesThePod(t *testing.T) {
	c := New(0, nil)
	c.AddNode(st.MakeNode("n1").Capacity("4", "8Gi").Obj())
	c.AddNode(st.MakeNode("n2").Capacity("4", "8Gi").Obj())
	_ = c.AssumePod(st.MakePod("p").Node("n1").Req("1", "").Obj())
	_ = c.AddPod(st.MakePod("p").Node("n2").Req("1", "").Obj())
	snap := framework.NewEmptySnapshot()
	if err := c.UpdateSnapshot(snap); err != nil {
		t.Fatal(err)
	}
	if snap.NodeInfoMap["n1"].Requested.MilliCPU != 0 || snap.NodeInfoMap["n2"].Requested.MilliCPU != 1000 {
		t.Fatal("the pod should be accounted on n2 only")
	}
}

func TestSnapshotIsIncrementalAndIsolated(t *testing.T) {
	c := New(0, nil)
	for _, n := range []string{"n1", "n2", "n3"} {
		c.AddNode(st.MakeNode(n).Capacity("4", "8Gi").Image("app:v1", 100).Obj())
	}
	snap := framework.NewEmptySnapshot()
	if err := c.UpdateSnapshot(snap); err != nil {
		t.Fatal(err)
	}
	if snap.NumNodes() != 3 || snap.NodeInfoMap["n1"].ImageStates["app:v1"].NumNodes != 3 {
		t.Fatalf("nodes %d", snap.NumNodes())
	}
	gen := snap.Generation
	n2 := snap.NodeInfoMap["n2"]
	n1Before := snap.NodeInfoMap["n1"]
	n1Gen := n1Before.Generation

	_ = c.AddPod(st.MakePod("p").Node("n2").Req("1", "").PodAntiAffinity("zone", "a", "b").Obj())
	if n2.Requested.MilliCPU != 0 {
		t.Fatal("the cache must not mutate the snapshot between updates")
	}
	_ = c.UpdateSnapshot(snap)
	if snap.Generation <= gen || n2.Requested.MilliCPU != 1000 || snap.NodeInfoMap["n1"].Generation != n1Gen {
		t.Fatal("only n2 should have been refreshed, in place")
	}
	if len(snap.HavePodsWithRequiredAntiAffinityList()) != 1 {
		t.Fatal("the anti-affinity list should have been rebuilt")
	}

	if err := c.RemoveNode(st.MakeNode("n3").Obj()); err != nil {
		t.Fatal(err)
	}
	_ = c.UpdateSnapshot(snap)
	if snap.NumNodes() != 2 {
		t.Fatalf("removed node still in snapshot: %d", snap.NumNodes())
	}
	if _, err := snap.Get("n3"); err == nil {
		t.Fatal("n3 should be gone")
	}
}

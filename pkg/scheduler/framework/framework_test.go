package framework_test

import (
	"testing"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/keel/pkg/scheduler/framework"
	st "keel.dev/keel/pkg/scheduler/internal/testing"
)

func TestPodRequests(t *testing.T) {
	cases := []struct {
		name    string
		pod     *corev1.Pod
		nonZero bool
		cpu     int64
		mem     int64
	}{
		{"app containers are summed", st.MakePod("p").Req("100m", "1Gi").Container("x", "200m", "1Gi").Obj(), false, 300, 2 << 30},
		{"a larger init container dominates", st.MakePod("p").Req("100m", "").InitReq("1", false).Obj(), false, 1000, 0},
		{"a smaller init container does not add", st.MakePod("p").Req("500m", "").InitReq("200m", false).Obj(), false, 500, 0},
		{"sidecars add to the app containers", st.MakePod("p").Req("500m", "").InitReq("200m", true).Obj(), false, 700, 0},
		{"an init container after a sidecar runs beside it", st.MakePod("p").Req("100m", "").InitReq("200m", true).InitReq("1", false).Obj(), false, 1200, 0},
		{"overhead is added", st.MakePod("p").Req("100m", "").Overhead("50m").Obj(), false, 150, 0},
		{"non-zero defaults fill missing requests", st.MakePod("p").Obj(), true, framework.DefaultMilliCPURequest, framework.DefaultMemoryRequest},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := framework.PodRequests(tc.pod, tc.nonZero)
			if r.MilliCPU != tc.cpu || r.Memory != tc.mem {
				t.Fatalf("got cpu %d mem %d, want %d %d", r.MilliCPU, r.Memory, tc.cpu, tc.mem)
			}
		})
	}
}

func TestNodeInfoAccounting(t *testing.T) {
	ni := framework.NewNodeInfo()
	ni.SetNode(st.MakeNode("n").Capacity("2", "4Gi").Obj())
	a := st.MakePod("a").Req("500m", "1Gi").HostPort(80).Obj()
	b := st.MakePod("b").Req("250m", "").PodAntiAffinity("zone", "app", "x").Obj()
	ni.AddPod(a)
	ni.AddPod(b)
	if ni.Requested.MilliCPU != 750 || ni.Requested.Memory != 1<<30 || len(ni.PodsWithAffinity) != 1 || len(ni.PodsWithRequiredAntiAffinity) != 1 {
		t.Fatalf("after adds: %+v", ni.Requested)
	}
	if !ni.UsedPorts.CheckConflict("", "TCP", 80) || !ni.UsedPorts.CheckConflict("10.0.0.1", "TCP", 80) || ni.UsedPorts.CheckConflict("", "UDP", 80) {
		t.Fatal("host port 80/TCP should conflict on every IP and not for UDP")
	}
	clone := ni.Clone()
	gen := ni.Generation
	if !ni.RemovePod(b) || ni.Requested.MilliCPU != 500 || len(ni.PodsWithAffinity) != 0 || ni.Generation <= gen {
		t.Fatalf("after remove: %+v gen %d", ni.Requested, ni.Generation)
	}
	if clone.Requested.MilliCPU != 750 || len(clone.Pods) != 2 {
		t.Fatal("the clone changed with the original")
	}
}

func TestStatus(t *testing.T) {
	var nilStatus *framework.Status
	if !nilStatus.IsSuccess() || nilStatus.Code() != framework.Success || nilStatus.AsError() != nil {
		t.Fatal("a nil status is success")
	}
	s := framework.NewStatus(framework.Unschedulable, "Insufficient cpu", "Insufficient memory")
	if !s.IsRejected() || s.Message() != "Insufficient cpu, Insufficient memory" || s.AsError() == nil {
		t.Fatalf("unexpected %v", s)
	}
	if framework.NewStatus(framework.Skip).AsError() != nil {
		t.Fatal("skip is not an error")
	}
}

func TestCycleStateClone(t *testing.T) {
	cs := framework.NewCycleState()
	cs.Write("k", &counter{1})
	c2 := cs.Clone()
	v, _ := framework.ReadAs[*counter](c2, "k")
	v.n = 5
	orig, _ := framework.ReadAs[*counter](cs, "k")
	if orig.n != 1 {
		t.Fatal("clone shares values")
	}
	if _, err := cs.Read("missing"); err != framework.ErrNotFound {
		t.Fatalf("want ErrNotFound, got %v", err)
	}
}

type counter struct{ n int }

func (c *counter) Clone() framework.StateData { return &counter{c.n} }

func TestFitErrorMessage(t *testing.T) {
	m := framework.NewNodeToStatus()
	m.Set("a", framework.NewStatus(framework.Unschedulable, "Insufficient cpu"))
	m.Set("b", framework.NewStatus(framework.Unschedulable, "Insufficient cpu", "Insufficient memory"))
	m.Set("c", framework.NewStatus(framework.UnschedulableAndUnresolvable, "node(s) had untolerated taint {dedicated: gpu}"))
	fe := &framework.FitError{NumAllNodes: 3, Diagnosis: framework.Diagnosis{NodeToStatus: m, PostFilterMsg: "preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."}}
	want := "0/3 nodes are available: 1 Insufficient memory, 1 node(s) had untolerated taint {dedicated: gpu}, 2 Insufficient cpu. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."
	if fe.Error() != want {
		t.Fatalf("got  %q\nwant %q", fe.Error(), want)
	}
	pre := &framework.FitError{NumAllNodes: 3, Diagnosis: framework.Diagnosis{NodeToStatus: m, PreFilterMsg: "waiting"}}
	if pre.Error() != "0/3 nodes are available: waiting." {
		t.Fatalf("prefilter message: %q", pre.Error())
	}
}

func TestClusterEventMatch(t *testing.T) {
	cases := []struct {
		name string
		reg  framework.ClusterEvent
		ev   framework.ClusterEvent
		want bool
	}{
		{"a node label update matches a registered node update", framework.ClusterEvent{Resource: framework.Node, ActionType: framework.Update}, framework.ClusterEvent{Resource: framework.Node, ActionType: framework.UpdateNodeLabel}, true},
		{"a node taint update does not match a label-only registration", framework.ClusterEvent{Resource: framework.Node, ActionType: framework.UpdateNodeLabel}, framework.ClusterEvent{Resource: framework.Node, ActionType: framework.UpdateNodeTaint}, false},
		{"a registered Pod event covers assigned pods", framework.ClusterEvent{Resource: framework.Pod, ActionType: framework.Delete}, framework.EventAssignedPodDelete, true},
		{"the wildcard matches everything", framework.ClusterEvent{Resource: framework.WildCard, ActionType: framework.All}, framework.EventNodeAdd, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.reg.Match(tc.ev); got != tc.want {
				t.Fatalf("got %v", got)
			}
		})
	}
}

package schedule

import (
	"context"
	"errors"
	"testing"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/keel/pkg/scheduler/framework"
	st "keel.dev/keel/pkg/scheduler/internal/testing"
)

// cluster is five nodes with mixed capacity, labels, taints and a cordon.
func cluster() []*corev1.Node {
	return []*corev1.Node{
		st.MakeNode("n1").Capacity("2", "4Gi").Label("zone", "a").Label("disk", "ssd").Obj(),
		st.MakeNode("n2").Capacity("2", "4Gi").Label("zone", "a").Obj(),
		st.MakeNode("n3").Capacity("4", "8Gi").Label("zone", "b").Taint("dedicated", "gpu", corev1.TaintEffectNoSchedule).Obj(),
		st.MakeNode("n4").Capacity("4", "8Gi").Label("zone", "b").Taint("dedicated", "gpu", corev1.TaintEffectNoSchedule).Obj(),
		st.MakeNode("n5").Capacity("1", "2Gi").Label("zone", "c").Unschedulable().Obj(),
	}
}

func TestScheduleOverMixedCluster(t *testing.T) {
	gpu := func(w *st.PodWrapper) *st.PodWrapper {
		return w.Toleration("dedicated", "gpu", corev1.TolerationOpEqual, corev1.TaintEffectNoSchedule)
	}
	web := st.MakePod("web-0").Label("app", "web").Node("n1").Req("100m", "").Obj()
	port80 := st.MakePod("port80").Node("n1").HostPort(80).Obj()
	cases := []struct {
		name     string
		existing []*corev1.Pod
		pod      *corev1.Pod
		hosts    []string
		err      string
	}{
		{
			name:  "a small pod lands on one of the untainted schedulable nodes",
			pod:   st.MakePod("p").Req("500m", "1Gi").Obj(),
			hosts: []string{"n1", "n2"},
		},
		{
			name: "a pod too big for the free nodes gets the aggregated message",
			pod:  st.MakePod("p").Req("3", "").Obj(),
			err:  "0/5 nodes are available: 1 node(s) were unschedulable, 2 Insufficient cpu, 2 node(s) had untolerated taint {dedicated: gpu}.",
		},
		{
			name:  "a pod tolerating the gpu taint fits the large tainted nodes",
			pod:   gpu(st.MakePod("p").Req("3", "")).Obj(),
			hosts: []string{"n3", "n4"},
		},
		{
			name:  "a nodeSelector picks the only ssd node",
			pod:   st.MakePod("p").NodeSelector("disk", "ssd").Obj(),
			hosts: []string{"n1"},
		},
		{
			name:  "spec.nodeName pins the node",
			pod:   st.MakePod("p").Obj(),
			hosts: []string{"n2"},
		},
		{
			name: "required node affinity excluding every zone fails with the affinity reason",
			pod:  st.MakePod("p").NodeAffinityIn("zone", corev1.NodeSelectorOpNotIn, "a", "b", "c").Obj(),
			err:  "0/5 nodes are available: 1 node(s) were unschedulable, 2 node(s) didn't match Pod's node affinity/selector, 2 node(s) had untolerated taint {dedicated: gpu}.",
		},
		{
			name:     "a taken host port moves the pod to the other node of its zone",
			existing: []*corev1.Pod{port80},
			pod:      st.MakePod("p").HostPort(80).NodeSelector("zone", "a").Obj(),
			hosts:    []string{"n2"},
		},
		{
			name:     "a taken host port on every candidate node is reported",
			existing: []*corev1.Pod{port80},
			pod:      st.MakePod("p").HostPort(80).NodeSelector("disk", "ssd").Obj(),
			err:      "0/5 nodes are available: 1 node(s) didn't have free ports for the requested pod ports, 1 node(s) didn't match Pod's node affinity/selector, 1 node(s) were unschedulable, 2 node(s) had untolerated taint {dedicated: gpu}.",
		},
		{
			name:     "zone anti-affinity to an existing pod excludes its zone",
			existing: []*corev1.Pod{web},
			pod:      st.MakePod("p").PodAntiAffinity("zone", "app", "web").Obj(),
			err:      "0/5 nodes are available: 1 node(s) were unschedulable, 2 node(s) didn't match pod anti-affinity rules, 2 node(s) had untolerated taint {dedicated: gpu}.",
		},
		{
			name:     "hostname affinity follows the existing pod",
			existing: []*corev1.Pod{web},
			pod:      st.MakePod("p").PodAffinity("kubernetes.io/hostname", "app", "web").Obj(),
			hosts:    []string{"n1"},
		},
		{
			name: "affinity to pods that do not exist fails unless the pod matches itself",
			pod:  st.MakePod("p").PodAffinity("zone", "app", "db").Obj(),
			err:  "0/5 nodes are available: 1 node(s) were unschedulable, 2 node(s) didn't match pod affinity rules, 2 node(s) had untolerated taint {dedicated: gpu}.",
		},
		{
			name:     "zone spread with maxSkew 1 avoids the zone that already has a replica",
			existing: []*corev1.Pod{web},
			pod:      gpu(st.MakePod("p").Label("app", "web").SpreadConstraint(1, "zone", corev1.DoNotSchedule, nil, "app", "web")).Obj(),
			hosts:    []string{"n3", "n4"},
		},
		{
			name:     "zone spread counting empty tainted zones rejects the crowded zone",
			existing: []*corev1.Pod{web},
			pod:      st.MakePod("p").Label("app", "web").SpreadConstraint(1, "zone", corev1.DoNotSchedule, nil, "app", "web").Obj(),
			err:      "0/5 nodes are available: 1 node(s) were unschedulable, 2 node(s) didn't match pod topology spread constraints, 2 node(s) had untolerated taint {dedicated: gpu}.",
		},
		{
			name: "init containers and overhead count toward the request",
			pod:  st.MakePod("p").Req("1", "").InitReq("1500m", false).Overhead("600m").Obj(),
			err:  "0/5 nodes are available: 1 node(s) were unschedulable, 2 Insufficient cpu, 2 node(s) had untolerated taint {dedicated: gpu}.",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			pod := tc.pod
			if tc.name == "spec.nodeName pins the node" {
				pod.Spec.NodeName = "n2"
			}
			snap := framework.NewSnapshot(tc.existing, cluster())
			fwk, err := st.NewDefaultFramework(snap, framework.ClusterAPI{}, nil)
			if err != nil {
				t.Fatal(err)
			}
			res, err := New(nil).Schedule(context.Background(), fwk, framework.NewCycleState(), pod, snap)
			if tc.err != "" {
				var fe *framework.FitError
				if !errors.As(err, &fe) {
					t.Fatalf("want FitError %q, got result %+v err %v", tc.err, res, err)
				}
				if err.Error() != tc.err {
					t.Fatalf("message:\n got %q\nwant %q", err.Error(), tc.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			found := false
			for _, h := range tc.hosts {
				found = found || h == res.SuggestedHost
			}
			if !found {
				t.Fatalf("host %q, want one of %v", res.SuggestedHost, tc.hosts)
			}
		})
	}
}

func TestNumFeasibleNodesToFind(t *testing.T) {
	cases := []struct {
		name       string
		percentage int32
		nodes      int
		want       int
	}{
		{"small clusters evaluate every node", 0, 99, 99},
		{"adaptive at 1000 nodes is 42 percent", 0, 1000, 420},
		{"adaptive at 5000 nodes is 10 percent", 0, 5000, 500},
		{"adaptive never goes below 5 percent", 0, 10000, 500},
		{"an explicit percentage is applied", 20, 1000, 200},
		{"at least 100 nodes are looked for", 1, 1000, 100},
		{"100 percent means all nodes", 100, 5000, 5000},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := NumFeasibleNodesToFind(tc.percentage, tc.nodes); got != tc.want {
				t.Fatalf("got %d, want %d", got, tc.want)
			}
		})
	}
}

func TestRoundRobinStartAdvancesBetweenCycles(t *testing.T) {
	var nodes []*corev1.Node
	for i := 0; i < 1000; i++ {
		nodes = append(nodes, st.MakeNode(nodeName(i)).Capacity("4", "8Gi").Obj())
	}
	snap := framework.NewSnapshot(nil, nodes)
	fwk, err := st.NewDefaultFramework(snap, framework.ClusterAPI{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	a := New(nil)
	res, err := a.Schedule(context.Background(), fwk, framework.NewCycleState(), st.MakePod("p").Obj(), snap)
	if err != nil {
		t.Fatal(err)
	}
	if res.FeasibleNodes != 420 || a.nextStartNodeIndex != 420 {
		t.Fatalf("feasible %d next start %d, want 420 and 420", res.FeasibleNodes, a.nextStartNodeIndex)
	}
	if _, err := a.Schedule(context.Background(), fwk, framework.NewCycleState(), st.MakePod("q").Obj(), snap); err != nil {
		t.Fatal(err)
	}
	if a.nextStartNodeIndex != 840 {
		t.Fatalf("next start %d, want 840", a.nextStartNodeIndex)
	}
}

func nodeName(i int) string {
	return "node-" + string(rune('a'+i/676%26)) + string(rune('a'+i/26%26)) + string(rune('a'+i%26))
}

package noderesources_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/keel/pkg/scheduler/apis/config"
	"keel.dev/keel/pkg/scheduler/framework"
	"keel.dev/keel/pkg/scheduler/framework/plugins/noderesources"
	st "keel.dev/keel/pkg/scheduler/internal/testing"
)

func newFit(t *testing.T, s *config.ScoringStrategy) framework.Plugin {
	t.Helper()
	p, err := noderesources.NewFit(context.Background(), &config.NodeResourcesFitArgs{ScoringStrategy: s}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestFitFilter(t *testing.T) {
	nodes := []*corev1.Node{
		st.MakeNode("small").Capacity("1", "1Gi").Obj(),
		st.MakeNode("full").Capacity("4", "8Gi").Pods("1").Obj(),
		st.MakeNode("big").Capacity("4", "8Gi").Obj(),
	}
	existing := []*corev1.Pod{st.MakePod("e").Node("full").Req("3", "7Gi").Obj()}
	cases := []struct {
		name string
		pod  *corev1.Pod
		want map[string]string
	}{
		{
			name: "a pod that fits only the big node is rejected elsewhere with every reason",
			pod:  st.MakePod("p").Req("2", "2Gi").Obj(),
			want: map[string]string{
				"small": "UnschedulableAndUnresolvable: Insufficient cpu, Insufficient memory",
				"full":  "Unschedulable: Too many pods, Insufficient cpu, Insufficient memory",
				"big":   "",
			},
		},
		{
			name: "a best-effort pod is only limited by the pod count",
			pod:  st.MakePod("p").Obj(),
			want: map[string]string{"small": "", "full": "Unschedulable: Too many pods", "big": ""},
		},
		{
			name: "overhead and sidecars push the request over the small node",
			pod:  st.MakePod("p").Req("500m", "").InitReq("400m", true).Overhead("200m").Obj(),
			want: map[string]string{"small": "UnschedulableAndUnresolvable: Insufficient cpu", "full": "Unschedulable: Too many pods, Insufficient cpu", "big": ""},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := st.Reasons(st.RunFilter(newFit(t, nil), tc.pod, framework.NewSnapshot(existing, nodes)))
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Fatalf("(-want +got)\n%s", d)
			}
		})
	}
}

func TestFitScore(t *testing.T) {
	nodes := []*corev1.Node{
		st.MakeNode("empty").Capacity("4", "8Gi").Obj(),
		st.MakeNode("half").Capacity("4", "8Gi").Obj(),
	}
	existing := []*corev1.Pod{st.MakePod("e").Node("half").Req("2", "4Gi").Obj()}
	pod := st.MakePod("p").Req("1", "2Gi").Obj()
	cases := []struct {
		name     string
		strategy *config.ScoringStrategy
		want     map[string]int64
	}{
		{"least allocated prefers the empty node", &config.ScoringStrategy{Type: config.LeastAllocated}, map[string]int64{"empty": 75, "half": 25}},
		{"most allocated prefers the busy node", &config.ScoringStrategy{Type: config.MostAllocated}, map[string]int64{"empty": 25, "half": 75}},
		{
			"requested to capacity ratio follows the shape",
			&config.ScoringStrategy{Type: config.RequestedToCapacityRatio, RequestedToCapacityRatio: &config.RequestedToCapacityRatioParam{Shape: []config.UtilizationShapePoint{{Utilization: 0, Score: 0}, {Utilization: 100, Score: 10}}}},
			map[string]int64{"empty": 25, "half": 75},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, s := st.RunScore(newFit(t, tc.strategy), pod, framework.NewSnapshot(existing, nodes))
			if !s.IsSuccess() {
				t.Fatal(s)
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Fatalf("(-want +got)\n%s", d)
			}
		})
	}
}

func TestBalancedAllocationScore(t *testing.T) {
	nodes := []*corev1.Node{
		st.MakeNode("balanced").Capacity("4", "4Gi").Obj(),
		st.MakeNode("skewed").Capacity("4", "16Gi").Obj(),
	}
	pl, err := noderesources.NewBalancedAllocation(context.Background(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	got, s := st.RunScore(pl, st.MakePod("p").Req("2", "2Gi").Obj(), framework.NewSnapshot(nil, nodes))
	if !s.IsSuccess() {
		t.Fatal(s)
	}
	// balanced: 0.5 and 0.5 → 100; skewed: 0.5 and 0.125 → 1 - 0.1875 → 81.
	if d := cmp.Diff(map[string]int64{"balanced": 100, "skewed": 81}, got); d != "" {
		t.Fatalf("(-want +got)\n%s", d)
	}
}

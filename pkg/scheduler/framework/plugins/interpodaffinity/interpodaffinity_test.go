package interpodaffinity_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/keel/pkg/scheduler/framework"
	"keel.dev/keel/pkg/scheduler/framework/plugins/interpodaffinity"
	st "keel.dev/keel/pkg/scheduler/internal/testing"
)

func nodes() []*corev1.Node {
	return []*corev1.Node{
		st.MakeNode("a1").Label("zone", "a").Obj(),
		st.MakeNode("a2").Label("zone", "a").Obj(),
		st.MakeNode("b1").Label("zone", "b").Obj(),
		st.MakeNode("x").Obj(),
	}
}

func TestFilter(t *testing.T) {
	db := st.MakePod("db").Node("a1").Label("app", "db").Obj()
	guard := st.MakePod("guard").Node("b1").Label("app", "guard").PodAntiAffinity("zone", "app", "web").Obj()
	const (
		aff   = "UnschedulableAndUnresolvable: node(s) didn't match pod affinity rules"
		anti  = "Unschedulable: node(s) didn't match pod anti-affinity rules"
		exist = "Unschedulable: node(s) didn't satisfy existing pods anti-affinity rules"
	)
	cases := []struct {
		name     string
		existing []*corev1.Pod
		pod      *corev1.Pod
		want     map[string]string
	}{
		{"zone affinity admits every node of the matching pod's zone", []*corev1.Pod{db}, st.MakePod("p").PodAffinity("zone", "app", "db").Obj(), map[string]string{"a1": "", "a2": "", "b1": aff, "x": aff}},
		{"zone anti-affinity rejects the matching pod's zone", []*corev1.Pod{db}, st.MakePod("p").PodAntiAffinity("zone", "app", "db").Obj(), map[string]string{"a1": anti, "a2": anti, "b1": "", "x": ""}},
		{"an existing pod's anti-affinity rejects its zone for matching pods", []*corev1.Pod{guard}, st.MakePod("p").Label("app", "web").Obj(), map[string]string{"a1": "", "a2": "", "b1": exist, "x": ""}},
		{"a pod matching its own affinity may start the group on nodes with the key", nil, st.MakePod("p").Label("app", "db").PodAffinity("zone", "app", "db").Obj(), map[string]string{"a1": "", "a2": "", "b1": "", "x": aff}},
		{"pods in other namespaces do not count", []*corev1.Pod{st.MakePod("db").Namespace("other").Node("a1").Label("app", "db").Obj()}, st.MakePod("p").PodAntiAffinity("zone", "app", "db").Obj(), map[string]string{"a1": "", "a2": "", "b1": "", "x": ""}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			snap := framework.NewSnapshot(tc.existing, nodes())
			fwk, err := st.NewDefaultFramework(snap, framework.ClusterAPI{}, nil)
			if err != nil {
				t.Fatal(err)
			}
			pl, _ := interpodaffinity.New(context.Background(), nil, fwk)
			got := st.Reasons(st.RunFilter(pl, tc.pod, snap))
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Fatalf("(-want +got)\n%s", d)
			}
		})
	}
}

func TestScorePreferredAffinity(t *testing.T) {
	existing := []*corev1.Pod{st.MakePod("db").Node("a1").Label("app", "db").Obj()}
	snap := framework.NewSnapshot(existing, nodes())
	fwk, err := st.NewDefaultFramework(snap, framework.ClusterAPI{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	pl, _ := interpodaffinity.New(context.Background(), nil, fwk)
	got, s := st.RunScore(pl, st.MakePod("p").PreferredPodAffinity(5, "zone", "app", "db").Obj(), snap)
	if !s.IsSuccess() {
		t.Fatal(s)
	}
	if d := cmp.Diff(map[string]int64{"a1": 100, "a2": 100, "b1": 0, "x": 0}, got); d != "" {
		t.Fatalf("(-want +got)\n%s", d)
	}
}

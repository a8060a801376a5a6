package nodeaffinity_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/keel/pkg/scheduler/framework"
	"keel.dev/keel/pkg/scheduler/framework/plugins/nodeaffinity"
	st "keel.dev/keel/pkg/scheduler/internal/testing"
)

const no = "UnschedulableAndUnresolvable: node(s) didn't match Pod's node affinity/selector"

func TestFilter(t *testing.T) {
	nodes := []*corev1.Node{
		st.MakeNode("a").Label("zone", "a").Label("cores", "8").Obj(),
		st.MakeNode("b").Label("zone", "b").Label("cores", "32").Label("gpu", "true").Obj(),
		st.MakeNode("c").Obj(),
	}
	cases := []struct {
		name string
		pod  *corev1.Pod
		want map[string]string
	}{
		{"nodeSelector needs an exact label", st.MakePod("p").NodeSelector("zone", "a").Obj(), map[string]string{"a": "", "b": no, "c": no}},
		{"In matches listed values", st.MakePod("p").NodeAffinityIn("zone", corev1.NodeSelectorOpIn, "a", "b").Obj(), map[string]string{"a": "", "b": "", "c": no}},
		{"NotIn matches nodes without the label", st.MakePod("p").NodeAffinityIn("zone", corev1.NodeSelectorOpNotIn, "a").Obj(), map[string]string{"a": no, "b": "", "c": ""}},
		{"Exists needs the key", st.MakePod("p").NodeAffinityIn("gpu", corev1.NodeSelectorOpExists).Obj(), map[string]string{"a": no, "b": "", "c": no}},
		{"DoesNotExist needs the key absent", st.MakePod("p").NodeAffinityIn("gpu", corev1.NodeSelectorOpDoesNotExist).Obj(), map[string]string{"a": "", "b": no, "c": ""}},
		{"Gt compares integers", st.MakePod("p").NodeAffinityIn("cores", corev1.NodeSelectorOpGt, "16").Obj(), map[string]string{"a": no, "b": "", "c": no}},
		{"Lt compares integers", st.MakePod("p").NodeAffinityIn("cores", corev1.NodeSelectorOpLt, "16").Obj(), map[string]string{"a": "", "b": no, "c": no}},
		{"terms are ORed", st.MakePod("p").NodeAffinityIn("zone", corev1.NodeSelectorOpIn, "a").NodeAffinityIn("gpu", corev1.NodeSelectorOpExists).Obj(), map[string]string{"a": "", "b": "", "c": no}},
		{"selector and affinity must both match", st.MakePod("p").NodeSelector("zone", "a").NodeAffinityIn("gpu", corev1.NodeSelectorOpExists).Obj(), map[string]string{"a": no, "b": no, "c": no}},
	}
	pl, _ := nodeaffinity.New(context.Background(), nil, nil)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := st.Reasons(st.RunFilter(pl, tc.pod, framework.NewSnapshot(nil, nodes)))
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Fatalf("(-want +got)\n%s", d)
			}
		})
	}
}

func TestPreFilterNarrowsByMetadataName(t *testing.T) {
	pod := st.MakePod("p").Obj()
	pod.Spec.Affinity = &corev1.Affinity{NodeAffinity: &corev1.NodeAffinity{RequiredDuringSchedulingIgnoredDuringExecution: &corev1.NodeSelector{
		NodeSelectorTerms: []corev1.NodeSelectorTerm{{MatchFields: []corev1.NodeSelectorRequirement{{Key: "metadata.name", Operator: corev1.NodeSelectorOpIn, Values: []string{"b"}}}}},
	}}}
	pl, _ := nodeaffinity.New(context.Background(), nil, nil)
	res, s := pl.(framework.PreFilterPlugin).PreFilter(context.Background(), framework.NewCycleState(), pod, nil)
	if !s.IsSuccess() || res.AllNodes() || len(res.NodeNames) != 1 {
		t.Fatalf("want narrowing to b, got %+v %v", res, s)
	}
	if _, ok := res.NodeNames["b"]; !ok {
		t.Fatalf("want b, got %v", res.NodeNames)
	}
}

func TestScoreByPreferredTerms(t *testing.T) {
	nodes := []*corev1.Node{
		st.MakeNode("a").Label("zone", "a").Label("disk", "ssd").Obj(),
		st.MakeNode("b").Label("zone", "b").Obj(),
		st.MakeNode("c").Obj(),
	}
	pod := st.MakePod("p").PreferredNodeAffinity(3, "zone", "a", "b").PreferredNodeAffinity(1, "disk", "ssd").Obj()
	pl, _ := nodeaffinity.New(context.Background(), nil, nil)
	got, s := st.RunScore(pl, pod, framework.NewSnapshot(nil, nodes))
	if !s.IsSuccess() {
		t.Fatal(s)
	}
	if d := cmp.Diff(map[string]int64{"a": 100, "b": 75, "c": 0}, got); d != "" {
		t.Fatalf("(-want +got)\n%s", d)
	}
}

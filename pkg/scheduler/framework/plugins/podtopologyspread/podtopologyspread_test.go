package podtopologyspread_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/keel/pkg/scheduler/framework"
	"keel.dev/keel/pkg/scheduler/framework/plugins/podtopologyspread"
	st "keel.dev/keel/pkg/scheduler/internal/testing"
)

const (
	skew    = "Unschedulable: node(s) didn't match pod topology spread constraints"
	missing = "UnschedulableAndUnresolvable: node(s) didn't match pod topology spread constraints (missing required label)"
)

func TestFilter(t *testing.T) {
	nodes := []*corev1.Node{
		st.MakeNode("a1").Label("zone", "a").Obj(),
		st.MakeNode("b1").Label("zone", "b").Obj(),
		st.MakeNode("c1").Label("zone", "c").Label("pool", "spare").Obj(),
		st.MakeNode("x").Obj(),
	}
	existing := []*corev1.Pod{
		st.MakePod("w1").Node("a1").Label("app", "web").Obj(),
		st.MakePod("w2").Node("a1").Label("app", "web").Obj(),
		st.MakePod("w3").Node("b1").Label("app", "web").Obj(),
	}
	four := int32(4)
	w4 := st.MakePod("w4").Node("c1").Label("app", "web").Obj()
	cases := []struct {
		name  string
		extra []*corev1.Pod
		pod   *corev1.Pod
		want  map[string]string
	}{
		{
			name: "maxSkew 1 admits only the emptiest zones",
			pod:  st.MakePod("p").Label("app", "web").SpreadConstraint(1, "zone", corev1.DoNotSchedule, nil, "app", "web").Obj(),
			want: map[string]string{"a1": skew, "b1": skew, "c1": "", "x": missing},
		},
		{
			name: "a larger maxSkew admits more zones",
			pod:  st.MakePod("p").Label("app", "web").SpreadConstraint(2, "zone", corev1.DoNotSchedule, nil, "app", "web").Obj(),
			want: map[string]string{"a1": skew, "b1": "", "c1": "", "x": missing},
		},
		{
			name:  "with every zone populated the global minimum is one",
			extra: []*corev1.Pod{w4},
			pod:   st.MakePod("p").Label("app", "web").SpreadConstraint(1, "zone", corev1.DoNotSchedule, nil, "app", "web").Obj(),
			want:  map[string]string{"a1": skew, "b1": "", "c1": "", "x": missing},
		},
		{
			name:  "minDomains above the domain count treats the global minimum as zero",
			extra: []*corev1.Pod{w4},
			pod:   st.MakePod("p").Label("app", "web").SpreadConstraint(1, "zone", corev1.DoNotSchedule, &four, "app", "web").Obj(),
			want:  map[string]string{"a1": skew, "b1": skew, "c1": skew, "x": missing},
		},
		{
			name: "nodeAffinityPolicy Honor ignores zones the pod cannot use",
			pod:  st.MakePod("p").Label("app", "web").NodeAffinityIn("zone", corev1.NodeSelectorOpIn, "a", "b").SpreadConstraint(1, "zone", corev1.DoNotSchedule, nil, "app", "web").Obj(),
			want: map[string]string{"a1": skew, "b1": "", "c1": "", "x": missing},
		},
		{
			name: "ScheduleAnyway constraints do not filter",
			pod:  st.MakePod("p").Label("app", "web").SpreadConstraint(1, "zone", corev1.ScheduleAnyway, nil, "app", "web").Obj(),
			want: map[string]string{"a1": "", "b1": "", "c1": "", "x": ""},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			snap := framework.NewSnapshot(append(append([]*corev1.Pod(nil), existing...), tc.extra...), nodes)
			pl, _ := podtopologyspread.New(context.Background(), nil, nil)
			got := st.Reasons(st.RunFilter(pl, tc.pod, snap))
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Fatalf("(-want +got)\n%s", d)
			}
		})
	}
}

func TestScorePrefersLessCrowdedDomains(t *testing.T) {
	nodes := []*corev1.Node{
		st.MakeNode("a1").Label("zone", "a").Obj(),
		st.MakeNode("b1").Label("zone", "b").Obj(),
		st.MakeNode("c1").Label("zone", "c").Obj(),
	}
	existing := []*corev1.Pod{
		st.MakePod("w1").Node("a1").Label("app", "web").Obj(),
		st.MakePod("w2").Node("a1").Label("app", "web").Obj(),
		st.MakePod("w3").Node("b1").Label("app", "web").Obj(),
	}
	snap := framework.NewSnapshot(existing, nodes)
	fwk, err := st.NewDefaultFramework(snap, framework.ClusterAPI{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	pl, _ := podtopologyspread.New(context.Background(), nil, fwk)
	got, s := st.RunScore(pl, st.MakePod("p").Label("app", "web").SpreadConstraint(1, "zone", corev1.ScheduleAnyway, nil, "app", "web").Obj(), snap)
	if !s.IsSuccess() {
		t.Fatal(s)
	}
	if !(got["c1"] > got["b1"] && got["b1"] > got["a1"]) || got["c1"] != 100 {
		t.Fatalf("want c1 (100) > b1 > a1, got %v", got)
	}
}

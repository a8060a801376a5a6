package tainttoleration_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/keel/pkg/scheduler/framework"
	"keel.dev/keel/pkg/scheduler/framework/plugins/tainttoleration"
	st "keel.dev/keel/pkg/scheduler/internal/testing"
)

func TestFilter(t *testing.T) {
	nodes := []*corev1.Node{
		st.MakeNode("clean").Obj(),
		st.MakeNode("gpu").Taint("dedicated", "gpu", corev1.TaintEffectNoSchedule).Obj(),
		st.MakeNode("evict").Taint("maintenance", "", corev1.TaintEffectNoExecute).Obj(),
		st.MakeNode("soft").Taint("spot", "true", corev1.TaintEffectPreferNoSchedule).Obj(),
		st.MakeNode("level").Taint("level", "5", corev1.TaintEffectNoSchedule).Obj(),
	}
	cases := []struct {
		name string
		pod  *corev1.Pod
		want map[string]string
	}{
		{
			name: "a pod without tolerations avoids hard taints but not PreferNoSchedule",
			pod:  st.MakePod("p").Obj(),
			want: map[string]string{
				"clean": "", "soft": "",
				"gpu":   "UnschedulableAndUnresolvable: node(s) had untolerated taint {dedicated: gpu}",
				"evict": "UnschedulableAndUnresolvable: node(s) had untolerated taint {maintenance: }",
				"level": "UnschedulableAndUnresolvable: node(s) had untolerated taint {level: 5}",
			},
		},
		{
			name: "Equal, Exists and Gt tolerations tolerate their taints",
			pod: st.MakePod("p").Toleration("dedicated", "gpu", corev1.TolerationOpEqual, corev1.TaintEffectNoSchedule).
				Toleration("maintenance", "", corev1.TolerationOpExists, "").
				Toleration("level", "3", corev1.TolerationOpGt, corev1.TaintEffectNoSchedule).Obj(),
			want: map[string]string{"clean": "", "soft": "", "gpu": "", "evict": "", "level": ""},
		},
		{
			name: "a toleration with the wrong value does not tolerate",
			pod:  st.MakePod("p").Toleration("dedicated", "cpu", corev1.TolerationOpEqual, "").Toleration("level", "7", corev1.TolerationOpGt, "").Toleration("maintenance", "", corev1.TolerationOpExists, "").Obj(),
			want: map[string]string{
				"clean": "", "soft": "", "evict": "",
				"gpu":   "UnschedulableAndUnresolvable: node(s) had untolerated taint {dedicated: gpu}",
				"level": "UnschedulableAndUnresolvable: node(s) had untolerated taint {level: 5}",
			},
		},
	}
	pl, _ := tainttoleration.New(context.Background(), nil, nil)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := st.Reasons(st.RunFilter(pl, tc.pod, framework.NewSnapshot(nil, nodes)))
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Fatalf("(-want +got)\n%s", d)
			}
		})
	}
}

func TestScorePrefersFewerPreferNoScheduleTaints(t *testing.T) {
	nodes := []*corev1.Node{
		st.MakeNode("none").Obj(),
		st.MakeNode("one").Taint("a", "1", corev1.TaintEffectPreferNoSchedule).Obj(),
		st.MakeNode("two").Taint("a", "1", corev1.TaintEffectPreferNoSchedule).Taint("b", "1", corev1.TaintEffectPreferNoSchedule).Obj(),
	}
	pl, _ := tainttoleration.New(context.Background(), nil, nil)
	got, s := st.RunScore(pl, st.MakePod("p").Toleration("b", "1", corev1.TolerationOpEqual, corev1.TaintEffectPreferNoSchedule).Obj(), framework.NewSnapshot(nil, nodes))
	if !s.IsSuccess() {
		t.Fatal(s)
	}
	if d := cmp.Diff(map[string]int64{"none": 100, "one": 0, "two": 0}, got); d != "" {
		t.Fatalf("(-want +got)\n%s", d)
	}
}

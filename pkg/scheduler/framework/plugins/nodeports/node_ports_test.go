package nodeports_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/keel/pkg/scheduler/framework"
	"keel.dev/keel/pkg/scheduler/framework/plugins/nodename"
	"keel.dev/keel/pkg/scheduler/framework/plugins/nodeports"
	"keel.dev/keel/pkg/scheduler/framework/plugins/nodeunschedulable"
	st "keel.dev/keel/pkg/scheduler/internal/testing"
)

func TestNodePortsFilter(t *testing.T) {
	nodes := []*corev1.Node{st.MakeNode("a").Obj(), st.MakeNode("b").Obj()}
	existing := []*corev1.Pod{st.MakePod("e").Node("a").HostPort(8080).Obj()}
	pl, _ := nodeports.New(context.Background(), nil, nil)
	cases := []struct {
		name string
		pod  *corev1.Pod
		want map[string]string
	}{
		{"a taken host port rejects the node", st.MakePod("p").HostPort(8080).Obj(), map[string]string{"a": "Unschedulable: node(s) didn't have free ports for the requested pod ports", "b": ""}},
		{"a free host port fits anywhere", st.MakePod("p").HostPort(9090).Obj(), map[string]string{"a": "", "b": ""}},
		{"a pod without host ports skips the filter", st.MakePod("p").Obj(), map[string]string{"a": "", "b": ""}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := st.Reasons(st.RunFilter(pl, tc.pod, framework.NewSnapshot(existing, nodes)))
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Fatalf("(-want +got)\n%s", d)
			}
		})
	}
}

func TestNodeNameAndUnschedulable(t *testing.T) {
	nodes := []*corev1.Node{st.MakeNode("a").Obj(), st.MakeNode("b").Unschedulable().Obj()}
	nn, _ := nodename.New(context.Background(), nil, nil)
	nu, _ := nodeunschedulable.New(context.Background(), nil, nil)
	cases := []struct {
		name string
		pl   framework.Plugin
		pod  *corev1.Pod
		want map[string]string
	}{
		{"nodeName rejects other nodes", nn, st.MakePod("p").Node("a").Obj(), map[string]string{"a": "", "b": "UnschedulableAndUnresolvable: node(s) didn't match the requested node name"}},
		{"a cordoned node rejects pods", nu, st.MakePod("p").Obj(), map[string]string{"a": "", "b": "UnschedulableAndUnresolvable: node(s) were unschedulable"}},
		{"tolerating the unschedulable taint admits the pod", nu, st.MakePod("p").Toleration("node.kubernetes.io/unschedulable", "", corev1.TolerationOpExists, corev1.TaintEffectNoSchedule).Obj(), map[string]string{"a": "", "b": ""}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := st.Reasons(st.RunFilter(tc.pl, tc.pod, framework.NewSnapshot(nil, nodes)))
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Fatalf("(-want +got)\n%s", d)
			}
		})
	}
}

package podtopologyspread_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	appsv1 "keel.dev/api/apps/v1"
	corev1 "keel.dev/api/core/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/keel/pkg/scheduler/apis/config"
	"keel.dev/keel/pkg/scheduler/framework"
	"keel.dev/keel/pkg/scheduler/framework/plugins/podtopologyspread"
	st "keel.dev/keel/pkg/scheduler/internal/testing"
)

// fakeWorkloads is an in-memory WorkloadLister.
type fakeWorkloads struct {
	services []*corev1.Service
	rss      map[string]*appsv1.ReplicaSet
}

func (f *fakeWorkloads) Services(ns string) ([]*corev1.Service, error) {
	var out []*corev1.Service
	for _, s := range f.services {
		if s.Namespace == ns {
			out = append(out, s)
		}
	}
	return out, nil
}

func (f *fakeWorkloads) ReplicationController(ns, name string) (*corev1.ReplicationController, error) {
	return nil, fmt.Errorf("rc %s/%s: %w", ns, name, framework.ErrNotFound)
}

func (f *fakeWorkloads) ReplicaSet(ns, name string) (*appsv1.ReplicaSet, error) {
	if rs, ok := f.rss[ns+"/"+name]; ok {
		return rs, nil
	}
	return nil, fmt.Errorf("rs %s/%s: %w", ns, name, framework.ErrNotFound)
}

func (f *fakeWorkloads) StatefulSet(ns, name string) (*appsv1.StatefulSet, error) {
	return nil, fmt.Errorf("sts %s/%s: %w", ns, name, framework.ErrNotFound)
}

func service(name string, sel map[string]string) *corev1.Service {
	return &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "default"}, Spec: corev1.ServiceSpec{Selector: sel}}
}

func ownedByRS(p *corev1.Pod, rs string) *corev1.Pod {
	yes := true
	p.OwnerReferences = []metav1.OwnerReference{{APIVersion: "apps/v1", Kind: "ReplicaSet", Name: rs, UID: "rs-uid", Controller: &yes}}
	return p
}

func spreadNodes() []*corev1.Node {
	return []*corev1.Node{
		st.MakeNode("a1").Label("topology.kubernetes.io/zone", "a").Label("kubernetes.io/hostname", "a1").Obj(),
		st.MakeNode("a2").Label("topology.kubernetes.io/zone", "a").Label("kubernetes.io/hostname", "a2").Obj(),
		st.MakeNode("b1").Label("topology.kubernetes.io/zone", "b").Label("kubernetes.io/hostname", "b1").Obj(),
		st.MakeNode("x").Label("kubernetes.io/hostname", "x").Obj(),
	}
}

func spreadExisting() []*corev1.Pod {
	return []*corev1.Pod{
		st.MakePod("w1").Node("a1").Label("app", "web").Obj(),
		st.MakePod("w2").Node("a1").Label("app", "web").Obj(),
		st.MakePod("w3").Node("a2").Label("app", "web").Obj(),
		st.MakePod("w4").Node("x").Label("app", "web").Obj(),
		st.MakePod("db").Node("b1").Label("app", "db").Obj(),
	}
}

func newSpread(t *testing.T, snap *framework.Snapshot, wl framework.WorkloadLister, args *config.PodTopologySpreadArgs) framework.Plugin {
	t.Helper()
	api := framework.ClusterAPI{}
	if wl != nil {
		api.Workloads = wl
	}
	fwk, err := st.NewDefaultFramework(snap, api, nil)
	if err != nil {
		t.Fatal(err)
	}
	pl, err := podtopologyspread.New(context.Background(), args, fwk)
	if err != nil {
		t.Fatal(err)
	}
	return pl
}

func TestSystemDefaultSpreading(t *testing.T) {
	web := &fakeWorkloads{
		services: []*corev1.Service{service("web", map[string]string{"app": "web"}), service("other", map[string]string{"app": "other"})},
		rss: map[string]*appsv1.ReplicaSet{"default/web-1": {
			ObjectMeta: metav1.ObjectMeta{Name: "web-1", Namespace: "default"},
			Spec:       appsv1.ReplicaSetSpec{Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "web"}}},
		}},
	}
	cases := []struct {
		name string
		wl   framework.WorkloadLister
		pod  *corev1.Pod
		// skip: no default constraints apply; else the node ranking by score.
		skip  bool
		order []string
	}{
		{
			name: "a pod of a ReplicaSet spreads away from its peers, over hosts and zones",
			wl:   &fakeWorkloads{rss: web.rss},
			pod:  ownedByRS(st.MakePod("p").Label("app", "web").Obj(), "web-1"),
			// x lacks a zone label, yet the built-in defaults still score it by
			// hostname alone (it would get 0 if ignored); b1 has no peer and an
			// empty zone; a2 one peer, a1 two, both in the crowded zone.
			order: []string{"x", "b1", "a2", "a1"},
		},
		{
			name:  "a pod selected by a Service spreads the same way",
			wl:    web,
			pod:   st.MakePod("p").Label("app", "web").Obj(),
			order: []string{"x", "b1", "a2", "a1"},
		},
		{
			name: "a pod no Service selects and no controller owns gets no default constraints",
			wl:   web,
			pod:  st.MakePod("p").Label("app", "lonely").Obj(),
			skip: true,
		},
		{
			name: "a pod with its own constraints does not get the defaults",
			wl:   web,
			pod:  st.MakePod("p").Label("app", "web").SpreadConstraint(1, "topology.kubernetes.io/zone", corev1.DoNotSchedule, nil, "app", "web").Obj(),
			skip: true,
		},
		{
			name: "without workload listers nothing is defaulted",
			pod:  ownedByRS(st.MakePod("p").Label("app", "web").Obj(), "web-1"),
			skip: true,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			snap := framework.NewSnapshot(spreadExisting(), spreadNodes())
			pl := newSpread(t, snap, tc.wl, nil)
			scores, s := st.RunScore(pl, tc.pod, snap)
			if tc.skip {
				if !s.IsSkip() {
					t.Fatalf("PreScore = %v (scores %v), want Skip", s, scores)
				}
				return
			}
			if !s.IsSuccess() {
				t.Fatal(s)
			}
			for i := 1; i < len(tc.order); i++ {
				if scores[tc.order[i-1]] <= scores[tc.order[i]] {
					t.Fatalf("want %s to outscore %s, scores %v", tc.order[i-1], tc.order[i], scores)
				}
			}
		})
	}
}

func TestListDefaulting(t *testing.T) {
	wl := &fakeWorkloads{services: []*corev1.Service{service("web", map[string]string{"app": "web"})}}
	pod := st.MakePod("p").Label("app", "web").Obj()
	zoneHard := []corev1.TopologySpreadConstraint{{MaxSkew: 1, TopologyKey: "topology.kubernetes.io/zone", WhenUnsatisfiable: corev1.DoNotSchedule}}
	cases := []struct {
		name string
		args *config.PodTopologySpreadArgs
		want map[string]string
	}{
		{
			name: "a DoNotSchedule default constraint filters crowded zones",
			args: &config.PodTopologySpreadArgs{DefaultingType: config.ListDefaulting, DefaultConstraints: zoneHard},
			want: map[string]string{"a1": skew, "a2": skew, "b1": "", "x": "UnschedulableAndUnresolvable: node(s) didn't match pod topology spread constraints (missing required label)"},
		},
		{
			name: "an empty list disables defaulting",
			args: &config.PodTopologySpreadArgs{DefaultingType: config.ListDefaulting},
			want: map[string]string{"a1": "", "a2": "", "b1": "", "x": ""},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			snap := framework.NewSnapshot(spreadExisting(), spreadNodes())
			got := st.Reasons(st.RunFilter(newSpread(t, snap, wl, tc.args), pod, snap))
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Fatalf("(-want +got)\n%s", d)
			}
		})
	}
}

package defaultpreemption_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	corev1 "keel.dev/api/core/v1"
	policyv1 "keel.dev/api/policy/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/keel/pkg/scheduler/framework"
	st "keel.dev/keel/pkg/scheduler/internal/testing"
	"keel.dev/keel/pkg/scheduler/schedule"
)

func TestPreemption(t *testing.T) {
	nodes := []*corev1.Node{
		st.MakeNode("n1").Capacity("2", "4Gi").Obj(),
		st.MakeNode("n2").Capacity("2", "4Gi").Obj(),
		st.MakeNode("n3").Capacity("8", "8Gi").Taint("dedicated", "gpu", corev1.TaintEffectNoSchedule).Obj(),
	}
	existing := []*corev1.Pod{
		st.MakePod("low1").Node("n1").Priority(1).Label("app", "low1").Req("1", "").Obj(),
		st.MakePod("low2").Node("n1").Priority(2).Req("1", "").Obj(),
		st.MakePod("mid").Node("n2").Priority(5).Req("2", "").Obj(),
	}
	protectLow1 := &policyv1.PodDisruptionBudget{
		ObjectMeta: metav1.ObjectMeta{Name: "pdb", Namespace: "default"},
		Spec:       policyv1.PodDisruptionBudgetSpec{Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "low1"}}},
	}
	cases := []struct {
		name      string
		pod       *corev1.Pod
		pdbs      []*policyv1.PodDisruptionBudget
		nominated string
		victims   []string
		msg       string
	}{
		{
			name:      "the node whose victims have the lowest priority is chosen, evicting only what is needed",
			pod:       st.MakePod("p").Priority(10).Req("1", "").Obj(),
			nominated: "n1",
			victims:   []string{"low1"},
		},
		{
			name:      "a PodDisruptionBudget shifts eviction to the unprotected pod",
			pod:       st.MakePod("p").Priority(10).Req("1", "").Obj(),
			pdbs:      []*policyv1.PodDisruptionBudget{protectLow1},
			nominated: "n1",
			victims:   []string{"low2"},
		},
		{
			name:      "a pod needing a whole node evicts two low-priority pods rather than one higher-priority pod",
			pod:       st.MakePod("p").Priority(10).Req("2", "").Obj(),
			nominated: "n1",
			victims:   []string{"low1", "low2"},
		},
		{
			name: "preemptionPolicy Never is not eligible",
			pod:  st.MakePod("p").Priority(10).Req("1", "").PreemptNever().Obj(),
			msg:  "preemption: not eligible due to preemptionPolicy=Never.",
		},
		{
			name: "a pod without priority finds no victims",
			pod:  st.MakePod("p").Req("1", "").Obj(),
			msg:  "preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			snap := framework.NewSnapshot(existing, nodes)
			var evicted []string
			api := framework.ClusterAPI{
				Evictor: framework.EvictorFunc(func(_ context.Context, v, _ *corev1.Pod) error {
					evicted = append(evicted, v.Name)
					return nil
				}),
				PDBs: framework.PDBListerFunc(func() ([]*policyv1.PodDisruptionBudget, error) { return tc.pdbs, nil }),
			}
			fwk, err := st.NewDefaultFramework(snap, api, nil)
			if err != nil {
				t.Fatal(err)
			}
			state := framework.NewCycleState()
			_, err = schedule.New(nil).Schedule(context.Background(), fwk, state, tc.pod, snap)
			var fe *framework.FitError
			if !errors.As(err, &fe) {
				t.Fatalf("want a FitError, got %v", err)
			}
			res, s := fwk.RunPostFilterPlugins(context.Background(), state, tc.pod, fe.Diagnosis.NodeToStatus)
			if tc.msg != "" {
				if s.IsSuccess() || s.Message() != tc.msg {
					t.Fatalf("status %v, want message %q", s, tc.msg)
				}
				if len(evicted) != 0 {
					t.Fatalf("evicted %v", evicted)
				}
				return
			}
			if !s.IsSuccess() {
				t.Fatalf("preemption failed: %v", s)
			}
			if res.NominatedNodeName != tc.nominated {
				t.Fatalf("nominated %q, want %q", res.NominatedNodeName, tc.nominated)
			}
			slices.Sort(evicted)
			if d := cmp.Diff(tc.victims, evicted); d != "" {
				t.Fatalf("victims (-want +got)\n%s", d)
			}
		})
	}
}

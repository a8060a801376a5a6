package app

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	corev1 "keel.dev/api/core/v1"
	schedulingv1 "keel.dev/api/scheduling/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/client/fake"
	"keel.dev/client/informers"
)

func TestStatusUpdaterWritesOnlyChanges(t *testing.T) {
	cond := corev1.PodCondition{Type: corev1.PodScheduled, Status: corev1.ConditionFalse, Reason: "Unschedulable", Message: "0/1 nodes are available: 1 Insufficient cpu."}
	n1, empty := "n1", ""
	cases := []struct {
		name      string
		existing  func(*corev1.Pod)
		cond      *corev1.PodCondition
		nominated *string
		wantPatch string
	}{
		{"a new condition is patched onto the status", nil, &cond, nil,
			`{"status":{"conditions":[{"type":"PodScheduled","status":"False","lastProbeTime":null,"lastTransitionTime":null,"reason":"Unschedulable","message":"0/1 nodes are available: 1 Insufficient cpu."}]}}`},
		{"an identical condition is not written again", func(p *corev1.Pod) { p.Status.Conditions = []corev1.PodCondition{cond} }, &cond, nil, ""},
		{"a nominated node is written alongside an unchanged condition", func(p *corev1.Pod) { p.Status.Conditions = []corev1.PodCondition{cond} }, &cond, &n1,
			`{"status":{"nominatedNodeName":"n1"}}`},
		{"clearing a nomination sends null", func(p *corev1.Pod) {
			p.Status.Conditions = []corev1.PodCondition{cond}
			p.Status.NominatedNodeName = "n1"
		}, &cond, &empty, `{"status":{"nominatedNodeName":null}}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := pod("p", "1")
			if tc.existing != nil {
				tc.existing(p)
			}
			cs := fake.NewClientset(p)
			if err := (statusUpdater{cs.Clientset}).UpdatePodStatus(context.Background(), p, tc.cond, tc.nominated); err != nil {
				t.Fatal(err)
			}
			var patches []string
			for _, a := range cs.Actions() {
				if a.Verb == "patch" {
					if a.Subresource != "status" {
						t.Errorf("patched subresource %q, want status", a.Subresource)
					}
					patches = append(patches, string(a.Patch))
				}
			}
			switch {
			case tc.wantPatch == "" && len(patches) != 0:
				t.Errorf("patches = %v, want none", patches)
			case tc.wantPatch != "" && (len(patches) != 1 || patches[0] != tc.wantPatch):
				t.Errorf("patches = %v, want [%s]", patches, tc.wantPatch)
			}
		})
	}
}

func TestPriorityIsResolvedFromPriorityClasses(t *testing.T) {
	seven := int32(7)
	cases := []struct {
		name    string
		classes []*schedulingv1.PriorityClass
		pod     *corev1.Pod
		want    *int32
	}{
		{"a pod with spec.priority keeps it", []*schedulingv1.PriorityClass{{ObjectMeta: metav1.ObjectMeta{Name: "c"}, Value: 100}},
			pod("p", "1", func(p *corev1.Pod) { p.Spec.PriorityClassName = "c"; p.Spec.Priority = &seven }), &seven},
		{"a pod naming a class gets its value", []*schedulingv1.PriorityClass{{ObjectMeta: metav1.ObjectMeta{Name: "c"}, Value: 100}},
			pod("p", "1", func(p *corev1.Pod) { p.Spec.PriorityClassName = "c" }), ptr(100)},
		{"a pod naming no class gets the global default", []*schedulingv1.PriorityClass{{ObjectMeta: metav1.ObjectMeta{Name: "d"}, Value: 5, GlobalDefault: true}},
			pod("p", "1"), ptr(5)},
		{"a pod naming an unknown class is left alone", nil, pod("p", "1", func(p *corev1.Pod) { p.Spec.PriorityClassName = "nope" }), nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cs := fake.NewClientset()
			for _, pc := range tc.classes {
				if _, err := cs.SchedulingV1().PriorityClasses().Create(context.Background(), pc, metav1.CreateOptions{}); err != nil {
					t.Fatal(err)
				}
			}
			w := newWiring(cs.Clientset, slog.New(slog.NewTextHandler(io.Discard, nil)))
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			w.factory.Start(ctx)
			if !informers.WaitForCacheSync(ctx, w.pcs) {
				t.Fatal("no sync")
			}
			orig := tc.pod.Spec.Priority
			got := w.withPriority(tc.pod)
			switch {
			case tc.want == nil && got.Spec.Priority != nil:
				t.Errorf("priority = %d, want unset", *got.Spec.Priority)
			case tc.want != nil && (got.Spec.Priority == nil || *got.Spec.Priority != *tc.want):
				t.Errorf("priority = %v, want %d", got.Spec.Priority, *tc.want)
			}
			if tc.pod.Spec.Priority != orig {
				t.Error("the informer's pod was mutated")
			}
		})
	}
}

func ptr(v int32) *int32 { return &v }

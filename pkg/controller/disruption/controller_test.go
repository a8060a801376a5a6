package disruption

import (
	"context"
	"testing"
	"time"

	appsv1 "keel.dev/api/apps/v1"
	corev1 "keel.dev/api/core/v1"
	policyv1 "keel.dev/api/policy/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/util/intstr"
	"keel.dev/client/clock"
	"keel.dev/client/fake"
	"keel.dev/client/informers"
)

var now = time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)

func int32p(v int32) *int32 { return &v }

func pod(name string, healthy bool, owner *metav1.OwnerReference) *corev1.Pod {
	p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "ns", Labels: map[string]string{"app": "web"}}}
	if owner != nil {
		p.OwnerReferences = []metav1.OwnerReference{*owner}
	}
	if healthy {
		p.Status.Phase = corev1.PodRunning
		p.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue}}
	} else {
		p.Status.Phase = corev1.PodPending
	}
	return p
}

func budget(minAvail, maxUnavail *intstr.IntOrString, disrupted map[string]metav1.Time) *policyv1.PodDisruptionBudget {
	return &policyv1.PodDisruptionBudget{
		ObjectMeta: metav1.ObjectMeta{Name: "pdb", Namespace: "ns", Generation: 3},
		Spec: policyv1.PodDisruptionBudgetSpec{
			MinAvailable: minAvail, MaxUnavailable: maxUnavail,
			Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "web"}},
		},
		Status: policyv1.PodDisruptionBudgetStatus{DisruptedPods: disrupted},
	}
}

func TestSync(t *testing.T) {
	isCtrl := true
	rs := &appsv1.ReplicaSet{ObjectMeta: metav1.ObjectMeta{Name: "rs", Namespace: "ns", UID: "rs-uid"}, Spec: appsv1.ReplicaSetSpec{Replicas: int32p(5)}}
	rsRef := &metav1.OwnerReference{Kind: "ReplicaSet", Name: "rs", UID: "rs-uid", Controller: &isCtrl}
	i := func(v int) *intstr.IntOrString { x := intstr.FromInt32(int32(v)); return &x }
	s := func(v string) *intstr.IntOrString { x := intstr.FromString(v); return &x }
	tests := []struct {
		name                                string
		objs                                []runtime.Object
		expected, healthy, desired, allowed int32
		reason                              string
		disrupted                           int
	}{
		{"an integer minAvailable counts the matched pods",
			[]runtime.Object{budget(i(2), nil, nil), pod("a", true, nil), pod("b", true, nil), pod("c", true, nil), pod("d", false, nil)},
			4, 3, 2, 1, policyv1.SufficientPodsReason, 0},
		{"a percentage minAvailable uses the controller's replicas and rounds up",
			[]runtime.Object{rs, budget(s("50%"), nil, nil), pod("a", true, rsRef), pod("b", true, rsRef), pod("c", true, rsRef)},
			5, 3, 3, 0, policyv1.InsufficientPodsReason, 0},
		{"maxUnavailable subtracts from the controller's replicas",
			[]runtime.Object{rs, budget(nil, i(1), nil), pod("a", true, rsRef), pod("b", true, rsRef), pod("c", true, rsRef), pod("d", true, rsRef), pod("e", true, rsRef)},
			5, 5, 4, 1, policyv1.SufficientPodsReason, 0},
		{"a recently disrupted pod is not counted healthy",
			[]runtime.Object{budget(i(1), nil, map[string]metav1.Time{"a": metav1.NewTime(now.Add(-time.Minute))}), pod("a", true, nil), pod("b", true, nil)},
			2, 1, 1, 0, policyv1.InsufficientPodsReason, 1},
		{"a disrupted entry older than two minutes is dropped",
			[]runtime.Object{budget(i(1), nil, map[string]metav1.Time{"a": metav1.NewTime(now.Add(-3 * time.Minute))}), pod("a", true, nil), pod("b", true, nil)},
			2, 2, 1, 1, policyv1.SufficientPodsReason, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cs := fake.NewClientset(tc.objs...)
			f := informers.NewFactory(cs.Clientset, 0)
			c := New(cs.Clientset, f, Options{Clock: clock.NewFake(now)})
			ctx, cancel := context.WithCancel(context.Background())
			defer func() { cancel(); f.Shutdown() }()
			f.Start(ctx)
			f.WaitForCacheSync(ctx)
			cs.ClearActions()
			if err := c.sync(ctx, "ns/pdb"); err != nil {
				t.Fatal(err)
			}
			var got *policyv1.PodDisruptionBudget
			for _, a := range cs.Actions() {
				if a.Matches("update", "poddisruptionbudgets") && a.Subresource == "status" {
					got = a.Object.(*policyv1.PodDisruptionBudget)
				}
			}
			if got == nil {
				t.Fatalf("no status update in %v", cs.Actions())
			}
			st := got.Status
			if st.ExpectedPods != tc.expected || st.CurrentHealthy != tc.healthy || st.DesiredHealthy != tc.desired || st.DisruptionsAllowed != tc.allowed {
				t.Errorf("expected/healthy/desired/allowed = %d/%d/%d/%d, want %d/%d/%d/%d",
					st.ExpectedPods, st.CurrentHealthy, st.DesiredHealthy, st.DisruptionsAllowed, tc.expected, tc.healthy, tc.desired, tc.allowed)
			}
			if st.ObservedGeneration != 3 {
				t.Errorf("observedGeneration = %d, want 3", st.ObservedGeneration)
			}
			if len(st.DisruptedPods) != tc.disrupted {
				t.Errorf("disruptedPods = %v, want %d entries", st.DisruptedPods, tc.disrupted)
			}
			if len(st.Conditions) != 1 || st.Conditions[0].Type != policyv1.DisruptionAllowedCondition || st.Conditions[0].Reason != tc.reason {
				t.Errorf("conditions = %+v, want DisruptionAllowed with reason %s", st.Conditions, tc.reason)
			}
		})
	}
}

func TestSyncOfAMissingBudgetIsANoOp(t *testing.T) {
	cs := fake.NewClientset()
	f := informers.NewFactory(cs.Clientset, 0)
	c := New(cs.Clientset, f, Options{})
	ctx, cancel := context.WithCancel(context.Background())
	defer func() { cancel(); f.Shutdown() }()
	f.Start(ctx)
	f.WaitForCacheSync(ctx)
	if err := c.sync(ctx, "ns/gone"); err != nil {
		t.Fatal(err)
	}
	for _, a := range cs.Actions() {
		if a.Verb != "list" && a.Verb != "watch" {
			t.Errorf("unexpected action %v", a)
		}
	}
}

func TestRunUpdatesStatusWhenAPodBecomesReady(t *testing.T) {
	one := intstr.FromInt32(1)
	cs := fake.NewClientset(budget(&one, nil, nil), pod("a", false, nil))
	f := informers.NewFactory(cs.Clientset, 0)
	c := New(cs.Clientset, f, Options{})
	ctx, cancel := context.WithCancel(context.Background())
	defer func() { cancel(); f.Shutdown() }()
	f.Start(ctx)
	go func() { _ = c.Run(ctx, 1) }()
	if _, err := cs.CoreV1().Pods("ns").Create(ctx, pod("b", true, nil), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := cs.CoreV1().Pods("ns").Create(ctx, pod("c", true, nil), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		p, err := cs.PolicyV1().PodDisruptionBudgets("ns").Get(ctx, "pdb", metav1.GetOptions{})
		if err == nil && p.Status.CurrentHealthy == 2 && p.Status.DisruptionsAllowed == 1 {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("status never reached currentHealthy=2 disruptionsAllowed=1")
}

package node

import (
	"context"
	"errors"
	"testing"

	corev1 "keel.dev/api/core/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/client/fake"
	"keel.dev/client/informers"
	"keel.dev/client/record"

	"keel.dev/cloud-provider/internal/cloudtest"
)

func nodeWithReady(name string, ready corev1.ConditionStatus, taints ...string) *corev1.Node {
	n := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name}}
	n.Status.Conditions = []corev1.NodeCondition{{Type: corev1.NodeReady, Status: ready}}
	for _, k := range taints {
		n.Spec.Taints = append(n.Spec.Taints, corev1.Taint{Key: k, Effect: corev1.TaintEffectNoSchedule})
	}
	return n
}

func TestLifecycle(t *testing.T) {
	tests := []struct {
		name       string
		node       *corev1.Node
		instance   *cloudtest.Instance
		wantGone   bool
		wantTaint  bool
		wantCalls  int
		wantEvents int
	}{
		{name: "a not-ready node whose instance is gone is deleted",
			node: nodeWithReady("n1", corev1.ConditionUnknown), wantGone: true, wantCalls: 2, wantEvents: 1},
		{name: "a not-ready node whose instance is shut down gets the shutdown taint",
			node: nodeWithReady("n1", corev1.ConditionFalse), instance: &cloudtest.Instance{Shutdown: true}, wantTaint: true, wantCalls: 1},
		{name: "a shut-down node that runs again loses the taint",
			node: nodeWithReady("n1", corev1.ConditionUnknown, TaintShutdown), instance: &cloudtest.Instance{}, wantCalls: 1},
		{name: "a ready node loses a stale shutdown taint without asking the cloud",
			node: nodeWithReady("n1", corev1.ConditionTrue, TaintShutdown), wantCalls: 0},
		{name: "a ready node is not checked against the cloud and kept",
			node: nodeWithReady("n1", corev1.ConditionTrue), wantCalls: 0},
		{name: "a not-ready node whose running instance exists is kept untainted",
			node: nodeWithReady("n1", corev1.ConditionFalse), instance: &cloudtest.Instance{}, wantCalls: 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cs := fake.NewClientset(tc.node)
			cloud := cloudtest.New()
			if tc.instance != nil {
				cloud.AddInstance("n1", *tc.instance)
			}
			rec := record.NewFakeRecorder(10)
			f := informers.NewFactory(cs.Clientset, 0)
			c, err := NewLifecycle(cs.Clientset, f, cloud, LifecycleOptions{Recorder: rec})
			if err != nil {
				t.Fatal(err)
			}
			ctx := start(t, f)
			if err := c.monitor(ctx); err != nil {
				t.Fatalf("monitor: %v", err)
			}
			if got := len(cloud.Calls()); got != tc.wantCalls {
				t.Errorf("cloud calls = %v, want %d", cloud.Calls(), tc.wantCalls)
			}
			if len(rec.Events) != tc.wantEvents {
				t.Errorf("events = %d, want %d", len(rec.Events), tc.wantEvents)
			}
			n, err := cs.CoreV1().Nodes().Get(context.Background(), "n1", metav1.GetOptions{})
			if tc.wantGone {
				if !apierrors.IsNotFound(err) {
					t.Fatalf("node still there (err %v)", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if hasTaint(n, TaintShutdown) != tc.wantTaint {
				t.Errorf("shutdown taint = %v, want %v (taints %+v)", !tc.wantTaint, tc.wantTaint, n.Spec.Taints)
			}
		})
	}

	t.Run("a provider error keeps the node and is reported", func(t *testing.T) {
		cs := fake.NewClientset(nodeWithReady("n1", corev1.ConditionFalse))
		cloud := cloudtest.New()
		cloud.FailNext("InstanceShutdown", errors.New("cloud API down"))
		f := informers.NewFactory(cs.Clientset, 0)
		c, err := NewLifecycle(cs.Clientset, f, cloud, LifecycleOptions{})
		if err != nil {
			t.Fatal(err)
		}
		ctx := start(t, f)
		if err := c.monitor(ctx); err == nil {
			t.Fatal("monitor succeeded despite the provider error")
		}
		getNode(t, cs, "n1")
		if cloud.CallCount("InstanceExists") != 0 {
			t.Error("existence was checked after a failed shutdown check")
		}
	})
}

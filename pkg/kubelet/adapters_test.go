package kubelet

import (
	"context"
	"io"
	"log/slog"
	"testing"

	corev1 "keel.dev/api/core/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"
	"keel.dev/client/fake"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func testPod() *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "p", UID: "uid-1"},
		Spec:       corev1.PodSpec{NodeName: "n1", Containers: []corev1.Container{{Name: "c", Image: "img"}}},
		Status: corev1.PodStatus{NominatedNodeName: "n1", Conditions: []corev1.PodCondition{
			{Type: corev1.PodScheduled, Status: corev1.ConditionTrue}}},
	}
}

func TestSinkWritesStatusAndRetriesConflicts(t *testing.T) {
	cs := fake.NewClientset(testPod())
	conflicts := 1
	cs.PrependReactor("update", "pods", func(a fake.Action) (bool, runtime.Object, error) {
		if a.Subresource == "status" && conflicts > 0 {
			conflicts--
			return true, nil, apierrors.NewConflict(schema.GroupResource{Resource: "pods"}, "p", nil)
		}
		return false, nil, nil
	})
	sink := &apiSink{cs: cs.Clientset, log: quiet}
	sink.SetPodStatus(testPod(), corev1.PodStatus{Phase: corev1.PodRunning, PodIP: "10.244.0.2",
		Conditions: []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue}}})
	got, err := cs.CoreV1().Pods("default").Get(context.Background(), "p", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"the phase is written", got.Status.Phase, corev1.PodRunning},
		{"the pod IP is written", got.Status.PodIP, "10.244.0.2"},
		{"the scheduler's condition is kept", len(got.Status.Conditions), 2},
		{"the nominated node is kept", got.Status.NominatedNodeName, "n1"},
		{"the conflict was retried", conflicts, 0},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			if c.got != c.want {
				t.Errorf("got %v, want %v", c.got, c.want)
			}
		})
	}
}

func TestSinkDeletesTerminatedPodsWithGraceZero(t *testing.T) {
	cs := fake.NewClientset(testPod())
	sink := &apiSink{cs: cs.Clientset, log: quiet}
	sink.PodTerminated(testPod())
	if _, err := cs.CoreV1().Pods("default").Get(context.Background(), "p", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Fatalf("pod still there: %v", err)
	}
	var del *fake.Action
	for _, a := range cs.Actions() {
		if a.Verb == "delete" {
			a := a
			del = &a
		}
	}
	if del == nil || del.Name != "p" {
		t.Fatalf("no delete action: %+v", cs.Actions())
	}
	// Deleting again (the object is gone) is not an error worth logging; it must not panic.
	sink.PodTerminated(testPod())
}

func TestSimplifyProbesKeepsOnlyExec(t *testing.T) {
	p := testPod()
	c := &p.Spec.Containers[0]
	c.ReadinessProbe = &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/"}}}
	c.LivenessProbe = &corev1.Probe{ProbeHandler: corev1.ProbeHandler{Exec: &corev1.ExecAction{Command: []string{"true"}}}}
	c.StartupProbe = &corev1.Probe{ProbeHandler: corev1.ProbeHandler{TCPSocket: &corev1.TCPSocketAction{}}}
	c.Lifecycle = &corev1.Lifecycle{PreStop: &corev1.LifecycleHandler{HTTPGet: &corev1.HTTPGetAction{}},
		PostStart: &corev1.LifecycleHandler{Exec: &corev1.ExecAction{Command: []string{"true"}}}}
	simplifyProbes(p)
	cases := []struct {
		name string
		ok   bool
	}{
		{"an httpGet readiness probe is dropped", c.ReadinessProbe == nil},
		{"an exec liveness probe is kept", c.LivenessProbe != nil},
		{"a tcpSocket startup probe is dropped", c.StartupProbe == nil},
		{"an httpGet preStop hook is dropped", c.Lifecycle.PreStop == nil},
		{"an exec postStart hook is kept", c.Lifecycle.PostStart != nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if !tc.ok {
				t.Error("wrong")
			}
		})
	}
}

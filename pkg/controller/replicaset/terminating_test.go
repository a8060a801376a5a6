package replicaset

import (
	"errors"
	"testing"

	appsv1 "keel.dev/api/apps/v1"
	corev1 "keel.dev/api/core/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"
	"keel.dev/client/fake"
)

func TestCreatesRefusedByATerminatingNamespaceStopQuietly(t *testing.T) {
	rs := newRS("web", 10)
	h := newHarness(t, Options{}, rs)
	h.cs.PrependReactor("create", "pods", func(fake.Action) (bool, runtime.Object, error) {
		e := apierrors.NewForbidden(schema.GroupResource{Resource: "pods"}, "",
			errors.New("unable to create new content in namespace default because it is being terminated"))
		e.ErrStatus.Details.Causes = append(e.ErrStatus.Details.Causes, metav1.StatusCause{Type: corev1.NamespaceTerminatingCause})
		return true, nil, e
	})
	if err := h.c.sync(h.ctx, "default/web"); err != nil {
		t.Fatalf("sync = %v; a terminating namespace is not an error", err)
	}
	if got := h.count("create", "pods"); got != 1 {
		t.Errorf("attempted %d creations, want 1 (the first refusal stops the slow start)", got)
	}
	if !h.c.expectations.Satisfied("default/web") {
		t.Error("expectations still outstanding after refused creations")
	}
	got, _ := h.cs.AppsV1().ReplicaSets("default").Get(h.ctx, "web", metav1.GetOptions{})
	for _, c := range got.Status.Conditions {
		if c.Type == appsv1.ReplicaSetReplicaFailure {
			t.Errorf("ReplicaFailure condition set for a terminating namespace: %+v", c)
		}
	}
	select {
	case ev := <-h.rec.Events:
		t.Errorf("event %q recorded for a terminating namespace", ev)
	default:
	}
}

package endpointslice

import (
	"context"
	"errors"
	"testing"

	corev1 "keel.dev/api/core/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"
	"keel.dev/client/fake"
)

func TestCreateRefusedByATerminatingNamespaceIsNotRetried(t *testing.T) {
	h := newHarness(t, service("web", corev1.ServicePort{Name: "http", Port: 80}), pod("a", "web", "10.0.0.1", true))
	refused := 0
	h.cs.PrependReactor("create", "endpointslices", func(fake.Action) (bool, runtime.Object, error) {
		refused++
		e := apierrors.NewForbidden(schema.GroupResource{Group: "discovery.k8s.io", Resource: "endpointslices"}, "",
			errors.New("unable to create new content in namespace ns because it is being terminated"))
		e.ErrStatus.Details.Causes = append(e.ErrStatus.Details.Causes, metav1.StatusCause{Type: corev1.NamespaceTerminatingCause})
		return true, nil, e
	})
	t.Cleanup(h.c.queue.ShutDown)
	for h.c.queue.Len() > 0 { // drop what the informers queued
		k, _ := h.c.queue.Get()
		h.c.queue.Done(k)
	}
	h.c.queue.Add("ns/web")
	h.c.processNext(context.Background())
	if refused == 0 {
		t.Fatal("no endpoint slice create was attempted")
	}
	if n := h.c.queue.NumRequeues("ns/web"); n != 0 {
		t.Errorf("the key was requeued %d times; a terminating namespace never accepts it", n)
	}
}

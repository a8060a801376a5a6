package endpoints

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
	"keel.dev/client/informers"
)

func TestCreateRefusedByATerminatingNamespaceIsNotRetried(t *testing.T) {
	cs := fake.NewClientset(service("ns", "web"), pod("a", "10.0.0.1", true, 8080))
	refused := 0
	cs.PrependReactor("create", "endpoints", func(fake.Action) (bool, runtime.Object, error) {
		refused++
		e := apierrors.NewForbidden(schema.GroupResource{Resource: "endpoints"}, "web",
			errors.New("unable to create new content in namespace ns because it is being terminated"))
		e.ErrStatus.Details.Causes = append(e.ErrStatus.Details.Causes, metav1.StatusCause{Type: corev1.NamespaceTerminatingCause})
		return true, nil, e
	})
	f := informers.NewFactory(cs.Clientset, 0)
	c := New(cs.Clientset, f, Options{})
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(func() { cancel(); f.Shutdown(); c.queue.ShutDown() })
	f.Start(ctx)
	f.WaitForCacheSync(ctx)
	for c.queue.Len() > 0 { // drop what the informers queued
		k, _ := c.queue.Get()
		c.queue.Done(k)
	}
	c.queue.Add("ns/web")
	c.processNext(ctx)
	if refused != 1 {
		t.Fatalf("%d creates refused, want 1", refused)
	}
	if n := c.queue.NumRequeues("ns/web"); n != 0 {
		t.Errorf("the key was requeued %d times; a terminating namespace never accepts it", n)
	}
}

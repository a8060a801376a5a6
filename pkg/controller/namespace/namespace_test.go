package namespace

import (
	"context"
	"errors"
	"slices"
	"testing"

	appsv1 "keel.dev/api/apps/v1"
	corev1 "keel.dev/api/core/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"
	"keel.dev/client/dynamic"
	"keel.dev/client/fake"
	"keel.dev/client/informers"
)

func terminating(name string) *corev1.Namespace {
	now := metav1.Now()
	return &corev1.Namespace{
		ObjectMeta: metav1.ObjectMeta{Name: name, DeletionTimestamp: &now},
		Spec:       corev1.NamespaceSpec{Finalizers: []corev1.FinalizerName{corev1.FinalizerKubernetes}},
		Status:     corev1.NamespaceStatus{Phase: corev1.NamespaceTerminating},
	}
}

func setup(t *testing.T, objs ...runtime.Object) (*fake.Clientset, *Controller) {
	t.Helper()
	cs := fake.NewClientset(objs...)
	f := informers.NewFactory(cs.Clientset, 0)
	c := New(cs.Clientset, dynamic.New(cs.REST()), informers.Namespaces(f), Options{Discover: schemeDiscovery(cs)})
	f.Start(t.Context())
	f.WaitForCacheSync(t.Context())
	return cs, c
}

// schemeDiscovery serves the fake clientset's scheme as discovery.
func schemeDiscovery(cs *fake.Clientset) DiscoverFunc {
	return func(context.Context) ([]Resource, error) { return SchemeResources(cs.REST().Scheme()), nil }
}

func TestEmptiesTheNamespaceThenRemovesTheKubernetesFinalizer(t *testing.T) {
	cs, c := setup(t, terminating("demo"),
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "other"}},
		&corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "p", Namespace: "demo"}},
		&corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "cm", Namespace: "demo"}},
		&appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "d", Namespace: "demo"}},
		&corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "p", Namespace: "other"}},
	)
	ctx := t.Context()
	after, err := c.sync(ctx, "demo")
	if err != nil || after != 0 {
		t.Fatalf("sync = %v, %v; want done", after, err)
	}
	for _, get := range []func() error{
		func() error { _, err := cs.CoreV1().Pods("demo").Get(ctx, "p", metav1.GetOptions{}); return err },
		func() error { _, err := cs.CoreV1().ConfigMaps("demo").Get(ctx, "cm", metav1.GetOptions{}); return err },
		func() error { _, err := cs.AppsV1().Deployments("demo").Get(ctx, "d", metav1.GetOptions{}); return err },
	} {
		if err := get(); !apierrors.IsNotFound(err) {
			t.Errorf("content left in the namespace: %v", err)
		}
	}
	if _, err := cs.CoreV1().Pods("other").Get(ctx, "p", metav1.GetOptions{}); err != nil {
		t.Errorf("pod in another namespace deleted: %v", err)
	}
	finalized := false
	for _, a := range cs.Actions() {
		if a.Verb == "update" && a.Subresource == "finalize" && a.Name == "demo" {
			finalized = true
			if ns := a.Object.(*corev1.Namespace); slices.Contains(ns.Spec.Finalizers, corev1.FinalizerKubernetes) {
				t.Errorf("finalize still lists the kubernetes finalizer")
			}
		}
	}
	if !finalized {
		t.Error("namespaces/demo/finalize was not called")
	}
}

func TestWaitsWhileContentRemains(t *testing.T) {
	cs, c := setup(t, terminating("demo"), &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "p", Namespace: "demo"}})
	// Pods go away only after the kubelet confirms: deletion leaves them.
	cs.PrependReactor("deletecollection", "pods", func(a fake.Action) (bool, runtime.Object, error) {
		return true, &metav1.Status{Status: metav1.StatusSuccess}, nil
	})
	ctx := t.Context()
	after, err := c.sync(ctx, "demo")
	if err != nil || after <= 0 {
		t.Fatalf("sync = %v, %v; want content remaining", after, err)
	}
	for _, a := range cs.Actions() {
		if a.Subresource == "finalize" {
			t.Fatal("finalized a namespace that still has pods")
		}
	}
	ns, _ := cs.CoreV1().Namespaces().Get(ctx, "demo", metav1.GetOptions{})
	found := false
	for _, cond := range ns.Status.Conditions {
		if cond.Type == corev1.NamespaceContentRemaining {
			found = cond.Status == corev1.ConditionTrue && cond.Reason == "SomeResourcesRemain"
		}
	}
	if !found {
		t.Errorf("conditions = %+v, want NamespaceContentRemaining True", ns.Status.Conditions)
	}
}

func TestDeletionFailuresAreReportedAndRetried(t *testing.T) {
	cs, c := setup(t, terminating("demo"), &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "cm", Namespace: "demo"}})
	cs.PrependReactor("deletecollection", "configmaps", func(a fake.Action) (bool, runtime.Object, error) {
		return true, nil, apierrors.NewForbidden(schema.GroupResource{Resource: "configmaps"}, "", errors.New("denied"))
	})
	if _, err := c.sync(t.Context(), "demo"); err == nil {
		t.Fatal("sync succeeded despite a failed deletion")
	}
	ns, _ := cs.CoreV1().Namespaces().Get(t.Context(), "demo", metav1.GetOptions{})
	for _, cond := range ns.Status.Conditions {
		if cond.Type == corev1.NamespaceDeletionContentFailure && cond.Status != corev1.ConditionTrue {
			t.Errorf("NamespaceDeletionContentFailure = %s", cond.Status)
		}
	}
}

func TestNamespacesNotBeingDeletedAreLeftAlone(t *testing.T) {
	cs, c := setup(t, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "live"}},
		&corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "p", Namespace: "live"}})
	cs.ClearActions()
	if _, err := c.sync(t.Context(), "live"); err != nil {
		t.Fatal(err)
	}
	if n := len(cs.Actions()); n != 0 {
		t.Errorf("%d requests for a live namespace", n)
	}
}

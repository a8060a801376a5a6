package dynamic_test

import (
	"context"
	"testing"

	corev1 "keel.dev/api/core/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime/schema"
	"keel.dev/apimachinery/pkg/types"
	"keel.dev/apimachinery/pkg/watch"
	"keel.dev/client/dynamic"
	"keel.dev/client/fake"
)

var cmGVR = schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}

func TestDynamicClientRoundTripsUnstructuredObjects(t *testing.T) {
	ctx := context.Background()
	cs := fake.NewClientset(&corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "seed"}, Data: map[string]string{"k": "v"}})
	rc := dynamic.New(cs.REST()).Resource(cmGVR).Namespace("ns")

	seed, err := rc.Get(ctx, "seed", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := seed.NestedField("data", "k"); v != "v" || seed.GetKind() != "ConfigMap" {
		t.Fatalf("seed = %v", seed.Object)
	}
	w, err := rc.Watch(ctx, metav1.ListOptions{ResourceVersion: seed.GetResourceVersion()})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()

	obj := &dynamic.Unstructured{}
	obj.SetGroupVersionKind(schema.GroupVersionKind{Version: "v1", Kind: "ConfigMap"})
	obj.SetName("made")
	obj.SetLabels(map[string]string{"a": "b"})
	obj.SetNestedField(map[string]any{"x": "1"}, "data")
	created, err := rc.Create(ctx, obj, metav1.CreateOptions{})
	if err != nil || created.GetUID() == "" || created.GetNamespace() != "ns" {
		t.Fatalf("create = %v, %v", created, err)
	}
	if ev := <-w.ResultChan(); ev.Type != watch.Added || ev.Object.(*dynamic.Unstructured).GetName() != "made" {
		t.Errorf("watch event = %v %v", ev.Type, ev.Object)
	}
	patched, err := rc.Patch(ctx, "made", types.MergePatchType, []byte(`{"data":{"y":"2"}}`), metav1.PatchOptions{})
	if v, _ := patched.NestedField("data", "y"); err != nil || v != "2" {
		t.Fatalf("patch = %v, %v", patched, err)
	}
	l, err := rc.List(ctx, metav1.ListOptions{LabelSelector: "a=b"})
	if err != nil || len(l.Items) != 1 || l.GetResourceVersion() == "" {
		t.Fatalf("list = %+v, %v", l, err)
	}
	if err := rc.Delete(ctx, "made", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := rc.Get(ctx, "made", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("get after delete err = %v", err)
	}
}

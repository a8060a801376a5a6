package fake

import (
	"context"
	"testing"

	corev1 "keel.dev/api/core/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/types"
	"keel.dev/apimachinery/pkg/watch"
)

func pod(ns, name string) *corev1.Pod {
	return &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, Labels: map[string]string{"app": name}}}
}

func TestFakeClientsetServesCRUDAndRecordsActions(t *testing.T) {
	ctx := context.Background()
	cs := NewClientset(pod("ns", "seed"))
	pods := cs.CoreV1().Pods("ns")
	got, err := pods.Get(ctx, "seed", metav1.GetOptions{})
	if err != nil || got.Name != "seed" || got.ResourceVersion == "" {
		t.Fatalf("get seed = %+v, %v", got, err)
	}
	created, err := pods.Create(ctx, pod("", "a"), metav1.CreateOptions{})
	if err != nil || created.Namespace != "ns" || created.UID == "" {
		t.Fatalf("create = %+v, %v", created, err)
	}
	if _, err := pods.Create(ctx, pod("", "a"), metav1.CreateOptions{}); !apierrors.IsAlreadyExists(err) {
		t.Fatalf("second create err = %v, want AlreadyExists", err)
	}
	stale := created.DeepCopy()
	created.Spec.NodeName = "n1"
	if _, err := pods.Update(ctx, created, metav1.UpdateOptions{}); err != nil {
		t.Fatalf("update: %v", err)
	}
	stale.Spec.NodeName = "n2"
	if _, err := pods.Update(ctx, stale, metav1.UpdateOptions{}); !apierrors.IsConflict(err) {
		t.Fatalf("stale update err = %v, want Conflict", err)
	}
	patched, err := pods.Patch(ctx, "a", types.MergePatchType, []byte(`{"metadata":{"labels":{"x":"y"}}}`), metav1.PatchOptions{})
	if err != nil || patched.Labels["x"] != "y" || patched.Labels["app"] != "a" {
		t.Fatalf("patch = %v, %v", patched.Labels, err)
	}
	list, err := pods.List(ctx, metav1.ListOptions{LabelSelector: "app=a"})
	if err != nil || len(list.Items) != 1 || list.Items[0].Name != "a" {
		t.Fatalf("list = %+v, %v", list, err)
	}
	if err := pods.Delete(ctx, "a", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := pods.Get(ctx, "a", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Fatalf("get after delete err = %v", err)
	}
	var verbs []string
	for _, a := range cs.Actions() {
		verbs = append(verbs, a.Verb)
	}
	want := []string{"get", "create", "create", "update", "update", "patch", "list", "delete", "get"}
	if len(verbs) != len(want) {
		t.Fatalf("verbs = %v, want %v", verbs, want)
	}
	for i := range want {
		if verbs[i] != want[i] {
			t.Fatalf("verbs = %v, want %v", verbs, want)
		}
	}
}

func TestFakeWatchSeesChangesAndBindSetsNode(t *testing.T) {
	ctx := context.Background()
	cs := NewClientset(pod("ns", "p"))
	pods := cs.CoreV1().Pods("ns")
	w, err := pods.Watch(ctx, metav1.ListOptions{ResourceVersion: cs.Tracker().ResourceVersion()})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	if err := pods.Bind(ctx, &corev1.Binding{ObjectMeta: metav1.ObjectMeta{Name: "p"}, Target: corev1.ObjectReference{Kind: "Node", Name: "n1"}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	ev := <-w.ResultChan()
	if ev.Type != watch.Modified || ev.Object.(*corev1.Pod).Spec.NodeName != "n1" {
		t.Fatalf("event = %v %+v", ev.Type, ev.Object)
	}
}

func TestReactorInjectsErrors(t *testing.T) {
	cs := NewClientset()
	cs.PrependReactor("create", "pods", func(a Action) (bool, runtime.Object, error) {
		return true, nil, apierrors.NewForbidden(a.Resource.GroupResource(), "x", errString("no"))
	})
	_, err := cs.CoreV1().Pods("ns").Create(context.Background(), pod("ns", "x"), metav1.CreateOptions{})
	if !apierrors.IsForbidden(err) {
		t.Fatalf("err = %v, want Forbidden", err)
	}
}

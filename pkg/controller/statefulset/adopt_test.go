package statefulset

import (
	"testing"

	appsv1 "keel.dev/api/apps/v1"
	corev1 "keel.dev/api/core/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
)

func TestAdoptionAndRelease(t *testing.T) {
	orphan := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "web-0", Namespace: "ns", UID: "o", Labels: map[string]string{"app": "web"}}}
	stray := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "web-7", Namespace: "ns", UID: "s", Labels: map[string]string{"app": "other"},
		OwnerReferences: []metav1.OwnerReference{{APIVersion: "apps/v1", Kind: "StatefulSet", Name: "web", UID: "set-uid", Controller: ptr(true)}}}}
	oldRev := &appsv1.ControllerRevision{ObjectMeta: metav1.ObjectMeta{Name: "web-old", Namespace: "ns", UID: "r",
		Labels: map[string]string{"app": "web"}}, Revision: 1}
	h := newHarness(t, statefulSet(), orphan, stray, oldRev)
	h.waitCache()
	if err := h.c.sync(h.ctx, "ns/web"); err != nil {
		t.Fatal(err)
	}
	get := func(name string) *corev1.Pod {
		p, err := h.cs.CoreV1().Pods("ns").Get(h.ctx, name, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	if ref := metav1.GetControllerOf(get("web-0")); ref == nil || ref.UID != "set-uid" {
		t.Errorf("orphan web-0 owner = %v, want the stateful set", ref)
	}
	if ref := metav1.GetControllerOf(get("web-7")); ref != nil {
		t.Errorf("non-matching web-7 owner = %v, want released (not deleted as condemned)", ref)
	}
	for _, a := range h.cs.Actions() {
		if a.Verb == "create" && a.Resource.Resource == "pods" {
			if p, ok := a.Object.(*corev1.Pod); ok && p.Name == "web-0" {
				t.Error("created web-0 although an orphan web-0 was adopted")
			}
		}
	}
	r, err := h.cs.AppsV1().ControllerRevisions("ns").Get(h.ctx, "web-old", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if ref := metav1.GetControllerOf(r); ref == nil || ref.UID != "set-uid" {
		t.Errorf("matching orphan revision owner = %v, want the stateful set", ref)
	}
}

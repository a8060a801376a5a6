package ownerref

import (
	"encoding/json"
	"testing"

	corev1 "keel.dev/api/core/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/labels"
	"keel.dev/apimachinery/pkg/runtime/schema"
	"keel.dev/apimachinery/pkg/util/strategicpatch"
)

func TestDecide(t *testing.T) {
	owner := &metav1.ObjectMeta{Name: "rs", UID: "owner"}
	deleting := &metav1.ObjectMeta{Name: "rs", UID: "owner", DeletionTimestamp: &metav1.Time{}}
	sel := labels.SelectorFromSet(labels.Set{"app": "web"})
	mine := []metav1.OwnerReference{NewControllerRef(owner, schema.GroupVersionKind{Group: "apps", Version: "v1", Kind: "ReplicaSet"})}
	theirs := []metav1.OwnerReference{{UID: "other", Controller: new(true)}}
	tests := []struct {
		name  string
		owner *metav1.ObjectMeta
		obj   *metav1.ObjectMeta
		want  Decision
	}{
		{"an owned matching object is kept", owner, &metav1.ObjectMeta{Labels: map[string]string{"app": "web"}, OwnerReferences: mine}, Keep},
		{"an owned object that stopped matching is released", owner, &metav1.ObjectMeta{Labels: map[string]string{"app": "x"}, OwnerReferences: mine}, Release},
		{"a matching orphan is adopted", owner, &metav1.ObjectMeta{Labels: map[string]string{"app": "web"}}, Adopt},
		{"a deleting owner adopts nothing", deleting, &metav1.ObjectMeta{Labels: map[string]string{"app": "web"}}, Ignore},
		{"an object of another controller is ignored", owner, &metav1.ObjectMeta{Labels: map[string]string{"app": "web"}, OwnerReferences: theirs}, Ignore},
		{"a non-matching orphan is ignored", owner, &metav1.ObjectMeta{Labels: map[string]string{"app": "x"}}, Ignore},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Decide(tt.owner, sel, tt.obj); got != tt.want {
				t.Errorf("Decide = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestAdoptAndReleasePatchesRoundTrip(t *testing.T) {
	pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "p", UID: "pod", OwnerReferences: []metav1.OwnerReference{{UID: "keep", Name: "k"}}}}
	owner := &metav1.ObjectMeta{Name: "rs", UID: "owner"}
	ref := NewControllerRef(owner, schema.GroupVersionKind{Group: "apps", Version: "v1", Kind: "ReplicaSet"})
	apply := func(patch []byte) *corev1.Pod {
		t.Helper()
		doc, _ := json.Marshal(pod)
		out, err := strategicpatch.Apply(doc, patch, pod)
		if err != nil {
			t.Fatal(err)
		}
		got := &corev1.Pod{}
		if err := json.Unmarshal(out, got); err != nil {
			t.Fatal(err)
		}
		return got
	}
	p, err := AdoptPatch(ref, pod.UID)
	if err != nil {
		t.Fatal(err)
	}
	pod = apply(p)
	if len(pod.OwnerReferences) != 2 || metav1.GetControllerOf(pod) == nil || metav1.GetControllerOf(pod).UID != "owner" {
		t.Fatalf("after adoption: %+v", pod.OwnerReferences)
	}
	p, err = ReleasePatch("owner", pod.UID)
	if err != nil {
		t.Fatal(err)
	}
	pod = apply(p)
	if len(pod.OwnerReferences) != 1 || pod.OwnerReferences[0].UID != "keep" {
		t.Fatalf("after release: %+v", pod.OwnerReferences)
	}
}

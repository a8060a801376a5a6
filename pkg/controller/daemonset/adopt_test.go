package daemonset

import (
	"testing"

	appsv1 "keel.dev/api/apps/v1"
	corev1 "keel.dev/api/core/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
)

func TestAdoptionAndRelease(t *testing.T) {
	orphan := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "orphan", Namespace: "ns", UID: "o", Labels: map[string]string{"app": "agent"}},
		Spec: corev1.PodSpec{NodeName: "n1"}}
	stray := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "stray", Namespace: "ns", UID: "s", Labels: map[string]string{"app": "other"},
		OwnerReferences: []metav1.OwnerReference{ownerRef(daemonSet())}}, Spec: corev1.PodSpec{NodeName: "n1"}}
	oldRev := &appsv1.ControllerRevision{ObjectMeta: metav1.ObjectMeta{Name: "agent-old", Namespace: "ns", UID: "r",
		Labels: map[string]string{"app": "agent"}}, Revision: 1}
	otherRev := &appsv1.ControllerRevision{ObjectMeta: metav1.ObjectMeta{Name: "unrelated", Namespace: "ns", UID: "u",
		Labels: map[string]string{"app": "db"}}, Revision: 1}
	// OnDelete keeps the adopted pod (of an older template) in place.
	onDelete := func(ds *appsv1.DaemonSet) { ds.Spec.UpdateStrategy.Type = appsv1.OnDeleteDaemonSetStrategyType }
	h := newHarness(t, daemonSet(onDelete), node("n1"), orphan, stray, oldRev, otherRev)
	h.settle()

	pods := h.podsByNode()["n1"]
	owners := map[string]string{"orphan": "<missing>", "stray": "<missing>"}
	for _, p := range pods {
		if ref := metav1.GetControllerOf(&p); ref != nil {
			owners[p.Name] = string(ref.UID)
		} else {
			owners[p.Name] = ""
		}
	}
	if owners["orphan"] != "ds-uid" {
		t.Errorf("orphan pod owner = %q, want the daemon set", owners["orphan"])
	}
	if owners["stray"] != "" {
		t.Errorf("non-matching pod owner = %q, want released", owners["stray"])
	}
	if len(pods) != 2 {
		t.Errorf("node n1 has %d pods, want the adopted one and the released one only", len(pods))
	}
	revs, err := h.cs.AppsV1().ControllerRevisions("ns").List(h.ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range revs.Items {
		ref := metav1.GetControllerOf(&r)
		switch r.Name {
		case "agent-old":
			if ref == nil || ref.UID != "ds-uid" {
				t.Errorf("matching orphan revision not adopted: %v", ref)
			}
		case "unrelated":
			if ref != nil {
				t.Errorf("revision of another selector adopted: %v", ref)
			}
		}
	}
}

package nodelifecycle

import (
	"fmt"
	"strings"
	"testing"
	"time"

	corev1 "keel.dev/api/core/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
)

func TestZoneStateOf(t *testing.T) {
	tests := []struct {
		name            string
		ready, notReady int
		want            ZoneState
	}{
		{"a zone with every node ready is normal", 5, 0, ZoneNormal},
		{"a zone without a ready node is fully disrupted", 0, 3, ZoneFullDisruption},
		{"two unhealthy nodes never make a partial disruption", 0 + 1, 2, ZoneNormal},
		{"three of four unhealthy is a partial disruption", 1, 3, ZonePartialDisruption},
		{"just below the threshold is normal", 10, 12, ZoneNormal},
		{"at the threshold is a partial disruption", 9, 11, ZonePartialDisruption},
		{"an empty zone is normal", 0, 0, ZoneNormal},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := zoneStateOf(tt.ready, tt.notReady, DefaultUnhealthyZoneThreshold); got != tt.want {
				t.Errorf("zoneStateOf(%d, %d) = %s, want %s", tt.ready, tt.notReady, got, tt.want)
			}
		})
	}
}

// silence lets every node go quiet past the grace period and syncs them.
func (h *harness) silence(t *testing.T, names ...string) {
	t.Helper()
	for _, n := range names {
		h.sync(t, n)
	}
	h.clock.Step(41 * time.Second)
	for _, n := range names {
		h.sync(t, n)
		h.node(t, n)
	}
}

func hasNoExecute(n *corev1.Node) bool {
	for _, t := range n.Spec.Taints {
		if isNodeNoExecute(t) {
			return true
		}
	}
	return false
}

func TestFullDisruptionEverywherePausesEviction(t *testing.T) {
	h := newHarness(t, readyNode("a", "z1"), readyNode("b", "z1"), podOn("p", "a"))
	h.silence(t, "a", "b")
	for _, n := range []string{"a", "b"} {
		node := h.node(t, n)
		if hasNoExecute(node) {
			t.Errorf("node %s got a NoExecute taint although no node is Ready: %v", n, node.Spec.Taints)
		}
		if !taintKeys(node)[TaintNodeUnreachable+":NoSchedule"] {
			t.Errorf("node %s lost its NoSchedule taint: %v", n, node.Spec.Taints)
		}
	}
	if !h.podExists(t, "p") {
		t.Error("a pod was evicted while every zone was fully disrupted")
	}
	if got := h.c.ZoneStates()[zoneOf(readyNode("", "z1"))]; got != ZoneFullDisruption {
		t.Errorf("zone state = %s, want FullDisruption", got)
	}
}

func TestFullDisruptionRemovesExistingNoExecuteTaints(t *testing.T) {
	n := readyNode("a", "z1")
	n.Status.Conditions[0].Status = corev1.ConditionUnknown
	added := metav1.NewTime(t0)
	n.Spec.Taints = []corev1.Taint{{Key: TaintNodeUnreachable, Effect: corev1.TaintEffectNoExecute, TimeAdded: &added},
		{Key: "user", Effect: corev1.TaintEffectNoExecute}}
	h := newHarness(t, n)
	h.sync(t, "a")
	keys := taintKeys(h.node(t, "a"))
	if keys[TaintNodeUnreachable+":NoExecute"] || !keys["user:NoExecute"] {
		t.Errorf("taints = %v, want the controller's NoExecute removed and the user's kept", keys)
	}
}

func TestOneFullyDisruptedZoneAmongHealthyOnesEvictsAtPrimaryRate(t *testing.T) {
	h := newHarness(t, readyNode("a", "z1"), readyNode("b", "z1"), readyNode("ok", "z2"), podOn("p", "a"))
	h.silence(t, "a", "b")
	if !hasNoExecute(h.node(t, "a")) {
		t.Error("first node of the down zone not tainted")
	}
	if hasNoExecute(h.node(t, "b")) {
		t.Error("second node tainted before 1/rate seconds")
	}
	if h.podExists(t, "p") {
		t.Error("pod of the down zone not evicted")
	}
	h.clock.Step(10 * time.Second)
	h.sync(t, "b")
	if !hasNoExecute(h.node(t, "b")) {
		t.Error("second node not tainted after 1/primary rate")
	}
}

// zoneOfFour is a zone z1 of four nodes, three of which will go silent,
// beside a healthy zone.
func zoneOfFour() []runtime.Object {
	var objs []runtime.Object
	for i := range 4 {
		objs = append(objs, readyNode(fmt.Sprintf("n%d", i), "z1"))
	}
	return append(objs, readyNode("ok", "z2"))
}

func TestPartialDisruptionOfASmallClusterStopsTainting(t *testing.T) {
	h := newHarness(t, zoneOfFour()...)
	h.silence(t, "n0", "n1", "n2")
	for _, n := range []string{"n0", "n1", "n2"} {
		if node := h.node(t, n); hasNoExecute(node) {
			t.Errorf("node %s tainted NoExecute in a partially disrupted small zone", n)
		}
	}
	if got := h.c.ZoneStates()[zoneOf(readyNode("", "z1"))]; got != ZonePartialDisruption {
		t.Errorf("zone state = %s, want PartialDisruption", got)
	}
}

func TestPartialDisruptionOfALargeClusterUsesTheSecondaryRate(t *testing.T) {
	h := newHarnessWith(t, Options{LargeClusterSizeThreshold: 3}, zoneOfFour()...)
	h.silence(t, "n0", "n1", "n2")
	tainted := 0
	for _, n := range []string{"n0", "n1", "n2"} {
		if hasNoExecute(h.node(t, n)) {
			tainted++
		}
	}
	// The first taint may come from the primary rate before the zone was
	// seen disrupted; the rest wait 1/0.01 s.
	if tainted > 1 {
		t.Fatalf("%d nodes tainted at once, want at most 1", tainted)
	}
	h.clock.Step(11 * time.Second)
	for _, n := range []string{"n0", "n1", "n2"} {
		h.sync(t, n)
	}
	now := 0
	for _, n := range []string{"n0", "n1", "n2"} {
		if hasNoExecute(h.node(t, n)) {
			now++
		}
	}
	if now != tainted {
		t.Fatalf("after 11 s: %d tainted (was %d); the secondary rate allows none", now, tainted)
	}
	h.clock.Step(100 * time.Second)
	for _, n := range []string{"n0", "n1", "n2"} {
		h.sync(t, n)
	}
	later := 0
	for _, n := range []string{"n0", "n1", "n2"} {
		if hasNoExecute(h.node(t, n)) {
			later++
		}
	}
	if later != tainted+1 {
		t.Errorf("after 1/secondary rate: %d tainted, want %d", later, tainted+1)
	}
}

func TestEvictionMarksDisruptionTarget(t *testing.T) {
	h := newHarness(t, readyNode("a", "z1"), readyNode("ok", "z2"), podOn("p", "a"))
	h.silence(t, "a")
	if h.podExists(t, "p") {
		t.Fatal("pod not evicted")
	}
	patched, deleted := -1, -1
	for i, a := range h.cs.Actions() {
		switch {
		case a.Verb == "patch" && a.Subresource == "status" && a.Name == "p":
			patched = i
			if !strings.Contains(string(a.Patch), `"DisruptionTarget"`) || !strings.Contains(string(a.Patch), ReasonDeletionByTaintManager) {
				t.Errorf("status patch = %s", a.Patch)
			}
		case a.Verb == "delete" && a.Name == "p":
			deleted = i
		}
	}
	if patched < 0 || deleted < patched {
		t.Errorf("status patch at %d, delete at %d: want the DisruptionTarget condition before the deletion", patched, deleted)
	}
}

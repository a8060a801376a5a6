package nodelifecycle

import (
	"context"
	"testing"
	"time"

	coordinationv1 "keel.dev/api/coordination/v1"
	corev1 "keel.dev/api/core/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/client/clock"
	"keel.dev/client/fake"
	"keel.dev/client/informers"
)

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

type harness struct {
	cs    *fake.Clientset
	c     *Controller
	clock *clock.Fake
}

func newHarness(t *testing.T, objs ...runtime.Object) *harness {
	t.Helper()
	return newHarnessWith(t, Options{}, objs...)
}

func newHarnessWith(t *testing.T, opts Options, objs ...runtime.Object) *harness {
	t.Helper()
	cs := fake.NewClientset(objs...)
	fc := clock.NewFake(t0)
	f := informers.NewFactory(cs.Clientset, 0)
	opts.Clock = fc
	c := New(cs.Clientset, f, opts)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(func() { cancel(); f.Shutdown() })
	f.Start(ctx)
	if !f.WaitForCacheSync(ctx) {
		t.Fatal("caches did not sync")
	}
	return &harness{cs: cs, c: c, clock: fc}
}

func readyNode(name, zone string) *corev1.Node {
	return &corev1.Node{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{LabelTopologyZone: zone}},
		Status: corev1.NodeStatus{Conditions: []corev1.NodeCondition{
			{Type: corev1.NodeReady, Status: corev1.ConditionTrue, LastHeartbeatTime: metav1.NewTime(t0)},
			{Type: corev1.NodeMemoryPressure, Status: corev1.ConditionFalse, LastHeartbeatTime: metav1.NewTime(t0)},
		}},
	}
}

func lease(name string, renew time.Time) *coordinationv1.Lease {
	rt := metav1.NewMicroTime(renew)
	return &coordinationv1.Lease{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: LeaseNamespace}, Spec: coordinationv1.LeaseSpec{RenewTime: &rt}}
}

func podOn(name, node string, tols ...corev1.Toleration) *corev1.Pod {
	return &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "default", CreationTimestamp: metav1.NewTime(t0.Add(-time.Hour))},
		Spec: corev1.PodSpec{NodeName: node, Tolerations: tols}}
}

func secs(n int64) *int64 { return &n }

func (h *harness) sync(t *testing.T, name string) {
	t.Helper()
	if err := h.c.sync(context.Background(), name); err != nil {
		t.Fatalf("sync %s: %v", name, err)
	}
}

// node returns the stored node after waiting until the informer agrees.
func (h *harness) node(t *testing.T, name string) *corev1.Node {
	t.Helper()
	n, err := h.cs.CoreV1().Nodes().Get(context.Background(), name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	h.waitCache(t, func() bool {
		cached, err := h.c.nodes.Get("", name)
		return err == nil && cached.ResourceVersion == n.ResourceVersion
	})
	return n
}

func (h *harness) waitCache(t *testing.T, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatal("informer cache never caught up")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func (h *harness) podExists(t *testing.T, name string) bool {
	t.Helper()
	_, err := h.cs.CoreV1().Pods("default").Get(context.Background(), name, metav1.GetOptions{})
	return err == nil
}

func taintKeys(n *corev1.Node) map[string]bool {
	out := map[string]bool{}
	for _, t := range n.Spec.Taints {
		out[t.Key+":"+string(t.Effect)] = true
	}
	return out
}

func TestSilentNodeIsMarkedUnknownTaintedAndEvicted(t *testing.T) {
	exists := corev1.Toleration{Key: TaintNodeUnreachable, Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoExecute}
	timed := exists
	timed.TolerationSeconds = secs(300)
	// healthy (never silent: it is not synced) keeps the cluster out of
	// full disruption, where eviction would pause.
	h := newHarness(t, readyNode("n1", "z"), lease("n1", t0), readyNode("healthy", "z2"),
		podOn("plain", "n1"), podOn("timed", "n1", timed), podOn("forever", "n1", exists))

	h.sync(t, "n1")
	h.clock.Step(30 * time.Second)
	h.sync(t, "n1")
	if n := h.node(t, "n1"); len(n.Spec.Taints) != 0 {
		t.Fatalf("taints within the grace period: %v", n.Spec.Taints)
	}

	h.clock.Step(11 * time.Second)
	h.sync(t, "n1")
	n := h.node(t, "n1")
	for _, ct := range monitoredConditions {
		_, cond := nodeCondition(n, ct)
		if cond == nil || cond.Status != corev1.ConditionUnknown {
			t.Fatalf("condition %s = %+v, want Unknown", ct, cond)
		}
		if ct == corev1.NodeReady && (cond.Reason != "NodeStatusUnknown" || cond.Message != "Kubelet stopped posting node status.") {
			t.Errorf("Ready reason/message = %q/%q", cond.Reason, cond.Message)
		}
	}
	keys := taintKeys(n)
	if !keys[TaintNodeUnreachable+":NoExecute"] || !keys[TaintNodeUnreachable+":NoSchedule"] {
		t.Errorf("taints = %v, want unreachable NoExecute and NoSchedule", keys)
	}
	if h.podExists(t, "plain") {
		t.Error("pod without tolerations was not evicted at once")
	}
	if !h.podExists(t, "timed") || !h.podExists(t, "forever") {
		t.Error("tolerating pods were evicted too early")
	}

	h.clock.Step(301 * time.Second)
	h.sync(t, "n1")
	if h.podExists(t, "timed") {
		t.Error("pod with tolerationSeconds 300 survived 300 s of the taint")
	}
	if !h.podExists(t, "forever") {
		t.Error("pod tolerating the taint forever was evicted")
	}

	// The kubelet comes back: the taints go away.
	n = h.node(t, "n1")
	n.Status.Conditions[0] = corev1.NodeCondition{Type: corev1.NodeReady, Status: corev1.ConditionTrue, LastHeartbeatTime: metav1.NewTime(h.clock.Now())}
	if _, err := h.cs.CoreV1().Nodes().UpdateStatus(context.Background(), n, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	h.node(t, "n1")
	h.sync(t, "n1")
	if keys := taintKeys(h.node(t, "n1")); len(keys) != 0 {
		t.Errorf("taints after recovery = %v", keys)
	}
}

func TestLeaseRenewalKeepsANodeHealthy(t *testing.T) {
	h := newHarness(t, readyNode("n1", "z"), lease("n1", t0))
	h.sync(t, "n1")
	for range 3 {
		h.clock.Step(30 * time.Second)
		l := lease("n1", h.clock.Now())
		cur, _ := h.cs.CoordinationV1().Leases(LeaseNamespace).Get(context.Background(), "n1", metav1.GetOptions{})
		l.ResourceVersion = cur.ResourceVersion
		updated, err := h.cs.CoordinationV1().Leases(LeaseNamespace).Update(context.Background(), l, metav1.UpdateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		h.waitCache(t, func() bool {
			c, err := h.c.leases.Get(LeaseNamespace, "n1")
			return err == nil && c.ResourceVersion == updated.ResourceVersion
		})
		h.sync(t, "n1")
	}
	if keys := taintKeys(h.node(t, "n1")); len(keys) != 0 {
		t.Errorf("a node renewing its lease got taints %v", keys)
	}
}

func TestNoScheduleTaintsMirrorConditions(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*corev1.Node)
		want   []string
	}{
		{"a not-ready node gets not-ready taints", func(n *corev1.Node) { n.Status.Conditions[0].Status = corev1.ConditionFalse },
			[]string{TaintNodeNotReady + ":NoSchedule", TaintNodeNotReady + ":NoExecute"}},
		{"an unschedulable node gets the unschedulable taint", func(n *corev1.Node) { n.Spec.Unschedulable = true },
			[]string{TaintNodeUnschedulable + ":NoSchedule"}},
		{"memory pressure gets its taint", func(n *corev1.Node) { n.Status.Conditions[1].Status = corev1.ConditionTrue },
			[]string{TaintNodeMemoryPressure + ":NoSchedule"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			n := readyNode("n1", "z")
			tc.mutate(n)
			h := newHarness(t, n, lease("n1", t0), readyNode("healthy", "z2"))
			h.sync(t, "n1")
			keys := taintKeys(h.node(t, "n1"))
			if len(keys) != len(tc.want) {
				t.Errorf("taints = %v, want %v", keys, tc.want)
			}
			for _, w := range tc.want {
				if !keys[w] {
					t.Errorf("missing %s in %v", w, keys)
				}
			}
		})
	}
}

func TestNoExecuteTaintingIsRateLimitedPerZone(t *testing.T) {
	h := newHarness(t, readyNode("a", "z1"), readyNode("b", "z1"), readyNode("c", "z2"), readyNode("healthy", "z3"))
	for _, n := range []string{"a", "b", "c"} {
		h.sync(t, n)
	}
	h.clock.Step(41 * time.Second)
	for _, n := range []string{"a", "b", "c"} {
		h.sync(t, n)
	}
	noExec := func(name string) bool { return taintKeys(h.node(t, name))[TaintNodeUnreachable+":NoExecute"] }
	if !noExec("a") || noExec("b") || !noExec("c") {
		t.Fatalf("NoExecute a=%v b=%v c=%v, want the second node of zone z1 held back", noExec("a"), noExec("b"), noExec("c"))
	}
	if !taintKeys(h.node(t, "b"))[TaintNodeUnreachable+":NoSchedule"] {
		t.Error("held-back node did not get its NoSchedule taint")
	}
	h.clock.Step(10 * time.Second)
	h.sync(t, "b")
	if !noExec("b") {
		t.Error("second node still untainted after 1/rate seconds")
	}
}

func TestPodsOfASilentNodeAreMarkedNotReady(t *testing.T) {
	ready := func(name, node string) *corev1.Pod {
		p := podOn(name, node, corev1.Toleration{Operator: corev1.TolerationOpExists})
		p.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue}}
		return p
	}
	h := newHarness(t, readyNode("n1", "z"), lease("n1", t0), readyNode("healthy", "z2"), lease("healthy", t0.Add(time.Hour)),
		ready("web", "n1"), ready("other", "healthy"))
	h.sync(t, "n1")
	h.clock.Step(41 * time.Second)
	h.sync(t, "n1")
	h.sync(t, "healthy")
	readyOf := func(name string) corev1.ConditionStatus {
		p, err := h.cs.CoreV1().Pods("default").Get(context.Background(), name, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		_, c := corev1.GetPodCondition(&p.Status, corev1.PodReady)
		if c == nil {
			return ""
		}
		return c.Status
	}
	if got := readyOf("web"); got != corev1.ConditionFalse {
		t.Errorf("pod on the silent node: Ready = %q, want False", got)
	}
	if got := readyOf("other"); got != corev1.ConditionTrue {
		t.Errorf("pod on the healthy node: Ready = %q, want True", got)
	}
}

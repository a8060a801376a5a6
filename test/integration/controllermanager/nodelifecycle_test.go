package controllermanager

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	coordinationv1 "keel.dev/api/coordination/v1"
	corev1 "keel.dev/api/core/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"

	"keel.dev/keel/pkg/controller-manager/app"
	"keel.dev/keel/pkg/controller/nodelifecycle"
)

// renewLease keeps node's Lease fresh until ctx ends.
func (c *cluster) renewLease(ctx context.Context, t *testing.T, node string) {
	t.Helper()
	now := metav1.NewMicroTime(time.Now())
	l := &coordinationv1.Lease{ObjectMeta: metav1.ObjectMeta{Name: node, Namespace: nodelifecycle.LeaseNamespace},
		Spec: coordinationv1.LeaseSpec{HolderIdentity: &node, RenewTime: &now}}
	if _, err := c.cs.CoordinationV1().Leases(nodelifecycle.LeaseNamespace).Create(c.ctx, l, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	go func() {
		for ctx.Err() == nil {
			time.Sleep(200 * time.Millisecond)
			cur, err := c.cs.CoordinationV1().Leases(nodelifecycle.LeaseNamespace).Get(ctx, node, metav1.GetOptions{})
			if err != nil {
				continue
			}
			rt := metav1.NewMicroTime(time.Now())
			cur.Spec.RenewTime = &rt
			_, _ = c.cs.CoordinationV1().Leases(nodelifecycle.LeaseNamespace).Update(ctx, cur, metav1.UpdateOptions{})
		}
	}()
}

func (c *cluster) taints(t *testing.T, node string) []string {
	t.Helper()
	n, err := c.cs.CoreV1().Nodes().Get(c.ctx, node, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, tt := range n.Spec.Taints {
		out = append(out, tt.Key+":"+string(tt.Effect))
	}
	return out
}

func TestNodeLifecycleEvictsPerZoneAndPausesWhenEveryZoneIsDown(t *testing.T) {
	c := startCluster(t, only("nodelifecycle"), func(o *app.Options) {
		o.NodeMonitorGracePeriod, o.NodeMonitorPeriod = 2*time.Second, 200*time.Millisecond
	})
	if _, err := c.cs.CoreV1().Namespaces().Create(c.ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: nodelifecycle.LeaseNamespace}},
		metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatal(err)
	}
	ns := c.namespace(t, "nodes")
	leases := map[string]context.CancelFunc{}
	for _, n := range []struct{ name, zone string }{{"alive", "zone-a"}, {"dead", "zone-b"}} {
		now := metav1.Now()
		node := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: n.name, Labels: map[string]string{nodelifecycle.LabelTopologyZone: n.zone}}}
		created, err := c.cs.CoreV1().Nodes().Create(c.ctx, node, metav1.CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		created.Status.Conditions = []corev1.NodeCondition{{Type: corev1.NodeReady, Status: corev1.ConditionTrue, LastHeartbeatTime: now, LastTransitionTime: now}}
		if _, err := c.cs.CoreV1().Nodes().UpdateStatus(c.ctx, created, metav1.UpdateOptions{}); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(c.ctx)
		leases[n.name] = cancel
		c.renewLease(ctx, t, n.name)
	}
	zero := int64(0)
	for _, node := range []string{"alive", "dead"} {
		p := orphanPod(ns, "on-"+node, nil)
		p.Spec.NodeName = node
		p.Spec.Tolerations = []corev1.Toleration{{Key: nodelifecycle.TaintNodeUnreachable, Operator: corev1.TolerationOpExists,
			Effect: corev1.TaintEffectNoExecute, TolerationSeconds: &zero}}
		if _, err := c.cs.CoreV1().Pods(ns).Create(c.ctx, p, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}

	// One zone goes silent: its node is tainted and its pod evicted.
	leases["dead"]()
	waitFor(t, 30*time.Second, "the silent node is tainted unreachable:NoExecute and its pod evicted", func() (bool, error) {
		_, err := c.cs.CoreV1().Pods(ns).Get(c.ctx, "on-dead", metav1.GetOptions{})
		taints := c.taints(t, "dead")
		return slices.Contains(taints, nodelifecycle.TaintNodeUnreachable+":NoExecute") && c.gone(t, err),
			fmt.Errorf("taints %v, pod err %v", taints, err)
	})
	if taints := c.taints(t, "alive"); len(taints) != 0 {
		t.Fatalf("the renewing node got taints %v", taints)
	}

	// Every zone goes silent: NoExecute taints are withdrawn, nothing more is evicted.
	leases["alive"]()
	waitFor(t, 30*time.Second, "both nodes are unreachable:NoSchedule without NoExecute taints", func() (bool, error) {
		a, d := c.taints(t, "alive"), c.taints(t, "dead")
		ok := slices.Contains(a, nodelifecycle.TaintNodeUnreachable+":NoSchedule") && slices.Contains(d, nodelifecycle.TaintNodeUnreachable+":NoSchedule") &&
			!slices.Contains(a, nodelifecycle.TaintNodeUnreachable+":NoExecute") && !slices.Contains(d, nodelifecycle.TaintNodeUnreachable+":NoExecute")
		return ok, fmt.Errorf("alive %v, dead %v", a, d)
	})
	if _, err := c.cs.CoreV1().Pods(ns).Get(c.ctx, "on-alive", metav1.GetOptions{}); err != nil {
		t.Errorf("the pod of the last node was evicted during a full disruption: %v", err)
	}
}

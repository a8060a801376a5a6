package nodelifecycle

import (
	"time"

	corev1 "keel.dev/api/core/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
)

// monitoredConditions are set to Unknown when a node goes silent.
var monitoredConditions = []corev1.NodeConditionType{
	corev1.NodeReady, corev1.NodeMemoryPressure, corev1.NodeDiskPressure, corev1.NodePIDPressure,
}

// observe records the node's current heartbeats and returns the local time
// of the last change.
func (c *Controller) observe(node *corev1.Node) time.Time {
	now := c.opts.Clock.Now()
	var hb, renew time.Time
	if _, cond := nodeCondition(node, corev1.NodeReady); cond != nil {
		hb = cond.LastHeartbeatTime.Time
	}
	if l, err := c.leases.Get(LeaseNamespace, node.Name); err == nil && l.Spec.RenewTime != nil {
		renew = l.Spec.RenewTime.Time
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	h := c.health[node.Name]
	if h == nil {
		h = &nodeHealth{probeTime: now, heartbeat: hb, renew: renew}
		c.health[node.Name] = h
		return h.probeTime
	}
	if !hb.Equal(h.heartbeat) {
		h.heartbeat, h.probeTime = hb, now
	}
	if renew.After(h.renew) {
		h.renew, h.probeTime = renew, now
	}
	return h.probeTime
}

func (c *Controller) forget(name string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.health, name)
}

func nodeCondition(node *corev1.Node, t corev1.NodeConditionType) (int, *corev1.NodeCondition) {
	for i := range node.Status.Conditions {
		if node.Status.Conditions[i].Type == t {
			return i, &node.Status.Conditions[i]
		}
	}
	return -1, nil
}

// markUnknown sets the monitored conditions of node to Unknown; it reports
// whether anything changed.
func markUnknown(node *corev1.Node, now time.Time) bool {
	changed := false
	ts := metav1.NewTime(now)
	for _, t := range monitoredConditions {
		_, cond := nodeCondition(node, t)
		if cond == nil {
			node.Status.Conditions = append(node.Status.Conditions, corev1.NodeCondition{
				Type: t, Status: corev1.ConditionUnknown, Reason: "NodeStatusNeverUpdated",
				Message: "Kubelet never posted node status.", LastHeartbeatTime: node.CreationTimestamp, LastTransitionTime: ts,
			})
			changed = true
			continue
		}
		if cond.Status != corev1.ConditionUnknown {
			cond.Status, cond.LastTransitionTime = corev1.ConditionUnknown, ts
			cond.Reason, cond.Message = "NodeStatusUnknown", "Kubelet stopped posting node status."
			changed = true
		}
	}
	return changed
}

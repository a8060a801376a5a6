package nodelifecycle

import (
	"slices"
	"time"

	corev1 "keel.dev/api/core/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
)

// Taint keys the controller manages.
const (
	TaintNodeNotReady           = "node.kubernetes.io/not-ready"
	TaintNodeUnreachable        = "node.kubernetes.io/unreachable"
	TaintNodeUnschedulable      = "node.kubernetes.io/unschedulable"
	TaintNodeMemoryPressure     = "node.kubernetes.io/memory-pressure"
	TaintNodeDiskPressure       = "node.kubernetes.io/disk-pressure"
	TaintNodePIDPressure        = "node.kubernetes.io/pid-pressure"
	TaintNodeNetworkUnavailable = "node.kubernetes.io/network-unavailable"
)

// LabelTopologyZone and LabelTopologyRegion place a node for rate limiting.
const (
	LabelTopologyZone   = "topology.kubernetes.io/zone"
	LabelTopologyRegion = "topology.kubernetes.io/region"
)

var managedKeys = []string{TaintNodeNotReady, TaintNodeUnreachable, TaintNodeUnschedulable, TaintNodeMemoryPressure,
	TaintNodeDiskPressure, TaintNodePIDPressure, TaintNodeNetworkUnavailable}

// wantedTaints returns the controller taints the node's conditions call for.
func wantedTaints(node *corev1.Node) []corev1.Taint {
	var out []corev1.Taint
	add := func(key string, effect corev1.TaintEffect) {
		out = append(out, corev1.Taint{Key: key, Effect: effect})
	}
	if _, ready := nodeCondition(node, corev1.NodeReady); ready != nil {
		switch ready.Status {
		case corev1.ConditionFalse:
			add(TaintNodeNotReady, corev1.TaintEffectNoSchedule)
			add(TaintNodeNotReady, corev1.TaintEffectNoExecute)
		case corev1.ConditionUnknown:
			add(TaintNodeUnreachable, corev1.TaintEffectNoSchedule)
			add(TaintNodeUnreachable, corev1.TaintEffectNoExecute)
		}
	}
	for t, key := range map[corev1.NodeConditionType]string{
		corev1.NodeMemoryPressure: TaintNodeMemoryPressure, corev1.NodeDiskPressure: TaintNodeDiskPressure,
		corev1.NodePIDPressure: TaintNodePIDPressure, corev1.NodeNetworkUnavailable: TaintNodeNetworkUnavailable,
	} {
		if _, cond := nodeCondition(node, t); cond != nil && cond.Status == corev1.ConditionTrue {
			add(key, corev1.TaintEffectNoSchedule)
		}
	}
	if node.Spec.Unschedulable {
		add(TaintNodeUnschedulable, corev1.TaintEffectNoSchedule)
	}
	return out
}

func hasTaint(ts []corev1.Taint, key string, effect corev1.TaintEffect) bool {
	return slices.ContainsFunc(ts, func(t corev1.Taint) bool { return t.Key == key && t.Effect == effect })
}

func isNodeNoExecute(t corev1.Taint) bool {
	return t.Effect == corev1.TaintEffectNoExecute && (t.Key == TaintNodeNotReady || t.Key == TaintNodeUnreachable)
}

// reconcileTaints rewrites node.Spec.Taints to carry the wanted controller
// taints. A new NoExecute taint on a node that has none yet is added only
// when allowNoExecute says so; with paused (every zone fully disrupted) the
// not-ready and unreachable NoExecute taints are removed instead. It
// returns whether the taints changed and whether a taint was held back.
func reconcileTaints(node *corev1.Node, now time.Time, paused bool, allowNoExecute func() bool) (changed, held bool) {
	want := wantedTaints(node)
	if paused {
		want = slices.DeleteFunc(want, isNodeNoExecute)
	}
	var out []corev1.Taint
	hadNoExecute := slices.ContainsFunc(node.Spec.Taints, isNodeNoExecute)
	for _, t := range node.Spec.Taints {
		if slices.Contains(managedKeys, t.Key) && (t.Effect == corev1.TaintEffectNoSchedule || t.Effect == corev1.TaintEffectNoExecute) &&
			!hasTaint(want, t.Key, t.Effect) {
			changed = true
			continue
		}
		out = append(out, t)
	}
	for _, t := range want {
		if hasTaint(out, t.Key, t.Effect) {
			continue
		}
		if t.Effect == corev1.TaintEffectNoExecute {
			if !hadNoExecute && !allowNoExecute() {
				held = true
				continue
			}
			ts := metav1.NewTime(now)
			t.TimeAdded = &ts
		}
		out = append(out, t)
		changed = true
	}
	node.Spec.Taints = out
	return changed, held
}

// zoneOf names the node's zone for rate limiting.
func zoneOf(node *corev1.Node) string {
	return node.Labels[LabelTopologyRegion] + ":\x00:" + node.Labels[LabelTopologyZone]
}

// takeZoneToken reports whether zone may get a NoExecute taint now, and if
// not, how long until it may.
func (c *Controller) takeZoneToken(zone string) (bool, time.Duration) {
	now := c.opts.Clock.Now()
	c.mu.Lock()
	defer c.mu.Unlock()
	rate := c.zoneRate(zone)
	if rate <= 0 {
		return false, c.opts.MonitorPeriod
	}
	next := c.zones[zone]
	if now.Before(next) {
		return false, next.Sub(now)
	}
	c.zones[zone] = now.Add(time.Duration(float64(time.Second) / rate))
	return true, 0
}

// tolerates reports whether tol tolerates taint.
func tolerates(tol *corev1.Toleration, taint *corev1.Taint) bool {
	if tol.Effect != "" && tol.Effect != taint.Effect {
		return false
	}
	if tol.Key != "" && tol.Key != taint.Key {
		return false
	}
	switch tol.Operator {
	case corev1.TolerationOpExists:
		return true
	case "", corev1.TolerationOpEqual:
		return tol.Value == taint.Value
	}
	return false
}

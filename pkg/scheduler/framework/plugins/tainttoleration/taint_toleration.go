package tainttoleration

import (
	"context"
	"fmt"
	"strconv"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/keel/pkg/scheduler/framework"
	"keel.dev/keel/pkg/scheduler/framework/plugins/names"
	"keel.dev/keel/pkg/scheduler/framework/plugins/scoring"
)

// Name is the plugin name.
const Name = names.TaintToleration

const preScoreStateKey framework.StateKey = "PreScore" + Name

// TaintToleration filters and scores nodes by taints.
type TaintToleration struct{}

var (
	_ framework.FilterPlugin      = (*TaintToleration)(nil)
	_ framework.PreScorePlugin    = (*TaintToleration)(nil)
	_ framework.ScorePlugin       = (*TaintToleration)(nil)
	_ framework.ScoreExtensions   = (*TaintToleration)(nil)
	_ framework.EnqueueExtensions = (*TaintToleration)(nil)
)

// New builds the plugin.
func New(context.Context, any, framework.Handle) (framework.Plugin, error) {
	return &TaintToleration{}, nil
}

// Name returns the plugin name.
func (*TaintToleration) Name() string { return Name }

// ToleratesTaint reports whether one toleration tolerates the taint. Gt and
// Lt compare the taint's integer value against the toleration's.
func ToleratesTaint(t *corev1.Toleration, taint *corev1.Taint) bool {
	if t.Effect != "" && t.Effect != taint.Effect {
		return false
	}
	if t.Key != "" && t.Key != taint.Key {
		return false
	}
	switch t.Operator {
	case "", corev1.TolerationOpEqual:
		return t.Value == taint.Value
	case corev1.TolerationOpExists:
		return true
	case corev1.TolerationOpGt, corev1.TolerationOpLt:
		tv, err1 := strconv.ParseInt(taint.Value, 10, 64)
		lv, err2 := strconv.ParseInt(t.Value, 10, 64)
		if err1 != nil || err2 != nil {
			return false
		}
		if t.Operator == corev1.TolerationOpGt {
			return tv > lv
		}
		return tv < lv
	}
	return false
}

// TolerationsTolerateTaint reports whether any toleration tolerates the taint.
func TolerationsTolerateTaint(ts []corev1.Toleration, taint *corev1.Taint) bool {
	for i := range ts {
		if ToleratesTaint(&ts[i], taint) {
			return true
		}
	}
	return false
}

// FindUntoleratedTaint returns the first taint with an effect accepted by
// filter that no toleration tolerates.
func FindUntoleratedTaint(taints []corev1.Taint, ts []corev1.Toleration, filter func(*corev1.Taint) bool) (*corev1.Taint, bool) {
	for i := range taints {
		t := &taints[i]
		if filter != nil && !filter(t) {
			continue
		}
		if !TolerationsTolerateTaint(ts, t) {
			return t, true
		}
	}
	return nil, false
}

// DoNotScheduleTaint reports whether the taint blocks scheduling (NoSchedule or NoExecute).
func DoNotScheduleTaint(t *corev1.Taint) bool {
	return t.Effect == corev1.TaintEffectNoSchedule || t.Effect == corev1.TaintEffectNoExecute
}

// Filter rejects nodes with an untolerated NoSchedule or NoExecute taint.
func (*TaintToleration) Filter(_ context.Context, _ *framework.CycleState, pod *corev1.Pod, ni *framework.NodeInfo) *framework.Status {
	taint, found := FindUntoleratedTaint(ni.Node().Spec.Taints, pod.Spec.Tolerations, DoNotScheduleTaint)
	if !found {
		return nil
	}
	return framework.NewStatus(framework.UnschedulableAndUnresolvable, fmt.Sprintf("node(s) had untolerated taint {%s: %s}", taint.Key, taint.Value))
}

type preScoreState []corev1.Toleration

func (s preScoreState) Clone() framework.StateData { return s }

// PreScore keeps the tolerations that matter for PreferNoSchedule.
func (*TaintToleration) PreScore(_ context.Context, state *framework.CycleState, pod *corev1.Pod, _ []*framework.NodeInfo) *framework.Status {
	var ts preScoreState
	for _, t := range pod.Spec.Tolerations {
		if t.Effect == "" || t.Effect == corev1.TaintEffectPreferNoSchedule {
			ts = append(ts, t)
		}
	}
	state.Write(preScoreStateKey, ts)
	return nil
}

// Score counts the untolerated PreferNoSchedule taints (normalized in reverse).
func (*TaintToleration) Score(_ context.Context, state *framework.CycleState, pod *corev1.Pod, ni *framework.NodeInfo) (int64, *framework.Status) {
	ts, err := framework.ReadAs[preScoreState](state, preScoreStateKey)
	if err != nil {
		return 0, framework.AsStatus(err)
	}
	var n int64
	for i := range ni.Node().Spec.Taints {
		t := &ni.Node().Spec.Taints[i]
		if t.Effect == corev1.TaintEffectPreferNoSchedule && !TolerationsTolerateTaint(ts, t) {
			n++
		}
	}
	return n, nil
}

// ScoreExtensions returns the plugin itself.
func (p *TaintToleration) ScoreExtensions() framework.ScoreExtensions { return p }

// NormalizeScore maps fewer untolerated taints to higher scores.
func (*TaintToleration) NormalizeScore(_ context.Context, _ *framework.CycleState, _ *corev1.Pod, scores framework.NodeScoreList) *framework.Status {
	return scoring.DefaultNormalizeScore(framework.MaxNodeScore, true, scores)
}

// EventsToRegister requeues on node taint changes and pod toleration updates.
func (*TaintToleration) EventsToRegister(context.Context) ([]framework.ClusterEvent, error) {
	return []framework.ClusterEvent{
		{Resource: framework.Node, ActionType: framework.Add | framework.UpdateNodeTaint},
		{Resource: framework.UnscheduledPod, ActionType: framework.UpdatePodTolerations},
	}, nil
}

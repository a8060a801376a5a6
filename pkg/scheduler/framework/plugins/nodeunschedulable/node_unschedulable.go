package nodeunschedulable

import (
	"context"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/keel/pkg/scheduler/framework"
	"keel.dev/keel/pkg/scheduler/framework/plugins/names"
	"keel.dev/keel/pkg/scheduler/framework/plugins/tainttoleration"
)

// Name is the plugin name.
const Name = names.NodeUnschedulable

// ErrReasonUnschedulable is the filter failure reason.
const ErrReasonUnschedulable = "node(s) were unschedulable"

// TaintNodeUnschedulable is the taint key of cordoned nodes.
const TaintNodeUnschedulable = "node.kubernetes.io/unschedulable"

// NodeUnschedulable filters cordoned nodes.
type NodeUnschedulable struct{}

var (
	_ framework.FilterPlugin      = (*NodeUnschedulable)(nil)
	_ framework.EnqueueExtensions = (*NodeUnschedulable)(nil)
)

// New builds the plugin.
func New(context.Context, any, framework.Handle) (framework.Plugin, error) {
	return &NodeUnschedulable{}, nil
}

// Name returns the plugin name.
func (*NodeUnschedulable) Name() string { return Name }

var unschedulableTaint = corev1.Taint{Key: TaintNodeUnschedulable, Effect: corev1.TaintEffectNoSchedule}

// Filter rejects cordoned nodes unless the pod tolerates the unschedulable taint.
func (*NodeUnschedulable) Filter(_ context.Context, _ *framework.CycleState, pod *corev1.Pod, ni *framework.NodeInfo) *framework.Status {
	if !ni.Node().Spec.Unschedulable {
		return nil
	}
	if tainttoleration.TolerationsTolerateTaint(pod.Spec.Tolerations, &unschedulableTaint) {
		return nil
	}
	return framework.NewStatus(framework.UnschedulableAndUnresolvable, ErrReasonUnschedulable)
}

// EventsToRegister requeues when nodes are added or uncordoned.
func (*NodeUnschedulable) EventsToRegister(context.Context) ([]framework.ClusterEvent, error) {
	return []framework.ClusterEvent{{Resource: framework.Node, ActionType: framework.Add | framework.UpdateNodeTaint}}, nil
}

package nodename

import (
	"context"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/keel/pkg/scheduler/framework"
	"keel.dev/keel/pkg/scheduler/framework/plugins/names"
)

// Name is the plugin name.
const Name = names.NodeName

// ErrReason is the filter failure reason.
const ErrReason = "node(s) didn't match the requested node name"

// NodeName filters nodes by spec.nodeName.
type NodeName struct{}

var (
	_ framework.FilterPlugin      = (*NodeName)(nil)
	_ framework.EnqueueExtensions = (*NodeName)(nil)
)

// New builds the plugin.
func New(context.Context, any, framework.Handle) (framework.Plugin, error) { return &NodeName{}, nil }

// Name returns the plugin name.
func (*NodeName) Name() string { return Name }

// Filter rejects nodes other than spec.nodeName.
func (*NodeName) Filter(_ context.Context, _ *framework.CycleState, pod *corev1.Pod, ni *framework.NodeInfo) *framework.Status {
	if pod.Spec.NodeName != "" && pod.Spec.NodeName != ni.Node().Name {
		return framework.NewStatus(framework.UnschedulableAndUnresolvable, ErrReason)
	}
	return nil
}

// EventsToRegister requeues on node additions.
func (*NodeName) EventsToRegister(context.Context) ([]framework.ClusterEvent, error) {
	return []framework.ClusterEvent{{Resource: framework.Node, ActionType: framework.Add | framework.Update}}, nil
}

package noderesources

import (
	"context"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/keel/pkg/scheduler/apis/config"
	"keel.dev/keel/pkg/scheduler/framework"
	"keel.dev/keel/pkg/scheduler/framework/plugins/names"
)

// BalancedAllocationName is the name of NodeResourcesBalancedAllocation.
const BalancedAllocationName = names.NodeResourcesBalancedAllocation

const balancedStateKey framework.StateKey = "PreScore" + BalancedAllocationName

// BalancedAllocation favors nodes whose resource fractions stay close to each other.
type BalancedAllocation struct {
	resources []resourceWeight
}

var (
	_ framework.PreScorePlugin = (*BalancedAllocation)(nil)
	_ framework.ScorePlugin    = (*BalancedAllocation)(nil)
)

// NewBalancedAllocation builds the plugin from *config.NodeResourcesBalancedAllocationArgs.
func NewBalancedAllocation(_ context.Context, args any, _ framework.Handle) (framework.Plugin, error) {
	specs := []config.ResourceSpec{{Name: "cpu", Weight: 1}, {Name: "memory", Weight: 1}}
	if a, ok := args.(*config.NodeResourcesBalancedAllocationArgs); ok && a != nil && len(a.Resources) > 0 {
		specs = a.Resources
	}
	return &BalancedAllocation{resources: toWeights(specs)}, nil
}

// Name returns the plugin name.
func (*BalancedAllocation) Name() string { return BalancedAllocationName }

// PreScore computes the pod's requests.
func (b *BalancedAllocation) PreScore(_ context.Context, state *framework.CycleState, pod *corev1.Pod, _ []*framework.NodeInfo) *framework.Status {
	state.Write(balancedStateKey, &preScoreState{podReq: podScoringRequests(pod, b.resources)})
	return nil
}

// Score rates balance after placing the pod.
func (b *BalancedAllocation) Score(_ context.Context, state *framework.CycleState, pod *corev1.Pod, ni *framework.NodeInfo) (int64, *framework.Status) {
	s, err := framework.ReadAs[*preScoreState](state, balancedStateKey)
	if err != nil {
		s = &preScoreState{podReq: podScoringRequests(pod, b.resources)}
	}
	return balancedScore(s.podReq, b.resources, ni), nil
}

// ScoreExtensions returns nil.
func (*BalancedAllocation) ScoreExtensions() framework.ScoreExtensions { return nil }

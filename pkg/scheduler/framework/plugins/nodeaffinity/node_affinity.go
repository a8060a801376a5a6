package nodeaffinity

import (
	"context"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/keel/pkg/scheduler/framework"
	"keel.dev/keel/pkg/scheduler/framework/plugins/names"
	"keel.dev/keel/pkg/scheduler/framework/plugins/scoring"
)

// Name is the plugin name.
const Name = names.NodeAffinity

// ErrReasonPod is the filter failure reason.
const ErrReasonPod = "node(s) didn't match Pod's node affinity/selector"

const (
	preFilterStateKey framework.StateKey = "PreFilter" + Name
	preScoreStateKey  framework.StateKey = "PreScore" + Name
)

// NodeAffinity filters and scores by node labels.
type NodeAffinity struct{}

var (
	_ framework.PreFilterPlugin   = (*NodeAffinity)(nil)
	_ framework.FilterPlugin      = (*NodeAffinity)(nil)
	_ framework.PreScorePlugin    = (*NodeAffinity)(nil)
	_ framework.ScorePlugin       = (*NodeAffinity)(nil)
	_ framework.EnqueueExtensions = (*NodeAffinity)(nil)
)

// New builds the plugin.
func New(context.Context, any, framework.Handle) (framework.Plugin, error) {
	return &NodeAffinity{}, nil
}

// Name returns the plugin name.
func (*NodeAffinity) Name() string { return Name }

type preFilterState struct{ RequiredNodeAffinity }

func (s *preFilterState) Clone() framework.StateData { return s }

// PreFilter parses the pod's node constraints, narrowing the nodes when every
// required term pins metadata.name with In. Pods without constraints skip Filter.
func (*NodeAffinity) PreFilter(_ context.Context, state *framework.CycleState, pod *corev1.Pod, _ []*framework.NodeInfo) (*framework.PreFilterResult, *framework.Status) {
	r := GetRequiredNodeAffinity(pod)
	if r.Empty() {
		return nil, framework.NewStatus(framework.Skip)
	}
	state.Write(preFilterStateKey, &preFilterState{r})
	aff := pod.Spec.Affinity
	if aff == nil || aff.NodeAffinity == nil || aff.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution == nil {
		return nil, nil
	}
	var nodeNames map[string]struct{}
	for _, t := range aff.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms {
		var termNames map[string]struct{}
		for _, f := range t.MatchFields {
			if f.Key == "metadata.name" && f.Operator == corev1.NodeSelectorOpIn {
				set := map[string]struct{}{}
				for _, v := range f.Values {
					if termNames == nil {
						set[v] = struct{}{}
					} else if _, ok := termNames[v]; ok {
						set[v] = struct{}{}
					}
				}
				termNames = set
			}
		}
		if termNames == nil {
			return nil, nil
		}
		if nodeNames == nil {
			nodeNames = map[string]struct{}{}
		}
		for n := range termNames {
			nodeNames[n] = struct{}{}
		}
	}
	if nodeNames == nil {
		return nil, nil
	}
	if len(nodeNames) == 0 {
		return nil, framework.NewStatus(framework.UnschedulableAndUnresolvable, ErrReasonPod)
	}
	return &framework.PreFilterResult{NodeNames: nodeNames}, nil
}

// PreFilterExtensions returns nil.
func (*NodeAffinity) PreFilterExtensions() framework.PreFilterExtensions { return nil }

// Filter rejects nodes not matching the selector or the required terms.
func (*NodeAffinity) Filter(_ context.Context, state *framework.CycleState, pod *corev1.Pod, ni *framework.NodeInfo) *framework.Status {
	s, err := framework.ReadAs[*preFilterState](state, preFilterStateKey)
	var r RequiredNodeAffinity
	if err != nil {
		r = GetRequiredNodeAffinity(pod)
	} else {
		r = s.RequiredNodeAffinity
	}
	if !r.Match(ni.Node()) {
		return framework.NewStatus(framework.UnschedulableAndUnresolvable, ErrReasonPod)
	}
	return nil
}

type weightedTerm struct {
	Term
	weight int64
}

type preScoreState []weightedTerm

func (s preScoreState) Clone() framework.StateData { return s }

// PreScore parses the preferred terms; pods without any skip Score.
func (*NodeAffinity) PreScore(_ context.Context, state *framework.CycleState, pod *corev1.Pod, _ []*framework.NodeInfo) *framework.Status {
	aff := pod.Spec.Affinity
	if aff == nil || aff.NodeAffinity == nil || len(aff.NodeAffinity.PreferredDuringSchedulingIgnoredDuringExecution) == 0 {
		return framework.NewStatus(framework.Skip)
	}
	var terms preScoreState
	for i := range aff.NodeAffinity.PreferredDuringSchedulingIgnoredDuringExecution {
		p := &aff.NodeAffinity.PreferredDuringSchedulingIgnoredDuringExecution[i]
		if p.Weight == 0 {
			continue
		}
		terms = append(terms, weightedTerm{NewTerm(&p.Preference), int64(p.Weight)})
	}
	state.Write(preScoreStateKey, terms)
	return nil
}

// Score sums the weights of matching preferred terms.
func (*NodeAffinity) Score(_ context.Context, state *framework.CycleState, _ *corev1.Pod, ni *framework.NodeInfo) (int64, *framework.Status) {
	terms, err := framework.ReadAs[preScoreState](state, preScoreStateKey)
	if err != nil {
		return 0, framework.AsStatus(err)
	}
	var s int64
	for i := range terms {
		if terms[i].Match(ni.Node()) {
			s += terms[i].weight
		}
	}
	return s, nil
}

// ScoreExtensions returns the plugin itself.
func (p *NodeAffinity) ScoreExtensions() framework.ScoreExtensions { return p }

// NormalizeScore scales scores to [0, 100].
func (*NodeAffinity) NormalizeScore(_ context.Context, _ *framework.CycleState, _ *corev1.Pod, scores framework.NodeScoreList) *framework.Status {
	return scoring.DefaultNormalizeScore(framework.MaxNodeScore, false, scores)
}

// EventsToRegister requeues on node additions and label changes.
func (*NodeAffinity) EventsToRegister(context.Context) ([]framework.ClusterEvent, error) {
	return []framework.ClusterEvent{{Resource: framework.Node, ActionType: framework.Add | framework.UpdateNodeLabel}}, nil
}

package interpodaffinity

import (
	"context"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/keel/pkg/scheduler/framework"
)

const preScoreStateKey framework.StateKey = "PreScore" + Name

type scoreMap map[string]map[string]int64

type preScoreState struct {
	topologyScore scoreMap
}

func (s *preScoreState) Clone() framework.StateData { return s }

func (m scoreMap) add(key, value string, w int64) {
	if w == 0 {
		return
	}
	vm := m[key]
	if vm == nil {
		vm = map[string]int64{}
		m[key] = vm
	}
	vm[value] += w
}

// PreScore sums, per topology domain, the weights of preferred terms between
// the incoming pod and the existing pods (and existing pods' required affinity).
func (p *InterPodAffinity) PreScore(_ context.Context, state *framework.CycleState, pod *corev1.Pod, _ []*framework.NodeInfo) *framework.Status {
	pi := framework.NewPodInfo(pod)
	if pi.ParseError != nil {
		return framework.AsStatus(pi.ParseError)
	}
	lister := p.h.SnapshotSharedLister().NodeInfos()
	hasPreferred := len(pi.PreferredAffinityTerms)+len(pi.PreferredAntiAffinityTerms) > 0
	nodes := lister.HavePodsWithAffinityList()
	if hasPreferred {
		nodes = lister.List()
	}
	if !hasPreferred && len(nodes) == 0 {
		return framework.NewStatus(framework.Skip)
	}
	m := scoreMap{}
	podNS := p.nsLabels(pod.Namespace)
	hard := int64(*p.args.HardPodAffinityWeight)
	for _, ni := range nodes {
		node := ni.Node()
		if node == nil {
			continue
		}
		list := ni.PodsWithAffinity
		if hasPreferred {
			list = ni.Pods
		}
		for _, e := range list {
			eNS := p.nsLabels(e.Pod.Namespace)
			for _, t := range pi.PreferredAffinityTerms {
				if t.Matches(e.Pod, eNS) {
					if v, ok := node.Labels[t.TopologyKey]; ok {
						m.add(t.TopologyKey, v, int64(t.Weight))
					}
				}
			}
			for _, t := range pi.PreferredAntiAffinityTerms {
				if t.Matches(e.Pod, eNS) {
					if v, ok := node.Labels[t.TopologyKey]; ok {
						m.add(t.TopologyKey, v, -int64(t.Weight))
					}
				}
			}
			if hard > 0 {
				for _, t := range e.RequiredAffinityTerms {
					if t.Matches(pod, podNS) {
						if v, ok := node.Labels[t.TopologyKey]; ok {
							m.add(t.TopologyKey, v, hard)
						}
					}
				}
			}
			if p.args.IgnorePreferredTermsOfExistingPods {
				continue
			}
			for _, t := range e.PreferredAffinityTerms {
				if t.Matches(pod, podNS) {
					if v, ok := node.Labels[t.TopologyKey]; ok {
						m.add(t.TopologyKey, v, int64(t.Weight))
					}
				}
			}
			for _, t := range e.PreferredAntiAffinityTerms {
				if t.Matches(pod, podNS) {
					if v, ok := node.Labels[t.TopologyKey]; ok {
						m.add(t.TopologyKey, v, -int64(t.Weight))
					}
				}
			}
		}
	}
	if len(m) == 0 {
		return framework.NewStatus(framework.Skip)
	}
	state.Write(preScoreStateKey, &preScoreState{topologyScore: m})
	return nil
}

// Score sums the domain scores of the node's topology labels.
func (p *InterPodAffinity) Score(_ context.Context, state *framework.CycleState, _ *corev1.Pod, ni *framework.NodeInfo) (int64, *framework.Status) {
	s, err := framework.ReadAs[*preScoreState](state, preScoreStateKey)
	if err != nil {
		return 0, framework.AsStatus(err)
	}
	var score int64
	for key, vals := range s.topologyScore {
		if v, ok := ni.Node().Labels[key]; ok {
			score += vals[v]
		}
	}
	return score, nil
}

// ScoreExtensions returns the plugin itself.
func (p *InterPodAffinity) ScoreExtensions() framework.ScoreExtensions { return p }

// NormalizeScore maps [min, max] to [0, 100].
func (p *InterPodAffinity) NormalizeScore(_ context.Context, _ *framework.CycleState, _ *corev1.Pod, scores framework.NodeScoreList) *framework.Status {
	if len(scores) == 0 {
		return nil
	}
	lo, hi := scores[0].Score, scores[0].Score
	for _, s := range scores {
		lo, hi = min(lo, s.Score), max(hi, s.Score)
	}
	for i := range scores {
		if hi > lo {
			scores[i].Score = framework.MaxNodeScore * (scores[i].Score - lo) / (hi - lo)
		} else {
			scores[i].Score = 0
		}
	}
	return nil
}

package podtopologyspread

import (
	"context"
	"math"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/keel/pkg/scheduler/framework"
	"keel.dev/keel/pkg/scheduler/framework/plugins/nodeaffinity"
)

const preScoreStateKey framework.StateKey = "PreScore" + Name

type preScoreState struct {
	constraints []constraint
	ignored     map[string]struct{}
	podCounts   map[topologyPair]int64
	weights     []float64
}

func (s *preScoreState) Clone() framework.StateData { return s }

// PreScore counts matching pods per domain for the ScheduleAnyway constraints.
func (p *PodTopologySpread) PreScore(_ context.Context, state *framework.CycleState, pod *corev1.Pod, filtered []*framework.NodeInfo) *framework.Status {
	cs, defaulted, err := p.constraintsFor(pod, corev1.ScheduleAnyway)
	if err != nil {
		return framework.AsStatus(err)
	}
	if len(cs) == 0 || len(filtered) == 0 {
		return framework.NewStatus(framework.Skip)
	}
	s := &preScoreState{constraints: cs, ignored: map[string]struct{}{}, podCounts: map[topologyPair]int64{}, weights: make([]float64, len(cs))}
	domains := make([]map[string]struct{}, len(cs))
	for i := range domains {
		domains[i] = map[string]struct{}{}
	}
	// Built-in defaults score nodes lacking some of their labels by the
	// constraints they have labels for; otherwise such nodes are ignored.
	requireAll := !(defaulted && p.systemDefaulted)
	for _, ni := range filtered {
		node := ni.Node()
		if requireAll && !nodeHasLabels(node, cs) {
			s.ignored[node.Name] = struct{}{}
			continue
		}
		for i := range cs {
			v, ok := node.Labels[cs[i].topologyKey]
			if !ok {
				continue
			}
			domains[i][v] = struct{}{}
			s.podCounts[topologyPair{cs[i].topologyKey, v}] += 0
		}
	}
	for i := range cs {
		s.weights[i] = math.Log(float64(len(domains[i]) + 2))
	}
	req := nodeaffinity.GetRequiredNodeAffinity(pod)
	for _, ni := range p.h.SnapshotSharedLister().NodeInfos().List() {
		node := ni.Node()
		if node == nil || (requireAll && !nodeHasLabels(node, cs)) {
			continue
		}
		for i := range cs {
			c := &cs[i]
			if !c.matchNodeInclusionPolicies(pod, node, &req) {
				continue
			}
			pair := topologyPair{c.topologyKey, node.Labels[c.topologyKey]}
			if _, ok := s.podCounts[pair]; !ok {
				continue
			}
			s.podCounts[pair] += int64(countPods(ni, pod.Namespace, c.selector))
		}
	}
	state.Write(preScoreStateKey, s)
	return nil
}

// Score sums, per constraint, the matching pods in the node's domain weighted by log(domains+2).
func (p *PodTopologySpread) Score(_ context.Context, state *framework.CycleState, _ *corev1.Pod, ni *framework.NodeInfo) (int64, *framework.Status) {
	s, err := framework.ReadAs[*preScoreState](state, preScoreStateKey)
	if err != nil {
		return 0, framework.AsStatus(err)
	}
	node := ni.Node()
	if _, ok := s.ignored[node.Name]; ok {
		return 0, nil
	}
	var score float64
	for i := range s.constraints {
		c := &s.constraints[i]
		if v, ok := node.Labels[c.topologyKey]; ok {
			cnt := s.podCounts[topologyPair{c.topologyKey, v}]
			score += float64(cnt)*s.weights[i] + float64(c.maxSkew-1)
		}
	}
	return int64(math.Round(score)), nil
}

// ScoreExtensions returns the plugin itself.
func (p *PodTopologySpread) ScoreExtensions() framework.ScoreExtensions { return p }

// NormalizeScore inverts the scores: the least crowded node gets 100; nodes lacking labels get 0.
func (p *PodTopologySpread) NormalizeScore(_ context.Context, state *framework.CycleState, _ *corev1.Pod, scores framework.NodeScoreList) *framework.Status {
	s, err := framework.ReadAs[*preScoreState](state, preScoreStateKey)
	if err != nil {
		return framework.AsStatus(err)
	}
	lo, hi := int64(math.MaxInt64), int64(math.MinInt64)
	for _, sc := range scores {
		if _, ok := s.ignored[sc.Name]; ok {
			continue
		}
		lo, hi = min(lo, sc.Score), max(hi, sc.Score)
	}
	for i := range scores {
		if _, ok := s.ignored[scores[i].Name]; ok {
			scores[i].Score = 0
			continue
		}
		if hi == 0 {
			scores[i].Score = framework.MaxNodeScore
			continue
		}
		scores[i].Score = framework.MaxNodeScore * (hi + lo - scores[i].Score) / hi
	}
	return nil
}

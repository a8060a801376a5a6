package podtopologyspread

import (
	"context"
	"math"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/apimachinery/pkg/labels"
	"keel.dev/keel/pkg/scheduler/framework"
	"keel.dev/keel/pkg/scheduler/framework/plugins/nodeaffinity"
)

const preFilterStateKey framework.StateKey = "PreFilter" + Name

type topologyPair struct{ key, value string }

type preFilterState struct {
	constraints []constraint
	// matchNum counts matching pods per domain; every eligible domain has an entry.
	matchNum map[topologyPair]int
	// minMatch is the smallest count per constraint; domains the number of domains.
	minMatch  []int
	domains   []int
	selfMatch []int
}

func (s *preFilterState) Clone() framework.StateData {
	out := &preFilterState{constraints: s.constraints, matchNum: make(map[topologyPair]int, len(s.matchNum)), selfMatch: s.selfMatch}
	for k, v := range s.matchNum {
		out.matchNum[k] = v
	}
	out.minMatch = append([]int(nil), s.minMatch...)
	out.domains = append([]int(nil), s.domains...)
	return out
}

func (s *preFilterState) recomputeMin() {
	for i := range s.constraints {
		s.minMatch[i] = math.MaxInt
		s.domains[i] = 0
	}
	for pair, n := range s.matchNum {
		for i := range s.constraints {
			if s.constraints[i].topologyKey == pair.key {
				s.domains[i]++
				s.minMatch[i] = min(s.minMatch[i], n)
			}
		}
	}
}

// PreFilter counts matching pods per domain for the DoNotSchedule constraints.
func (p *PodTopologySpread) PreFilter(ctx context.Context, state *framework.CycleState, pod *corev1.Pod, nodes []*framework.NodeInfo) (*framework.PreFilterResult, *framework.Status) {
	cs, _, err := p.constraintsFor(pod, corev1.DoNotSchedule)
	if err != nil {
		return nil, framework.AsStatus(err)
	}
	if len(cs) == 0 {
		return nil, framework.NewStatus(framework.Skip)
	}
	s := &preFilterState{constraints: cs, matchNum: map[topologyPair]int{}, minMatch: make([]int, len(cs)), domains: make([]int, len(cs)), selfMatch: make([]int, len(cs))}
	for i := range cs {
		if cs[i].selector.Matches(labels.Set(pod.Labels)) {
			s.selfMatch[i] = 1
		}
	}
	req := nodeaffinity.GetRequiredNodeAffinity(pod)
	// perNode[i*len(cs)+j] is node i's matching pod count for constraint j, -1 when the node does not count.
	perNode := make([]int32, len(nodes)*len(cs))
	p.parallelizer().Until(ctx, len(nodes), func(i int) {
		row := perNode[i*len(cs) : (i+1)*len(cs)]
		node := nodes[i].Node()
		if node == nil || !nodeHasLabels(node, cs) {
			for j := range row {
				row[j] = -1
			}
			return
		}
		for j := range cs {
			if !cs[j].matchNodeInclusionPolicies(pod, node, &req) {
				row[j] = -1
				continue
			}
			row[j] = int32(countPods(nodes[i], pod.Namespace, cs[j].selector))
		}
	})
	for i, ni := range nodes {
		for j := range cs {
			if n := perNode[i*len(cs)+j]; n >= 0 {
				s.matchNum[topologyPair{cs[j].topologyKey, ni.Node().Labels[cs[j].topologyKey]}] += int(n)
			}
		}
	}
	s.recomputeMin()
	state.Write(preFilterStateKey, s)
	return nil, nil
}

// PreFilterExtensions returns the plugin itself.
func (p *PodTopologySpread) PreFilterExtensions() framework.PreFilterExtensions { return p }

func (p *PodTopologySpread) update(state *framework.CycleState, pod *corev1.Pod, pi *framework.PodInfo, ni *framework.NodeInfo, delta int) *framework.Status {
	s, err := framework.ReadAs[*preFilterState](state, preFilterStateKey)
	if err != nil {
		return framework.AsStatus(err)
	}
	node := ni.Node()
	if node == nil || pi.Pod.Namespace != pod.Namespace || !nodeHasLabels(node, s.constraints) {
		return nil
	}
	req := nodeaffinity.GetRequiredNodeAffinity(pod)
	for i := range s.constraints {
		c := &s.constraints[i]
		if !c.matchNodeInclusionPolicies(pod, node, &req) || !c.selector.Matches(labels.Set(pi.Pod.Labels)) {
			continue
		}
		s.matchNum[topologyPair{c.topologyKey, node.Labels[c.topologyKey]}] += delta
	}
	s.recomputeMin()
	return nil
}

// AddPod accounts for a pod added to nodeInfo.
func (p *PodTopologySpread) AddPod(_ context.Context, state *framework.CycleState, pod *corev1.Pod, pi *framework.PodInfo, ni *framework.NodeInfo) *framework.Status {
	return p.update(state, pod, pi, ni, 1)
}

// RemovePod accounts for a pod removed from nodeInfo.
func (p *PodTopologySpread) RemovePod(_ context.Context, state *framework.CycleState, pod *corev1.Pod, pi *framework.PodInfo, ni *framework.NodeInfo) *framework.Status {
	return p.update(state, pod, pi, ni, -1)
}

// Filter rejects nodes whose domain would exceed maxSkew.
func (p *PodTopologySpread) Filter(_ context.Context, state *framework.CycleState, pod *corev1.Pod, ni *framework.NodeInfo) *framework.Status {
	s, err := framework.ReadAs[*preFilterState](state, preFilterStateKey)
	if err != nil {
		return framework.AsStatus(err)
	}
	node := ni.Node()
	for i := range s.constraints {
		c := &s.constraints[i]
		v, ok := node.Labels[c.topologyKey]
		if !ok {
			return framework.NewStatus(framework.UnschedulableAndUnresolvable, ErrReasonNodeLabelNotMatch)
		}
		minMatch := s.minMatch[i]
		if minMatch == math.MaxInt || int32(s.domains[i]) < c.minDomains {
			minMatch = 0
		}
		skew := s.matchNum[topologyPair{c.topologyKey, v}] + s.selfMatch[i] - minMatch
		if skew > int(c.maxSkew) {
			return framework.NewStatus(framework.Unschedulable, ErrReasonConstraintsNotMatch)
		}
	}
	return nil
}

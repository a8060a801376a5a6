package interpodaffinity

import (
	"context"
	"sync"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/apimachinery/pkg/labels"
	"keel.dev/keel/pkg/scheduler/framework"
)

const preFilterStateKey framework.StateKey = "PreFilter" + Name

type preFilterState struct {
	podInfo *framework.PodInfo
	// existingAnti counts existing pods whose required anti-affinity matches the incoming pod.
	existingAnti counts
	// affinity counts existing pods matching all of the incoming pod's required affinity terms.
	affinity counts
	// anti counts existing pods matching the incoming pod's required anti-affinity terms.
	anti     counts
	nsLabels labels.Set
}

func (s *preFilterState) Clone() framework.StateData {
	return &preFilterState{podInfo: s.podInfo, existingAnti: s.existingAnti.clone(), affinity: s.affinity.clone(), anti: s.anti.clone(), nsLabels: s.nsLabels}
}

func (s *preFilterState) updateWithPod(pi *framework.PodInfo, node *corev1.Node, ownNS func(string) labels.Set, v int64) {
	if node == nil {
		return
	}
	for i := range pi.RequiredAntiAffinityTerms {
		t := &pi.RequiredAntiAffinityTerms[i]
		if t.Matches(s.podInfo.Pod, s.nsLabels) {
			s.existingAnti.update(node, t.TopologyKey, v)
		}
	}
	ns := ownNS(pi.Pod.Namespace)
	if matchesAll(s.podInfo.RequiredAffinityTerms, pi.Pod, ns) {
		for _, t := range s.podInfo.RequiredAffinityTerms {
			s.affinity.update(node, t.TopologyKey, v)
		}
	}
	for i := range s.podInfo.RequiredAntiAffinityTerms {
		t := &s.podInfo.RequiredAntiAffinityTerms[i]
		if t.Matches(pi.Pod, ns) {
			s.anti.update(node, t.TopologyKey, v)
		}
	}
}

// PreFilter counts, per topology domain, the existing pods relevant to the
// incoming pod's required terms and the existing anti-affinity it violates.
func (p *InterPodAffinity) PreFilter(ctx context.Context, state *framework.CycleState, pod *corev1.Pod, nodes []*framework.NodeInfo) (*framework.PreFilterResult, *framework.Status) {
	pi := framework.NewPodInfo(pod)
	if pi.ParseError != nil {
		return nil, framework.NewStatus(framework.UnschedulableAndUnresolvable, pi.ParseError.Error())
	}
	lister := p.h.SnapshotSharedLister().NodeInfos()
	withAnti := lister.HavePodsWithRequiredAntiAffinityList()
	if len(pi.RequiredAffinityTerms) == 0 && len(pi.RequiredAntiAffinityTerms) == 0 && len(withAnti) == 0 {
		return nil, framework.NewStatus(framework.Skip)
	}
	s := &preFilterState{podInfo: pi, existingAnti: counts{}, affinity: counts{}, anti: counts{}, nsLabels: p.nsLabels(pod.Namespace)}
	for _, ni := range withAnti {
		for _, e := range ni.PodsWithRequiredAntiAffinity {
			for i := range e.RequiredAntiAffinityTerms {
				t := &e.RequiredAntiAffinityTerms[i]
				if t.Matches(pod, s.nsLabels) {
					s.existingAnti.update(ni.Node(), t.TopologyKey, 1)
				}
			}
		}
	}
	if len(pi.RequiredAffinityTerms)+len(pi.RequiredAntiAffinityTerms) > 0 {
		needNS := usesNamespaceSelector(pi.RequiredAffinityTerms) || usesNamespaceSelector(pi.RequiredAntiAffinityTerms)
		var mu sync.Mutex
		p.parallelizer().Until(ctx, len(nodes), func(i int) {
			ni := nodes[i]
			node := ni.Node()
			if node == nil {
				return
			}
			var aff, anti counts
			for _, e := range ni.Pods {
				var ns labels.Set
				if needNS {
					ns = p.nsLabels(e.Pod.Namespace)
				}
				if matchesAll(pi.RequiredAffinityTerms, e.Pod, ns) {
					if aff == nil {
						aff = counts{}
					}
					for _, t := range pi.RequiredAffinityTerms {
						aff.update(node, t.TopologyKey, 1)
					}
				}
				for i := range pi.RequiredAntiAffinityTerms {
					t := &pi.RequiredAntiAffinityTerms[i]
					if t.Matches(e.Pod, ns) {
						if anti == nil {
							anti = counts{}
						}
						anti.update(node, t.TopologyKey, 1)
					}
				}
			}
			if aff == nil && anti == nil {
				return
			}
			mu.Lock()
			for k, v := range aff {
				s.affinity[k] += v
			}
			for k, v := range anti {
				s.anti[k] += v
			}
			mu.Unlock()
		})
	}
	state.Write(preFilterStateKey, s)
	return nil, nil
}

// PreFilterExtensions returns the plugin itself.
func (p *InterPodAffinity) PreFilterExtensions() framework.PreFilterExtensions { return p }

// AddPod accounts for a pod added to nodeInfo.
func (p *InterPodAffinity) AddPod(_ context.Context, state *framework.CycleState, _ *corev1.Pod, pi *framework.PodInfo, ni *framework.NodeInfo) *framework.Status {
	s, err := framework.ReadAs[*preFilterState](state, preFilterStateKey)
	if err != nil {
		return framework.AsStatus(err)
	}
	s.updateWithPod(pi, ni.Node(), p.nsLabels, 1)
	return nil
}

// RemovePod accounts for a pod removed from nodeInfo.
func (p *InterPodAffinity) RemovePod(_ context.Context, state *framework.CycleState, _ *corev1.Pod, pi *framework.PodInfo, ni *framework.NodeInfo) *framework.Status {
	s, err := framework.ReadAs[*preFilterState](state, preFilterStateKey)
	if err != nil {
		return framework.AsStatus(err)
	}
	s.updateWithPod(pi, ni.Node(), p.nsLabels, -1)
	return nil
}

// Filter checks the incoming pod's affinity, its anti-affinity and the existing pods' anti-affinity.
func (p *InterPodAffinity) Filter(_ context.Context, state *framework.CycleState, _ *corev1.Pod, ni *framework.NodeInfo) *framework.Status {
	s, err := framework.ReadAs[*preFilterState](state, preFilterStateKey)
	if err != nil {
		return framework.AsStatus(err)
	}
	node := ni.Node()
	if !s.satisfiesAffinity(node) {
		return framework.NewStatus(framework.UnschedulableAndUnresolvable, ErrReasonAffinityRulesNotMatch)
	}
	for _, t := range s.podInfo.RequiredAntiAffinityTerms {
		if v, ok := node.Labels[t.TopologyKey]; ok && s.anti[topologyPair{t.TopologyKey, v}] > 0 {
			return framework.NewStatus(framework.Unschedulable, ErrReasonAntiAffinityRulesNotMatch)
		}
	}
	if len(s.existingAnti) > 0 {
		for k, v := range node.Labels {
			if s.existingAnti[topologyPair{k, v}] > 0 {
				return framework.NewStatus(framework.Unschedulable, ErrReasonExistingAntiAffinityRulesNotMatch)
			}
		}
	}
	return nil
}

// satisfiesAffinity requires every topology key on the node and a matching pod
// in each domain; a pod matching its own terms may start a group when no pod matches anywhere.
func (s *preFilterState) satisfiesAffinity(node *corev1.Node) bool {
	exist := true
	for _, t := range s.podInfo.RequiredAffinityTerms {
		v, ok := node.Labels[t.TopologyKey]
		if !ok {
			return false
		}
		if s.affinity[topologyPair{t.TopologyKey, v}] <= 0 {
			exist = false
		}
	}
	if exist {
		return true
	}
	return len(s.affinity) == 0 && matchesAll(s.podInfo.RequiredAffinityTerms, s.podInfo.Pod, s.nsLabels)
}

// usesNamespaceSelector reports whether any term selects namespaces by label.
func usesNamespaceSelector(terms []framework.AffinityTerm) bool {
	for i := range terms {
		if !labels.MatchesNothing(terms[i].NamespaceSelector) {
			return true
		}
	}
	return false
}

package podtopologyspread

import (
	"context"
	"fmt"

	corev1 "keel.dev/api/core/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/labels"
	"keel.dev/apimachinery/pkg/selection"
	"keel.dev/keel/pkg/scheduler/framework"
	"keel.dev/keel/pkg/scheduler/framework/plugins/names"
	"keel.dev/keel/pkg/scheduler/framework/plugins/nodeaffinity"
	"keel.dev/keel/pkg/scheduler/framework/plugins/tainttoleration"
)

// Name is the plugin name.
const Name = names.PodTopologySpread

// Filter failure reasons.
const (
	ErrReasonConstraintsNotMatch = "node(s) didn't match pod topology spread constraints"
	ErrReasonNodeLabelNotMatch   = ErrReasonConstraintsNotMatch + " (missing required label)"
)

// PodTopologySpread spreads pods over topology domains.
type PodTopologySpread struct{ h framework.Handle }

var (
	_ framework.PreFilterPlugin     = (*PodTopologySpread)(nil)
	_ framework.PreFilterExtensions = (*PodTopologySpread)(nil)
	_ framework.FilterPlugin        = (*PodTopologySpread)(nil)
	_ framework.PreScorePlugin      = (*PodTopologySpread)(nil)
	_ framework.ScorePlugin         = (*PodTopologySpread)(nil)
	_ framework.EnqueueExtensions   = (*PodTopologySpread)(nil)
)

// New builds the plugin.
func New(_ context.Context, _ any, h framework.Handle) (framework.Plugin, error) {
	return &PodTopologySpread{h: h}, nil
}

// Name returns the plugin name.
func (*PodTopologySpread) Name() string { return Name }

// EventsToRegister requeues on assigned pod changes and node label/taint changes.
func (*PodTopologySpread) EventsToRegister(context.Context) ([]framework.ClusterEvent, error) {
	return []framework.ClusterEvent{
		{Resource: framework.AssignedPod, ActionType: framework.All},
		{Resource: framework.Node, ActionType: framework.Add | framework.Delete | framework.UpdateNodeLabel | framework.UpdateNodeTaint},
	}, nil
}

type constraint struct {
	maxSkew           int32
	topologyKey       string
	selector          labels.Selector
	minDomains        int32
	honorNodeAffinity bool
	honorNodeTaints   bool
}

// buildConstraints parses the pod's constraints with the given action.
func buildConstraints(pod *corev1.Pod, action corev1.UnsatisfiableConstraintAction) ([]constraint, error) {
	var out []constraint
	for _, c := range pod.Spec.TopologySpreadConstraints {
		if c.WhenUnsatisfiable != action {
			continue
		}
		sel, err := metav1.LabelSelectorAsSelector(c.LabelSelector)
		if err != nil {
			return nil, fmt.Errorf("topology spread constraint %q: %w", c.TopologyKey, err)
		}
		if c.LabelSelector != nil {
			for _, k := range c.MatchLabelKeys {
				if v, ok := pod.Labels[k]; ok {
					r, err := labels.NewRequirement(k, selection.In, []string{v})
					if err != nil {
						return nil, err
					}
					sel = sel.Add(*r)
				}
			}
		}
		ct := constraint{
			maxSkew:           c.MaxSkew,
			topologyKey:       c.TopologyKey,
			selector:          sel,
			minDomains:        1,
			honorNodeAffinity: c.NodeAffinityPolicy == nil || *c.NodeAffinityPolicy == corev1.NodeInclusionPolicyHonor,
			honorNodeTaints:   c.NodeTaintsPolicy != nil && *c.NodeTaintsPolicy == corev1.NodeInclusionPolicyHonor,
		}
		if c.MinDomains != nil {
			ct.minDomains = *c.MinDomains
		}
		out = append(out, ct)
	}
	return out, nil
}

// matchNodeInclusionPolicies reports whether node counts for the constraint.
func (c *constraint) matchNodeInclusionPolicies(pod *corev1.Pod, node *corev1.Node, req *nodeaffinity.RequiredNodeAffinity) bool {
	if c.honorNodeAffinity && !req.Match(node) {
		return false
	}
	if c.honorNodeTaints {
		if _, untolerated := tainttoleration.FindUntoleratedTaint(node.Spec.Taints, pod.Spec.Tolerations, tainttoleration.DoNotScheduleTaint); untolerated {
			return false
		}
	}
	return true
}

func nodeHasLabels(node *corev1.Node, cs []constraint) bool {
	for i := range cs {
		if _, ok := node.Labels[cs[i].topologyKey]; !ok {
			return false
		}
	}
	return true
}

// countPods counts the live pods on ni in ns matching selector.
func countPods(ni *framework.NodeInfo, ns string, selector labels.Selector) int {
	n := 0
	for _, pi := range ni.Pods {
		p := pi.Pod
		if p.Namespace != ns || p.DeletionTimestamp != nil {
			continue
		}
		if selector.Matches(labels.Set(p.Labels)) {
			n++
		}
	}
	return n
}

func (p *PodTopologySpread) parallelizer() framework.Parallelizer {
	if p.h == nil {
		return framework.NewParallelizer(0)
	}
	return p.h.Parallelizer()
}

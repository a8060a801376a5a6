package podtopologyspread

import (
	"context"
	"fmt"

	corev1 "keel.dev/api/core/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/labels"
	"keel.dev/apimachinery/pkg/selection"
	"keel.dev/keel/pkg/scheduler/apis/config"
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
type PodTopologySpread struct {
	h framework.Handle
	// defaults are the constraints of pods without their own.
	defaults []corev1.TopologySpreadConstraint
	// systemDefaulted is set when defaults are the built-in ones; nodes
	// missing one of their topology labels are then still scored.
	systemDefaulted bool
}

var (
	_ framework.PreFilterPlugin     = (*PodTopologySpread)(nil)
	_ framework.PreFilterExtensions = (*PodTopologySpread)(nil)
	_ framework.FilterPlugin        = (*PodTopologySpread)(nil)
	_ framework.PreScorePlugin      = (*PodTopologySpread)(nil)
	_ framework.ScorePlugin         = (*PodTopologySpread)(nil)
	_ framework.EnqueueExtensions   = (*PodTopologySpread)(nil)
)

// New builds the plugin from *config.PodTopologySpreadArgs (nil: System
// defaulting).
func New(_ context.Context, args any, h framework.Handle) (framework.Plugin, error) {
	p := &PodTopologySpread{h: h}
	a, _ := args.(*config.PodTopologySpreadArgs)
	if a == nil || a.DefaultingType == "" || a.DefaultingType == config.SystemDefaulting {
		p.defaults, p.systemDefaulted = config.SystemDefaultConstraints(), true
	} else {
		p.defaults = a.DefaultConstraints
	}
	for _, c := range p.defaults {
		if c.LabelSelector != nil {
			return nil, fmt.Errorf("default constraint %q: must not define a labelSelector", c.TopologyKey)
		}
	}
	return p, nil
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

// constraintsFor returns the pod's constraints with the given action: its
// own, or, when it has none, the defaults with the selector derived from the
// Services and controller that group it (none when nothing groups it).
// defaulted reports the latter case.
func (p *PodTopologySpread) constraintsFor(pod *corev1.Pod, action corev1.UnsatisfiableConstraintAction) (cs []constraint, defaulted bool, err error) {
	if len(pod.Spec.TopologySpreadConstraints) > 0 {
		cs, err = buildConstraints(pod, pod.Spec.TopologySpreadConstraints, action, nil)
		return cs, false, err
	}
	want := false
	for _, c := range p.defaults {
		want = want || c.WhenUnsatisfiable == action
	}
	if !want {
		return nil, false, nil
	}
	sel, err := p.defaultSelector(pod)
	if err != nil || sel.Empty() {
		return nil, false, err
	}
	cs, err = buildConstraints(pod, p.defaults, action, sel)
	return cs, true, err
}

// buildConstraints parses constraints with the given action; a non-nil
// selector replaces their labelSelector (default constraints).
func buildConstraints(pod *corev1.Pod, in []corev1.TopologySpreadConstraint, action corev1.UnsatisfiableConstraintAction, selector labels.Selector) ([]constraint, error) {
	var out []constraint
	for _, c := range in {
		if c.WhenUnsatisfiable != action {
			continue
		}
		sel := selector
		if sel == nil {
			var err error
			if sel, err = metav1.LabelSelectorAsSelector(c.LabelSelector); err != nil {
				return nil, fmt.Errorf("topology spread constraint %q: %w", c.TopologyKey, err)
			}
		} else {
			sel = sel.DeepCopySelector()
		}
		if c.LabelSelector != nil || selector != nil {
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

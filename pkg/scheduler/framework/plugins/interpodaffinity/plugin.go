package interpodaffinity

import (
	"context"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/apimachinery/pkg/labels"
	"keel.dev/keel/pkg/scheduler/apis/config"
	"keel.dev/keel/pkg/scheduler/framework"
	"keel.dev/keel/pkg/scheduler/framework/plugins/names"
)

// Name is the plugin name.
const Name = names.InterPodAffinity

// Filter failure reasons.
const (
	ErrReasonExistingAntiAffinityRulesNotMatch = "node(s) didn't satisfy existing pods anti-affinity rules"
	ErrReasonAffinityRulesNotMatch             = "node(s) didn't match pod affinity rules"
	ErrReasonAntiAffinityRulesNotMatch         = "node(s) didn't match pod anti-affinity rules"
)

// InterPodAffinity filters and scores by pod (anti-)affinity.
type InterPodAffinity struct {
	h    framework.Handle
	args config.InterPodAffinityArgs
}

var (
	_ framework.PreFilterPlugin     = (*InterPodAffinity)(nil)
	_ framework.PreFilterExtensions = (*InterPodAffinity)(nil)
	_ framework.FilterPlugin        = (*InterPodAffinity)(nil)
	_ framework.PreScorePlugin      = (*InterPodAffinity)(nil)
	_ framework.ScorePlugin         = (*InterPodAffinity)(nil)
	_ framework.EnqueueExtensions   = (*InterPodAffinity)(nil)
)

// New builds the plugin from *config.InterPodAffinityArgs.
func New(_ context.Context, args any, h framework.Handle) (framework.Plugin, error) {
	p := &InterPodAffinity{h: h}
	w := int32(1)
	p.args.HardPodAffinityWeight = &w
	if a, ok := args.(*config.InterPodAffinityArgs); ok && a != nil {
		p.args = *a
		if p.args.HardPodAffinityWeight == nil {
			p.args.HardPodAffinityWeight = &w
		}
	}
	return p, nil
}

// Name returns the plugin name.
func (*InterPodAffinity) Name() string { return Name }

// EventsToRegister requeues on any assigned pod change and on node label changes.
func (*InterPodAffinity) EventsToRegister(context.Context) ([]framework.ClusterEvent, error) {
	return []framework.ClusterEvent{
		{Resource: framework.AssignedPod, ActionType: framework.All},
		{Resource: framework.Node, ActionType: framework.Add | framework.UpdateNodeLabel},
	}, nil
}

type topologyPair struct{ key, value string }

type counts map[topologyPair]int64

func (c counts) update(node *corev1.Node, key string, v int64) {
	if val, ok := node.Labels[key]; ok {
		p := topologyPair{key, val}
		c[p] += v
		if c[p] == 0 {
			delete(c, p)
		}
	}
}

func (c counts) clone() counts {
	out := make(counts, len(c))
	for k, v := range c {
		out[k] = v
	}
	return out
}

func (p *InterPodAffinity) nsLabels(ns string) labels.Set {
	return labels.Set(p.h.SnapshotSharedLister().NamespaceLabels(ns))
}

func matchesAll(terms []framework.AffinityTerm, pod *corev1.Pod, ns labels.Set) bool {
	if len(terms) == 0 {
		return false
	}
	for i := range terms {
		if !terms[i].Matches(pod, ns) {
			return false
		}
	}
	return true
}

func (p *InterPodAffinity) parallelizer() framework.Parallelizer {
	if p.h == nil {
		return framework.NewParallelizer(0)
	}
	return p.h.Parallelizer()
}

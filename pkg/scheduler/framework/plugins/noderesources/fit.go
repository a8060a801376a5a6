package noderesources

import (
	"context"
	"fmt"
	"strings"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/keel/pkg/scheduler/apis/config"
	"keel.dev/keel/pkg/scheduler/framework"
	"keel.dev/keel/pkg/scheduler/framework/plugins/names"
)

// FitName is the name of NodeResourcesFit.
const FitName = names.NodeResourcesFit

// ErrReasonTooManyPods is the reason when the node's pod capacity is used up.
const ErrReasonTooManyPods = "Too many pods"

const (
	preFilterStateKey framework.StateKey = "PreFilter" + FitName
	preScoreStateKey  framework.StateKey = "PreScore" + FitName
)

// Fit checks and scores resource requests.
type Fit struct {
	ignored       map[string]bool
	ignoredGroups []string
	scorer        scorer
}

var (
	_ framework.PreFilterPlugin   = (*Fit)(nil)
	_ framework.FilterPlugin      = (*Fit)(nil)
	_ framework.PreScorePlugin    = (*Fit)(nil)
	_ framework.ScorePlugin       = (*Fit)(nil)
	_ framework.EnqueueExtensions = (*Fit)(nil)
)

// NewFit builds NodeResourcesFit from *config.NodeResourcesFitArgs (nil means defaults).
func NewFit(_ context.Context, args any, _ framework.Handle) (framework.Plugin, error) {
	a, _ := args.(*config.NodeResourcesFitArgs)
	if a == nil {
		pc := config.PluginConfig{Name: FitName}
		cfg := config.KubeSchedulerConfiguration{Profiles: []config.Profile{{PluginConfig: []config.PluginConfig{pc}}}}
		config.SetDefaults(&cfg)
		a = cfg.Profiles[0].Args(FitName).(*config.NodeResourcesFitArgs)
	}
	f := &Fit{ignored: map[string]bool{}, ignoredGroups: a.IgnoredResourceGroups}
	for _, r := range a.IgnoredResources {
		f.ignored[r] = true
	}
	s, err := newScorer(a.ScoringStrategy)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", FitName, err)
	}
	f.scorer = s
	return f, nil
}

// Name returns the plugin name.
func (*Fit) Name() string { return FitName }

type preFilterState struct{ framework.Resource }

func (s *preFilterState) Clone() framework.StateData { return s }

// PreFilter computes the pod's requests once.
func (*Fit) PreFilter(_ context.Context, state *framework.CycleState, pod *corev1.Pod, _ []*framework.NodeInfo) (*framework.PreFilterResult, *framework.Status) {
	state.Write(preFilterStateKey, &preFilterState{*framework.PodRequests(pod, false)})
	return nil, nil
}

// PreFilterExtensions returns nil.
func (*Fit) PreFilterExtensions() framework.PreFilterExtensions { return nil }

// InsufficientResource is one resource the node lacks.
type InsufficientResource struct {
	ResourceName corev1.ResourceName
	Reason       string
	Requested    int64
	Used         int64
	Capacity     int64
	// Unresolvable is set when even an empty node could not hold the request.
	Unresolvable bool
}

// Filter rejects nodes without room for the pod's requests or pod count.
func (f *Fit) Filter(_ context.Context, state *framework.CycleState, pod *corev1.Pod, ni *framework.NodeInfo) *framework.Status {
	var req *framework.Resource
	if s, err := framework.ReadAs[*preFilterState](state, preFilterStateKey); err == nil {
		req = &s.Resource
	} else {
		req = framework.PodRequests(pod, false)
	}
	var buf [4]InsufficientResource
	insufficient := f.fits(req, ni, buf[:0])
	if len(insufficient) == 0 {
		return nil
	}
	code := framework.Unschedulable
	reasons := make([]string, 0, len(insufficient))
	for _, r := range insufficient {
		reasons = append(reasons, r.Reason)
		if r.Unresolvable {
			code = framework.UnschedulableAndUnresolvable
		}
	}
	return framework.NewStatus(code, reasons...)
}

// Fits reports the resources ni lacks for req (exported for preemption and tests).
func (f *Fit) Fits(req *framework.Resource, ni *framework.NodeInfo) []InsufficientResource {
	return f.fits(req, ni, nil)
}

func (f *Fit) fits(req *framework.Resource, ni *framework.NodeInfo, out []InsufficientResource) []InsufficientResource {
	alloc, used := ni.Allocatable, ni.Requested
	if int64(len(ni.Pods))+1 > alloc.AllowedPodNumber {
		out = append(out, InsufficientResource{ResourceName: corev1.ResourcePods, Reason: ErrReasonTooManyPods, Requested: 1, Used: int64(len(ni.Pods)), Capacity: alloc.AllowedPodNumber})
	}
	if req.MilliCPU == 0 && req.Memory == 0 && req.EphemeralStorage == 0 && len(req.ScalarResources) == 0 {
		return out
	}
	check := func(name corev1.ResourceName, reason string, r, a, u int64) {
		if r > 0 && r > a-u {
			out = append(out, InsufficientResource{ResourceName: name, Reason: reason, Requested: r, Used: u, Capacity: a, Unresolvable: r > a})
		}
	}
	check(corev1.ResourceCPU, "Insufficient cpu", req.MilliCPU, alloc.MilliCPU, used.MilliCPU)
	check(corev1.ResourceMemory, "Insufficient memory", req.Memory, alloc.Memory, used.Memory)
	check(corev1.ResourceEphemeralStorage, "Insufficient ephemeral-storage", req.EphemeralStorage, alloc.EphemeralStorage, used.EphemeralStorage)
	for name, r := range req.ScalarResources {
		if f.ignored[string(name)] || f.ignoredGroup(string(name)) {
			continue
		}
		check(name, "Insufficient "+string(name), r, alloc.ScalarResources[name], used.ScalarResources[name])
	}
	return out
}

func (f *Fit) ignoredGroup(name string) bool {
	if len(f.ignoredGroups) == 0 {
		return false
	}
	prefix, _, ok := strings.Cut(name, "/")
	if !ok {
		return false
	}
	for _, g := range f.ignoredGroups {
		if g == prefix {
			return true
		}
	}
	return false
}

type preScoreState struct{ podReq []int64 }

func (s *preScoreState) Clone() framework.StateData { return s }

// PreScore computes the pod's requests per scored resource.
func (f *Fit) PreScore(_ context.Context, state *framework.CycleState, pod *corev1.Pod, _ []*framework.NodeInfo) *framework.Status {
	state.Write(preScoreStateKey, &preScoreState{podReq: podScoringRequests(pod, f.scorer.resources)})
	return nil
}

// Score rates the node by the configured strategy.
func (f *Fit) Score(_ context.Context, state *framework.CycleState, pod *corev1.Pod, ni *framework.NodeInfo) (int64, *framework.Status) {
	s, err := framework.ReadAs[*preScoreState](state, preScoreStateKey)
	if err != nil {
		s = &preScoreState{podReq: podScoringRequests(pod, f.scorer.resources)}
	}
	return f.scorer.score(s.podReq, ni), nil
}

// ScoreExtensions returns nil: scores are already in [0, 100].
func (*Fit) ScoreExtensions() framework.ScoreExtensions { return nil }

// EventsToRegister requeues when pods go away or nodes gain allocatable.
func (*Fit) EventsToRegister(context.Context) ([]framework.ClusterEvent, error) {
	return []framework.ClusterEvent{
		{Resource: framework.AssignedPod, ActionType: framework.Delete | framework.UpdatePodScaleDown},
		{Resource: framework.Node, ActionType: framework.Add | framework.UpdateNodeAllocatable},
	}, nil
}

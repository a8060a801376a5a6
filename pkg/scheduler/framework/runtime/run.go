package runtime

import (
	"context"
	"errors"
	"fmt"
	"sync"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/keel/pkg/scheduler/framework"
)

// RunPreFilterPlugins runs the PreFilter plugins in order. It returns the
// merged node narrowing, and on rejection the status and the plugins that
// rejected. Plugins returning Skip are recorded in state.SkipFilterPlugins.
func (f *Framework) RunPreFilterPlugins(ctx context.Context, state *framework.CycleState, pod *corev1.Pod) (*framework.PreFilterResult, *framework.Status, map[string]struct{}) {
	var result *framework.PreFilterResult
	nodes := f.opts.Snapshot.NodeInfos().List()
	skip := map[string]struct{}{}
	var returned []string
	for _, p := range f.preFilter {
		r, s := p.PreFilter(ctx, state, pod, nodes)
		if s.IsSkip() {
			skip[p.Name()] = struct{}{}
			continue
		}
		if !s.IsSuccess() {
			s.WithPlugin(p.Name())
			if s.IsRejected() {
				return nil, s, map[string]struct{}{p.Name(): {}}
			}
			return nil, framework.AsStatus(fmt.Errorf("running PreFilter plugin %q: %w", p.Name(), s.AsError())).WithPlugin(p.Name()), nil
		}
		if !r.AllNodes() {
			returned = append(returned, p.Name())
		}
		result = result.Merge(r)
		if !result.AllNodes() && len(result.NodeNames) == 0 {
			msg := "node(s) didn't satisfy plugin(s) " + fmt.Sprint(returned)
			if len(returned) == 1 {
				msg = "node(s) didn't satisfy plugin " + returned[0]
			}
			rejected := map[string]struct{}{}
			for _, n := range returned {
				rejected[n] = struct{}{}
			}
			return nil, framework.NewStatus(framework.UnschedulableAndUnresolvable, msg), rejected
		}
	}
	state.SkipFilterPlugins = skip
	return result, nil, nil
}

// RunPreFilterExtensionAddPod tells PreFilter plugins that podInfoToAdd now runs on nodeInfo.
func (f *Framework) RunPreFilterExtensionAddPod(ctx context.Context, state *framework.CycleState, podToSchedule *corev1.Pod, podInfoToAdd *framework.PodInfo, nodeInfo *framework.NodeInfo) *framework.Status {
	for _, p := range f.preFilter {
		if _, skip := state.SkipFilterPlugins[p.Name()]; skip {
			continue
		}
		if ext := p.PreFilterExtensions(); ext != nil {
			if s := ext.AddPod(ctx, state, podToSchedule, podInfoToAdd, nodeInfo); !s.IsSuccess() {
				return framework.AsStatus(fmt.Errorf("running AddPod on PreFilter plugin %q: %w", p.Name(), s.AsError()))
			}
		}
	}
	return nil
}

// RunPreFilterExtensionRemovePod tells PreFilter plugins that podInfoToRemove left nodeInfo.
func (f *Framework) RunPreFilterExtensionRemovePod(ctx context.Context, state *framework.CycleState, podToSchedule *corev1.Pod, podInfoToRemove *framework.PodInfo, nodeInfo *framework.NodeInfo) *framework.Status {
	for _, p := range f.preFilter {
		if _, skip := state.SkipFilterPlugins[p.Name()]; skip {
			continue
		}
		if ext := p.PreFilterExtensions(); ext != nil {
			if s := ext.RemovePod(ctx, state, podToSchedule, podInfoToRemove, nodeInfo); !s.IsSuccess() {
				return framework.AsStatus(fmt.Errorf("running RemovePod on PreFilter plugin %q: %w", p.Name(), s.AsError()))
			}
		}
	}
	return nil
}

// RunFilterPlugins runs the Filter plugins on one node and returns the first
// non-success status, tagged with its plugin. Safe for concurrent use.
func (f *Framework) RunFilterPlugins(ctx context.Context, state *framework.CycleState, pod *corev1.Pod, nodeInfo *framework.NodeInfo) *framework.Status {
	for _, p := range f.filter {
		if len(state.SkipFilterPlugins) > 0 {
			if _, skip := state.SkipFilterPlugins[p.Name()]; skip {
				continue
			}
		}
		if s := p.Filter(ctx, state, pod, nodeInfo); !s.IsSuccess() {
			if !s.IsRejected() {
				s = framework.AsStatus(fmt.Errorf("running %q filter plugin: %w", p.Name(), s.AsError()))
			}
			return s.WithPlugin(p.Name())
		}
	}
	return nil
}

// RunFilterPluginsWithNominatedPods filters the node as if the pods nominated
// to it with at least pod's priority were running there, then, if any were
// added, again without them, so the pod fits either way.
func (f *Framework) RunFilterPluginsWithNominatedPods(ctx context.Context, state *framework.CycleState, pod *corev1.Pod, info *framework.NodeInfo) *framework.Status {
	var s *framework.Status
	podsAdded := false
	for i := 0; i < 2; i++ {
		stateToUse, infoToUse := state, info
		if i == 0 {
			var err error
			podsAdded, stateToUse, infoToUse, err = f.addNominatedPods(ctx, pod, state, info)
			if err != nil {
				return framework.AsStatus(err)
			}
		} else if !podsAdded || !s.IsSuccess() {
			break
		}
		s = f.RunFilterPlugins(ctx, stateToUse, pod, infoToUse)
		if !s.IsSuccess() && !s.IsRejected() {
			return s
		}
	}
	return s
}

func (f *Framework) addNominatedPods(ctx context.Context, pod *corev1.Pod, state *framework.CycleState, info *framework.NodeInfo) (bool, *framework.CycleState, *framework.NodeInfo, error) {
	if f.opts.Nominator == nil || info.Node() == nil {
		return false, state, info, nil
	}
	nominated := f.opts.Nominator.NominatedPodsForNode(info.Node().Name)
	if len(nominated) == 0 {
		return false, state, info, nil
	}
	infoOut := info.Clone()
	stateOut := state.Clone()
	added := false
	prio := framework.PodPriority(pod)
	for _, pi := range nominated {
		if framework.PodPriority(pi.Pod) >= prio && pi.Pod.UID != pod.UID {
			infoOut.AddPodInfo(pi)
			if s := f.RunPreFilterExtensionAddPod(ctx, stateOut, pod, pi, infoOut); !s.IsSuccess() {
				return false, state, info, s.AsError()
			}
			added = true
		}
	}
	return added, stateOut, infoOut, nil
}

// RunPostFilterPlugins runs PostFilter plugins until one succeeds or returns
// UnschedulableAndUnresolvable. Rejection messages are joined.
func (f *Framework) RunPostFilterPlugins(ctx context.Context, state *framework.CycleState, pod *corev1.Pod, statuses framework.NodeToStatusReader) (*framework.PostFilterResult, *framework.Status) {
	var reasons []string
	var result *framework.PostFilterResult
	for _, p := range f.postFilter {
		r, s := p.PostFilter(ctx, state, pod, statuses)
		if s.IsSuccess() {
			return r, s
		}
		if s.Code() == framework.UnschedulableAndUnresolvable {
			return r, s.WithPlugin(p.Name())
		}
		if !s.IsRejected() {
			return nil, framework.AsStatus(s.AsError()).WithPlugin(p.Name())
		}
		if r != nil && r.NominatedNodeName != "" || result == nil {
			result = r
		}
		reasons = append(reasons, s.Reasons()...)
	}
	return result, framework.NewStatus(framework.Unschedulable, reasons...)
}

// RunPreScorePlugins runs PreScore plugins; Skip is recorded in state.SkipScorePlugins.
func (f *Framework) RunPreScorePlugins(ctx context.Context, state *framework.CycleState, pod *corev1.Pod, nodes []*framework.NodeInfo) *framework.Status {
	skip := map[string]struct{}{}
	for _, p := range f.preScore {
		s := p.PreScore(ctx, state, pod, nodes)
		if s.IsSkip() {
			skip[p.Name()] = struct{}{}
			continue
		}
		if !s.IsSuccess() {
			return framework.AsStatus(fmt.Errorf("running PreScore plugin %q: %w", p.Name(), s.AsError()))
		}
	}
	state.SkipScorePlugins = skip
	return nil
}

// scorePool recycles the per-plugin score lists of scoring, the largest
// allocation of a scheduling cycle at thousands of nodes.
var scorePool = sync.Pool{New: func() any { return new([]framework.NodeScoreList) }}

// RunScorePlugins scores nodes with every Score plugin in parallel over
// nodes, normalizes each plugin's scores, applies weights and returns the
// total per node, aligned with nodes. When pluginScores is non-nil it
// receives each plugin's weighted scores (for tests and debugging).
func (f *Framework) RunScorePlugins(ctx context.Context, state *framework.CycleState, pod *corev1.Pod, nodes []*framework.NodeInfo, pluginScores map[string][]int64) ([]int64, *framework.Status) {
	active := make([]scorePlugin, 0, len(f.score))
	for _, p := range f.score {
		if _, skip := state.SkipScorePlugins[p.Name()]; !skip {
			active = append(active, p)
		}
	}
	totals := make([]int64, len(nodes))
	if len(active) == 0 {
		return totals, nil
	}
	buf := scorePool.Get().(*[]framework.NodeScoreList)
	defer scorePool.Put(buf)
	for len(*buf) < len(active) {
		*buf = append(*buf, nil)
	}
	scores := (*buf)[:len(active)]
	for i := range scores {
		if cap(scores[i]) < len(nodes) {
			scores[i] = make(framework.NodeScoreList, len(nodes))
		}
		scores[i] = scores[i][:len(nodes)]
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var firstErr errorOnce
	f.opts.Parallelizer.Until(ctx, len(nodes), func(n int) {
		ni := nodes[n]
		name := ni.Node().Name
		for i, p := range active {
			v, s := p.Score(ctx, state, pod, ni)
			if !s.IsSuccess() {
				firstErr.set(fmt.Errorf("running Score plugin %q: %w", p.Name(), s.AsError()))
				cancel()
				return
			}
			scores[i][n] = framework.NodeScore{Name: name, Score: v}
		}
	})
	if err := firstErr.get(); err != nil {
		return nil, framework.AsStatus(err)
	}
	for i, p := range active {
		if ext := p.ScoreExtensions(); ext != nil {
			if s := ext.NormalizeScore(ctx, state, pod, scores[i]); !s.IsSuccess() {
				return nil, framework.AsStatus(fmt.Errorf("running NormalizeScore of %q: %w", p.Name(), s.AsError()))
			}
		}
		var ps []int64
		if pluginScores != nil {
			ps = make([]int64, len(nodes))
		}
		for n := range scores[i] {
			v := scores[i][n].Score
			if v > framework.MaxNodeScore || v < framework.MinNodeScore {
				return nil, framework.AsStatus(fmt.Errorf("plugin %q returned an invalid score %d for node %q", p.Name(), v, scores[i][n].Name))
			}
			totals[n] += v * p.weight
			if ps != nil {
				ps[n] = v * p.weight
			}
		}
		if pluginScores != nil {
			pluginScores[p.Name()] = ps
		}
	}
	return totals, nil
}

// RunReservePluginsReserve runs Reserve in order, stopping at the first failure.
func (f *Framework) RunReservePluginsReserve(ctx context.Context, state *framework.CycleState, pod *corev1.Pod, nodeName string) *framework.Status {
	for _, p := range f.reserve {
		if s := p.Reserve(ctx, state, pod, nodeName); !s.IsSuccess() {
			if !s.IsRejected() {
				s = framework.AsStatus(fmt.Errorf("running Reserve plugin %q: %w", p.Name(), s.AsError()))
			}
			return s.WithPlugin(p.Name())
		}
	}
	return nil
}

// RunReservePluginsUnreserve runs Unreserve of every Reserve plugin in reverse order.
func (f *Framework) RunReservePluginsUnreserve(ctx context.Context, state *framework.CycleState, pod *corev1.Pod, nodeName string) {
	for i := len(f.reserve) - 1; i >= 0; i-- {
		f.reserve[i].Unreserve(ctx, state, pod, nodeName)
	}
}

// RunPermitPlugins runs Permit plugins. A rejection returns it; if any
// plugin asked to wait, the pod is registered as waiting and Wait is
// returned (call WaitOnPermit).
func (f *Framework) RunPermitPlugins(ctx context.Context, state *framework.CycleState, pod *corev1.Pod, nodeName string) *framework.Status {
	waits := map[string]timeout{}
	for _, p := range f.permit {
		s, d := p.Permit(ctx, state, pod, nodeName)
		switch {
		case s.IsSuccess():
		case s.IsWait():
			waits[p.Name()] = timeout(d)
		case s.IsRejected():
			return s.WithPlugin(p.Name())
		default:
			return framework.AsStatus(fmt.Errorf("running Permit plugin %q: %w", p.Name(), s.AsError())).WithPlugin(p.Name())
		}
	}
	if len(waits) > 0 {
		f.waiting.add(pod, waits)
		return framework.NewStatus(framework.Wait, "one or more plugins asked to wait")
	}
	return nil
}

// WaitOnPermit blocks until the waiting pod is allowed, rejected, timed out or ctx ends.
func (f *Framework) WaitOnPermit(ctx context.Context, pod *corev1.Pod) *framework.Status {
	wp := f.waiting.get(string(pod.UID))
	if wp == nil {
		return nil
	}
	defer f.waiting.remove(string(pod.UID))
	select {
	case s := <-wp.done:
		return s
	case <-ctx.Done():
		return framework.AsStatus(ctx.Err())
	}
}

// RunPreBindPlugins runs PreBind in order.
func (f *Framework) RunPreBindPlugins(ctx context.Context, state *framework.CycleState, pod *corev1.Pod, nodeName string) *framework.Status {
	for _, p := range f.preBind {
		if s := p.PreBind(ctx, state, pod, nodeName); !s.IsSuccess() {
			if !s.IsRejected() {
				s = framework.AsStatus(fmt.Errorf("running PreBind plugin %q: %w", p.Name(), s.AsError()))
			}
			return s.WithPlugin(p.Name())
		}
	}
	return nil
}

// RunBindPlugins runs Bind plugins until one does not Skip.
func (f *Framework) RunBindPlugins(ctx context.Context, state *framework.CycleState, pod *corev1.Pod, nodeName string) *framework.Status {
	for _, p := range f.bind {
		s := p.Bind(ctx, state, pod, nodeName)
		if s.IsSkip() {
			continue
		}
		if !s.IsSuccess() {
			if !s.IsRejected() {
				s = framework.AsStatus(fmt.Errorf("running Bind plugin %q: %w", p.Name(), s.AsError()))
			}
			return s.WithPlugin(p.Name())
		}
		return nil
	}
	return framework.AsStatus(errors.New("every bind plugin skipped the pod"))
}

// RunPostBindPlugins informs PostBind plugins.
func (f *Framework) RunPostBindPlugins(ctx context.Context, state *framework.CycleState, pod *corev1.Pod, nodeName string) {
	for _, p := range f.postBind {
		p.PostBind(ctx, state, pod, nodeName)
	}
}

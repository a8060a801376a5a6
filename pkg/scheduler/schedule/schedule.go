package schedule

import (
	"context"
	"errors"
	"hash/fnv"
	"math/rand/v2"
	"sync"
	"sync/atomic"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/keel/pkg/scheduler/framework"
	fwruntime "keel.dev/keel/pkg/scheduler/framework/runtime"
)

// ErrNoNodesAvailable is returned when the snapshot has no nodes.
var ErrNoNodesAvailable = errors.New("no nodes available to schedule pods")

// Bounds of the adaptive share of nodes to find feasible (Kubernetes' values).
const (
	minFeasibleNodesToFind           = 100
	minFeasibleNodesPercentageToFind = 5
)

// Result is the outcome of a successful cycle.
type Result struct {
	SuggestedHost  string
	EvaluatedNodes int
	FeasibleNodes  int
}

// Algorithm schedules pods one cycle at a time. It keeps the round-robin
// start index between cycles and is not safe for concurrent cycles.
type Algorithm struct {
	// PercentageOfNodesToScore is the global setting; 0 means adaptive.
	PercentageOfNodesToScore int32
	nextStartNodeIndex       int
}

// New returns an algorithm with the global percentageOfNodesToScore (nil or 0 = adaptive).
func New(percentage *int32) *Algorithm {
	a := &Algorithm{}
	if percentage != nil {
		a.PercentageOfNodesToScore = *percentage
	}
	return a
}

// Schedule picks a node for pod from snap, or returns a *framework.FitError.
func (a *Algorithm) Schedule(ctx context.Context, fwk *fwruntime.Framework, state *framework.CycleState, pod *corev1.Pod, snap *framework.Snapshot) (Result, error) {
	if snap.NumNodes() == 0 {
		return Result{}, ErrNoNodesAvailable
	}
	feasible, diag, err := a.findNodesThatFitPod(ctx, fwk, state, pod, snap)
	if err != nil {
		return Result{}, err
	}
	if len(feasible) == 0 {
		return Result{}, &framework.FitError{Pod: pod, NumAllNodes: snap.NumNodes(), Diagnosis: diag}
	}
	evaluated := len(feasible) + diag.NodeToStatus.Len()
	if len(feasible) == 1 {
		return Result{SuggestedHost: feasible[0].Node().Name, EvaluatedNodes: evaluated, FeasibleNodes: 1}, nil
	}
	totals, err := prioritize(ctx, fwk, state, pod, feasible)
	if err != nil {
		return Result{}, err
	}
	host := selectHost(pod, feasible, totals)
	return Result{SuggestedHost: host, EvaluatedNodes: evaluated, FeasibleNodes: len(feasible)}, nil
}

func (a *Algorithm) findNodesThatFitPod(ctx context.Context, fwk *fwruntime.Framework, state *framework.CycleState, pod *corev1.Pod, snap *framework.Snapshot) ([]*framework.NodeInfo, framework.Diagnosis, error) {
	diag := framework.Diagnosis{NodeToStatus: framework.NewNodeToStatus(), UnschedulablePlugins: map[string]struct{}{}}
	all := snap.List()
	pre, s, rejectors := fwk.RunPreFilterPlugins(ctx, state, pod)
	if !s.IsSuccess() {
		if !s.IsRejected() {
			return nil, diag, s.AsError()
		}
		diag.NodeToStatus.Absent = s
		diag.PreFilterMsg = s.Message()
		for p := range rejectors {
			diag.UnschedulablePlugins[p] = struct{}{}
		}
		return nil, diag, nil
	}
	if nom := pod.Status.NominatedNodeName; nom != "" {
		if ni, err := snap.Get(nom); err == nil && (pre.AllNodes() || contains(pre.NodeNames, nom)) {
			if fwk.RunFilterPluginsWithNominatedPods(ctx, state, pod, ni).IsSuccess() {
				return []*framework.NodeInfo{ni}, diag, nil
			}
		}
	}
	nodes := all
	if !pre.AllNodes() {
		nodes = make([]*framework.NodeInfo, 0, len(pre.NodeNames))
		for name := range pre.NodeNames {
			if ni, err := snap.Get(name); err == nil {
				nodes = append(nodes, ni)
			}
		}
	}
	feasible, err := a.findNodesThatPassFilters(ctx, fwk, state, pod, &diag, nodes)
	return feasible, diag, err
}

func contains(m map[string]struct{}, k string) bool {
	_, ok := m[k]
	return ok
}

// NumFeasibleNodesToFind returns how many feasible nodes a cycle looks for
// among numAll: all below 100 nodes or at 100%; otherwise the percentage
// (adaptive: 50% minus 1% per 125 nodes, at least 5%), but at least 100.
func NumFeasibleNodesToFind(percentage int32, numAll int) int {
	if numAll < minFeasibleNodesToFind || percentage >= 100 {
		return numAll
	}
	adaptive := percentage
	if adaptive <= 0 {
		adaptive = int32(50 - numAll/125)
		if adaptive < minFeasibleNodesPercentageToFind {
			adaptive = minFeasibleNodesPercentageToFind
		}
	}
	n := numAll * int(adaptive) / 100
	if n < minFeasibleNodesToFind {
		return minFeasibleNodesToFind
	}
	return n
}

func (a *Algorithm) percentage(fwk *fwruntime.Framework) int32 {
	if p := fwk.PercentageOfNodesToScore(); p != nil {
		return *p
	}
	return a.PercentageOfNodesToScore
}

func (a *Algorithm) findNodesThatPassFilters(ctx context.Context, fwk *fwruntime.Framework, state *framework.CycleState, pod *corev1.Pod, diag *framework.Diagnosis, nodes []*framework.NodeInfo) ([]*framework.NodeInfo, error) {
	numAll := len(nodes)
	if numAll == 0 {
		return nil, nil
	}
	toFind := NumFeasibleNodesToFind(a.percentage(fwk), numAll)
	start := a.nextStartNodeIndex % numAll
	if !fwk.HasFilterPlugins() {
		out := make([]*framework.NodeInfo, toFind)
		for i := range out {
			out[i] = nodes[(start+i)%numAll]
		}
		a.nextStartNodeIndex = (start + toFind) % numAll
		return out, nil
	}
	feasible := make([]*framework.NodeInfo, toFind)
	buf := statusPool.Get().(*[]*framework.Status)
	defer func() {
		clear(*buf)
		statusPool.Put(buf)
	}()
	if cap(*buf) < numAll {
		*buf = make([]*framework.Status, numAll)
	}
	statuses := (*buf)[:numAll]
	var count, failed atomic.Int32
	var errOnce sync.Once
	var firstErr error
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	fwk.Parallelizer().Until(ctx, numAll, func(i int) {
		if ctx.Err() != nil {
			return
		}
		ni := nodes[(start+i)%numAll]
		s := fwk.RunFilterPluginsWithNominatedPods(ctx, state, pod, ni)
		if s.IsSuccess() {
			n := count.Add(1)
			if int(n) > toFind {
				count.Add(-1)
				cancel()
				return
			}
			feasible[n-1] = ni
			if int(n) == toFind {
				cancel()
			}
			return
		}
		if s.Code() == framework.Error {
			errOnce.Do(func() { firstErr = s.AsError() })
			cancel()
			return
		}
		statuses[i] = s
		failed.Add(1)
	})
	if firstErr != nil {
		return nil, firstErr
	}
	for i, s := range statuses {
		if s != nil {
			diag.NodeToStatus.Set(nodes[(start+i)%numAll].Node().Name, s)
			diag.UnschedulablePlugins[s.Plugin()] = struct{}{}
		}
	}
	processed := int(count.Load()) + int(failed.Load())
	a.nextStartNodeIndex = (start + processed) % numAll
	return feasible[:count.Load()], nil
}

// statusPool recycles the per-node status slices of filtering: at thousands
// of nodes they are most of a cycle's garbage.
var statusPool = sync.Pool{New: func() any { return new([]*framework.Status) }}

func prioritize(ctx context.Context, fwk *fwruntime.Framework, state *framework.CycleState, pod *corev1.Pod, nodes []*framework.NodeInfo) ([]int64, error) {
	if !fwk.HasScorePlugins() {
		out := make([]int64, len(nodes))
		for i := range out {
			out[i] = 1
		}
		return out, nil
	}
	if s := fwk.RunPreScorePlugins(ctx, state, pod, nodes); !s.IsSuccess() {
		return nil, s.AsError()
	}
	totals, s := fwk.RunScorePlugins(ctx, state, pod, nodes, nil)
	if !s.IsSuccess() {
		return nil, s.AsError()
	}
	return totals, nil
}

// selectHost returns the highest-scoring node, breaking ties uniformly at
// random with a generator seeded from the pod's UID.
func selectHost(pod *corev1.Pod, nodes []*framework.NodeInfo, totals []int64) string {
	h := fnv.New64a()
	h.Write([]byte(pod.UID))
	h.Write([]byte(pod.Name))
	rng := rand.New(rand.NewPCG(h.Sum64(), uint64(len(nodes))))
	best, ties := 0, 1
	for i := 1; i < len(nodes); i++ {
		switch {
		case totals[i] > totals[best]:
			best, ties = i, 1
		case totals[i] == totals[best]:
			ties++
			if rng.IntN(ties) == 0 {
				best = i
			}
		}
	}
	return nodes[best].Node().Name
}

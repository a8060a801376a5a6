package testing

import (
	"context"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/keel/pkg/scheduler/framework"
)

// RunFilter runs pl's PreFilter (if any) and Filter for pod on every node of
// snap, returning each node's status ("" key holds a PreFilter rejection).
func RunFilter(pl framework.Plugin, pod *corev1.Pod, snap *framework.Snapshot) map[string]*framework.Status {
	ctx := context.Background()
	state := framework.NewCycleState()
	out := map[string]*framework.Status{}
	if pf, ok := pl.(framework.PreFilterPlugin); ok {
		res, s := pf.PreFilter(ctx, state, pod, snap.List())
		if s.IsSkip() {
			for _, ni := range snap.List() {
				out[ni.Node().Name] = nil
			}
			return out
		}
		if !s.IsSuccess() {
			out[""] = s
			return out
		}
		if !res.AllNodes() {
			for _, ni := range snap.List() {
				if _, ok := res.NodeNames[ni.Node().Name]; !ok {
					out[ni.Node().Name] = framework.NewStatus(framework.UnschedulableAndUnresolvable, "excluded by PreFilterResult")
				}
			}
		}
	}
	f := pl.(framework.FilterPlugin)
	for _, ni := range snap.List() {
		if _, done := out[ni.Node().Name]; done {
			continue
		}
		out[ni.Node().Name] = f.Filter(ctx, state, pod, ni)
	}
	return out
}

// RunScore runs pl's PreScore (if any), Score and NormalizeScore over every node of snap.
func RunScore(pl framework.Plugin, pod *corev1.Pod, snap *framework.Snapshot) (map[string]int64, *framework.Status) {
	ctx := context.Background()
	state := framework.NewCycleState()
	if ps, ok := pl.(framework.PreScorePlugin); ok {
		if s := ps.PreScore(ctx, state, pod, snap.List()); s.IsSkip() {
			return nil, s
		} else if !s.IsSuccess() {
			return nil, s
		}
	}
	sp := pl.(framework.ScorePlugin)
	list := make(framework.NodeScoreList, 0, len(snap.List()))
	for _, ni := range snap.List() {
		v, s := sp.Score(ctx, state, pod, ni)
		if !s.IsSuccess() {
			return nil, s
		}
		list = append(list, framework.NodeScore{Name: ni.Node().Name, Score: v})
	}
	if ext := sp.ScoreExtensions(); ext != nil {
		if s := ext.NormalizeScore(ctx, state, pod, list); !s.IsSuccess() {
			return nil, s
		}
	}
	out := map[string]int64{}
	for _, s := range list {
		out[s.Name] = s.Score
	}
	return out, nil
}

// Reasons renders a status map as node → "Code: reasons" for comparisons ("" for success).
func Reasons(m map[string]*framework.Status) map[string]string {
	out := map[string]string{}
	for k, s := range m {
		if s.IsSuccess() {
			out[k] = ""
			continue
		}
		out[k] = s.String()
	}
	return out
}

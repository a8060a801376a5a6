package scoring

import "keel.dev/keel/pkg/scheduler/framework"

// DefaultNormalizeScore scales scores so the highest becomes maxPriority; with
// reverse, higher raw scores end up lower. All-zero scores become maxPriority
// when reversed and stay zero otherwise.
func DefaultNormalizeScore(maxPriority int64, reverse bool, scores framework.NodeScoreList) *framework.Status {
	var top int64
	for i := range scores {
		top = max(top, scores[i].Score)
	}
	if top == 0 {
		if reverse {
			for i := range scores {
				scores[i].Score = maxPriority
			}
		}
		return nil
	}
	for i := range scores {
		s := maxPriority * scores[i].Score / top
		if reverse {
			s = maxPriority - s
		}
		scores[i].Score = s
	}
	return nil
}

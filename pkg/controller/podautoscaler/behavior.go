package podautoscaler

import (
	"math"
	"time"

	autoscalingv2 "keel.dev/api/autoscaling/v2"
)

// DefaultScaleDownWindow is the scale-down stabilization window when none is set.
const DefaultScaleDownWindow = 300 * time.Second

type timedValue struct {
	at    time.Time
	value int32
}

// history is the per-autoscaler memory used by stabilization and policies.
type history struct {
	recommendations []timedValue
	events          []timedValue // replica deltas applied, positive for scale up
}

func defaultScaleUp() autoscalingv2.HPAScalingRules {
	mx := autoscalingv2.MaxChangePolicySelect
	zero := int32(0)
	return autoscalingv2.HPAScalingRules{
		StabilizationWindowSeconds: &zero, SelectPolicy: &mx,
		Policies: []autoscalingv2.HPAScalingPolicy{
			{Type: autoscalingv2.PodsScalingPolicy, Value: 4, PeriodSeconds: 15},
			{Type: autoscalingv2.PercentScalingPolicy, Value: 100, PeriodSeconds: 15},
		},
	}
}

func defaultScaleDown() autoscalingv2.HPAScalingRules {
	mx := autoscalingv2.MaxChangePolicySelect
	w := int32(DefaultScaleDownWindow / time.Second)
	return autoscalingv2.HPAScalingRules{
		StabilizationWindowSeconds: &w, SelectPolicy: &mx,
		Policies: []autoscalingv2.HPAScalingPolicy{{Type: autoscalingv2.PercentScalingPolicy, Value: 100, PeriodSeconds: 15}},
	}
}

// rules merges the configured rules over the defaults.
func rules(b *autoscalingv2.HorizontalPodAutoscalerBehavior) (up, down autoscalingv2.HPAScalingRules) {
	up, down = defaultScaleUp(), defaultScaleDown()
	merge := func(dst *autoscalingv2.HPAScalingRules, src *autoscalingv2.HPAScalingRules) {
		if src == nil {
			return
		}
		if src.StabilizationWindowSeconds != nil {
			dst.StabilizationWindowSeconds = src.StabilizationWindowSeconds
		}
		if src.SelectPolicy != nil {
			dst.SelectPolicy = src.SelectPolicy
		}
		if len(src.Policies) > 0 {
			dst.Policies = src.Policies
		}
	}
	if b != nil {
		merge(&up, b.ScaleUp)
		merge(&down, b.ScaleDown)
	}
	return up, down
}

// normalize applies stabilization windows and rate policies to the raw
// recommendation and records it; it returns the replicas to apply.
func (h *history) normalize(current, proposed int32, b *autoscalingv2.HorizontalPodAutoscalerBehavior, now time.Time) int32 {
	up, down := rules(b)
	upWin := time.Duration(*up.StabilizationWindowSeconds) * time.Second
	downWin := time.Duration(*down.StabilizationWindowSeconds) * time.Second
	h.recommendations = append(h.recommendations, timedValue{now, proposed})
	upRec, downRec := proposed, proposed
	keep := h.recommendations[:0]
	longest := max(upWin, downWin)
	for _, r := range h.recommendations {
		age := now.Sub(r.at)
		if age < upWin && r.value < upRec {
			upRec = r.value
		}
		if age < downWin && r.value > downRec {
			downRec = r.value
		}
		if age <= longest {
			keep = append(keep, r)
		}
	}
	h.recommendations = keep
	desired := current
	if desired < upRec {
		desired = upRec
	}
	if desired > downRec {
		desired = downRec
	}
	switch {
	case desired > current:
		desired = min(desired, h.limit(current, up, now, true))
	case desired < current:
		desired = max(desired, h.limit(current, down, now, false))
	}
	return desired
}

// limit is the furthest the policies allow moving from current.
func (h *history) limit(current int32, r autoscalingv2.HPAScalingRules, now time.Time, up bool) int32 {
	if *r.SelectPolicy == autoscalingv2.DisabledPolicySelect {
		return current
	}
	var best int32
	first := true
	for _, p := range r.Policies {
		var added, removed int32
		for _, e := range h.events {
			if now.Sub(e.at) <= time.Duration(p.PeriodSeconds)*time.Second {
				if e.value > 0 {
					added += e.value
				} else {
					removed -= e.value
				}
			}
		}
		var l int32
		if up {
			start := current - added + removed
			if p.Type == autoscalingv2.PodsScalingPolicy {
				l = start + p.Value
			} else {
				l = int32(math.Ceil(float64(start) * (1 + float64(p.Value)/100)))
			}
		} else {
			start := current + removed - added
			if p.Type == autoscalingv2.PodsScalingPolicy {
				l = start - p.Value
			} else {
				l = int32(math.Ceil(float64(start) * (1 - float64(p.Value)/100)))
			}
		}
		// Max selects the policy allowing the biggest change.
		wantBigger := up == (*r.SelectPolicy != autoscalingv2.MinChangePolicySelect)
		if first || (wantBigger && l > best) || (!wantBigger && l < best) {
			best, first = l, false
		}
	}
	if first {
		return current
	}
	return best
}

// record remembers an applied scale change and forgets old ones.
func (h *history) record(delta int32, now time.Time) {
	keep := h.events[:0]
	for _, e := range h.events {
		if now.Sub(e.at) <= 30*time.Minute {
			keep = append(keep, e)
		}
	}
	h.events = keep
	if delta != 0 {
		h.events = append(h.events, timedValue{now, delta})
	}
}

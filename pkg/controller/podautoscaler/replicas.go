package podautoscaler

import (
	"fmt"
	"math"

	autoscalingv2 "keel.dev/api/autoscaling/v2"
	corev1 "keel.dev/api/core/v1"
	"keel.dev/apimachinery/pkg/api/resource"
)

// Tolerance is the relative deviation from the target that does not cause scaling.
const Tolerance = 0.1

// resourceRecommendation computes the replica count one Resource metric asks
// for, and the metric's current value for status.
func resourceRecommendation(current int32, src *autoscalingv2.ResourceMetricSource, pods []*corev1.Pod, usage map[string]corev1.ResourceList) (int32, autoscalingv2.MetricStatus, error) {
	st := autoscalingv2.MetricStatus{Type: autoscalingv2.ResourceMetricSourceType, Resource: &autoscalingv2.ResourceMetricStatus{Name: src.Name}}
	var usedMilli, requestMilli int64
	n := int64(0)
	for _, p := range pods {
		u, ok := usage[p.Name]
		if !ok {
			continue
		}
		q, ok := u[src.Name]
		if !ok {
			continue
		}
		n++
		usedMilli += q.MilliValue()
		if src.Target.Type == autoscalingv2.UtilizationMetricType {
			req, ok := podRequest(p, src.Name)
			if !ok {
				return 0, st, fmt.Errorf("missing request for %s in pod %s", src.Name, p.Name)
			}
			requestMilli += req
		}
	}
	if n == 0 {
		return 0, st, fmt.Errorf("no metrics returned for resource %s", src.Name)
	}
	var ratio float64
	switch src.Target.Type {
	case autoscalingv2.UtilizationMetricType:
		if src.Target.AverageUtilization == nil {
			return 0, st, fmt.Errorf("utilization target of %s has no averageUtilization", src.Name)
		}
		if requestMilli == 0 {
			return 0, st, fmt.Errorf("pods request no %s", src.Name)
		}
		util := int32(usedMilli * 100 / requestMilli)
		avg := resource.NewMilliQuantity(usedMilli/n, resource.DecimalSI)
		st.Resource.Current = autoscalingv2.MetricValueStatus{AverageUtilization: &util, AverageValue: avg}
		ratio = float64(usedMilli) * 100 / float64(requestMilli) / float64(*src.Target.AverageUtilization)
	case autoscalingv2.AverageValueMetricType:
		if src.Target.AverageValue == nil {
			return 0, st, fmt.Errorf("averageValue target of %s is missing", src.Name)
		}
		avg := resource.NewMilliQuantity(usedMilli/n, resource.DecimalSI)
		st.Resource.Current = autoscalingv2.MetricValueStatus{AverageValue: avg}
		target := src.Target.AverageValue.MilliValue()
		if target == 0 {
			return 0, st, fmt.Errorf("averageValue target of %s is zero", src.Name)
		}
		ratio = float64(usedMilli) / float64(n) / float64(target)
	default:
		return 0, st, fmt.Errorf("unsupported target type %q for resource %s", src.Target.Type, src.Name)
	}
	return desiredFromRatio(current, ratio), st, nil
}

// desiredFromRatio applies the tolerance and rounds up.
func desiredFromRatio(current int32, ratio float64) int32 {
	if math.Abs(ratio-1) <= Tolerance {
		return current
	}
	return int32(math.Ceil(float64(current) * ratio))
}

// podRequest sums the containers' requests of name in milli-units.
func podRequest(p *corev1.Pod, name corev1.ResourceName) (int64, bool) {
	var total int64
	for _, c := range p.Spec.Containers {
		q, ok := c.Resources.Requests[name]
		if !ok {
			return 0, false
		}
		total += q.MilliValue()
	}
	return total, len(p.Spec.Containers) > 0
}

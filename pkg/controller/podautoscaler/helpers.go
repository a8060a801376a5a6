package podautoscaler

import (
	"fmt"
	"strings"

	autoscalingv2 "keel.dev/api/autoscaling/v2"
)

func splitKey(k string) (string, string) {
	ns, name, ok := strings.Cut(k, "/")
	if !ok {
		return "", k
	}
	return ns, name
}

// statusEqual compares two statuses by their printed form, which covers
// quantities and times without field-by-field code.
func statusEqual(a, b autoscalingv2.HorizontalPodAutoscalerStatus) bool {
	return dump(a) == dump(b)
}

func dump(s autoscalingv2.HorizontalPodAutoscalerStatus) string {
	var sb strings.Builder
	if s.ObservedGeneration != nil {
		fmt.Fprintf(&sb, "gen=%d;", *s.ObservedGeneration)
	}
	if s.LastScaleTime != nil {
		fmt.Fprintf(&sb, "last=%d;", s.LastScaleTime.Unix())
	}
	fmt.Fprintf(&sb, "cur=%d;des=%d;", s.CurrentReplicas, s.DesiredReplicas)
	for _, m := range s.CurrentMetrics {
		if m.Resource != nil {
			fmt.Fprintf(&sb, "m=%s:", m.Resource.Name)
			if v := m.Resource.Current.AverageValue; v != nil {
				fmt.Fprintf(&sb, "%s:", v.String())
			}
			if v := m.Resource.Current.AverageUtilization; v != nil {
				fmt.Fprintf(&sb, "%d%%", *v)
			}
			sb.WriteString(";")
		}
	}
	for _, c := range s.Conditions {
		fmt.Fprintf(&sb, "c=%s/%s/%s/%s/%d;", c.Type, c.Status, c.Reason, c.Message, c.LastTransitionTime.Unix())
	}
	return sb.String()
}

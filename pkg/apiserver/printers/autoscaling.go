package printers

import (
	"fmt"
	"strings"

	"keel.dev/apimachinery/pkg/api/resource"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"

	autoscalingv1 "keel.dev/api/autoscaling/v1"
	autoscalingv2 "keel.dev/api/autoscaling/v2"
	corev1 "keel.dev/api/core/v1"
)

var hpaColumns = []metav1.TableColumnDefinition{
	nameColumn,
	str("Reference", "The scaled object, as Kind/name."),
	str("Targets", "Current and target values of the metrics (two at most)."),
	str("MinPods", "Lower limit of replicas."),
	str("MaxPods", "Upper limit of replicas."),
	str("Replicas", "Current number of replicas."),
	ageColumn,
}

func addAutoscalingHandlers(p *Printers) {
	gr := schema.GroupResource{Group: "autoscaling", Resource: "horizontalpodautoscalers"}
	p.handlers[gr] = &handler{columns: hpaColumns, row: func(p *Printers, obj runtime.Object) ([]any, []metav1.TableRowCondition, error) {
		switch h := obj.(type) {
		case *autoscalingv2.HorizontalPodAutoscaler:
			return hpaCells(p, h.ObjectMeta, h.Spec.ScaleTargetRef.Kind, h.Spec.ScaleTargetRef.Name,
				formatHPAMetrics(h.Spec.Metrics, h.Status.CurrentMetrics), h.Spec.MinReplicas, h.Spec.MaxReplicas, h.Status.CurrentReplicas), nil, nil
		case *autoscalingv1.HorizontalPodAutoscaler:
			return hpaCells(p, h.ObjectMeta, h.Spec.ScaleTargetRef.Kind, h.Spec.ScaleTargetRef.Name,
				formatHPAv1Target(h), h.Spec.MinReplicas, h.Spec.MaxReplicas, h.Status.CurrentReplicas), nil, nil
		}
		return nil, nil, fmt.Errorf("printing %s: unexpected object type %T", gr, obj)
	}}
}

func hpaCells(p *Printers, m metav1.ObjectMeta, kind, name, targets string, min *int32, max, current int32) []any {
	minPods := "<unset>"
	if min != nil {
		minPods = fmt.Sprintf("%d", *min)
	}
	return []any{m.Name, kind + "/" + name, targets, minPods, int64(max), int64(current), p.since(m.CreationTimestamp)}
}

// formatHPAv1Target prints the CPU utilization target of an autoscaling/v1
// object the way its autoscaling/v2 form prints.
func formatHPAv1Target(h *autoscalingv1.HorizontalPodAutoscaler) string {
	if h.Spec.TargetCPUUtilizationPercentage == nil {
		return "<none>"
	}
	current := "<unknown>"
	if c := h.Status.CurrentCPUUtilizationPercentage; c != nil {
		current = fmt.Sprintf("%d%%", *c)
	}
	return fmt.Sprintf("%s: %s/%d%%", corev1.ResourceCPU, current, *h.Spec.TargetCPUUtilizationPercentage)
}

// qty renders an optional quantity, "<nil>" when unset.
func qty(q *resource.Quantity) string {
	if q == nil {
		return "<nil>"
	}
	return q.String()
}

// formatHPAMetrics renders "current/target" for the first two metrics.
func formatHPAMetrics(specs []autoscalingv2.MetricSpec, statuses []autoscalingv2.MetricStatus) string {
	if len(specs) == 0 {
		return "<none>"
	}
	const max = 2
	var list []string
	for i, spec := range specs {
		var st *autoscalingv2.MetricStatus
		if i < len(statuses) {
			st = &statuses[i]
		}
		list = append(list, formatHPAMetric(spec, st))
	}
	count := len(list)
	if count > max {
		list = list[:max]
	}
	s := strings.Join(list, ", ")
	if count > max {
		return fmt.Sprintf("%s + %d more...", s, count-max)
	}
	return s
}

// valueTarget renders an Object or External metric: averages get "(avg)".
func valueTarget(target autoscalingv2.MetricTarget, current *autoscalingv2.MetricValueStatus) string {
	cur := "<unknown>"
	if target.AverageValue != nil {
		if current != nil && current.AverageValue != nil {
			cur = current.AverageValue.String()
		}
		return fmt.Sprintf("%s/%s (avg)", cur, target.AverageValue.String())
	}
	if current != nil {
		cur = qty(current.Value)
	}
	return fmt.Sprintf("%s/%s", cur, qty(target.Value))
}

// resourceTarget renders a Resource or ContainerResource metric.
func resourceTarget(name corev1.ResourceName, target autoscalingv2.MetricTarget, current *autoscalingv2.MetricValueStatus) string {
	cur := "<unknown>"
	if target.AverageValue != nil {
		if current != nil {
			cur = qty(current.AverageValue)
		}
		return fmt.Sprintf("%s: %s/%s", name, cur, target.AverageValue.String())
	}
	if current != nil && current.AverageUtilization != nil {
		cur = fmt.Sprintf("%d%%", *current.AverageUtilization)
	}
	tgt := "<auto>"
	if target.AverageUtilization != nil {
		tgt = fmt.Sprintf("%d%%", *target.AverageUtilization)
	}
	return fmt.Sprintf("%s: %s/%s", name, cur, tgt)
}

func formatHPAMetric(spec autoscalingv2.MetricSpec, st *autoscalingv2.MetricStatus) string {
	switch spec.Type {
	case autoscalingv2.ExternalMetricSourceType:
		if spec.External != nil {
			var cur *autoscalingv2.MetricValueStatus
			if st != nil && st.External != nil {
				cur = &st.External.Current
			}
			return valueTarget(spec.External.Target, cur)
		}
	case autoscalingv2.ObjectMetricSourceType:
		if spec.Object != nil {
			var cur *autoscalingv2.MetricValueStatus
			if st != nil && st.Object != nil {
				cur = &st.Object.Current
			}
			return valueTarget(spec.Object.Target, cur)
		}
	case autoscalingv2.PodsMetricSourceType:
		if spec.Pods != nil {
			cur := "<unknown>"
			if st != nil && st.Pods != nil {
				cur = qty(st.Pods.Current.AverageValue)
			}
			return fmt.Sprintf("%s/%s", cur, qty(spec.Pods.Target.AverageValue))
		}
	case autoscalingv2.ResourceMetricSourceType:
		if spec.Resource != nil {
			var cur *autoscalingv2.MetricValueStatus
			if st != nil && st.Resource != nil {
				cur = &st.Resource.Current
			}
			return resourceTarget(spec.Resource.Name, spec.Resource.Target, cur)
		}
	case autoscalingv2.ContainerResourceMetricSourceType:
		if spec.ContainerResource != nil {
			var cur *autoscalingv2.MetricValueStatus
			if st != nil && st.ContainerResource != nil {
				cur = &st.ContainerResource.Current
			}
			return resourceTarget(spec.ContainerResource.Name, spec.ContainerResource.Target, cur)
		}
	}
	return "<unknown type>"
}

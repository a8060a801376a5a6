package v2

import corev1 "keel.dev/api/core/v1"

// DefaultCPUUtilization is the CPU target of an autoscaler without metrics.
const DefaultCPUUtilization = 80

// SetDefaults_HorizontalPodAutoscaler defaults minReplicas to 1, the metrics
// to 80% average CPU utilisation, and fills unset behavior rules.
func SetDefaults_HorizontalPodAutoscaler(h *HorizontalPodAutoscaler) {
	if h.Spec.MinReplicas == nil {
		one := int32(1)
		h.Spec.MinReplicas = &one
	}
	if len(h.Spec.Metrics) == 0 {
		util := int32(DefaultCPUUtilization)
		h.Spec.Metrics = []MetricSpec{{
			Type: ResourceMetricSourceType,
			Resource: &ResourceMetricSource{
				Name:   corev1.ResourceCPU,
				Target: MetricTarget{Type: UtilizationMetricType, AverageUtilization: &util},
			},
		}}
	}
	if b := h.Spec.Behavior; b != nil {
		b.ScaleUp = GenerateHPAScaleUpRules(b.ScaleUp)
		b.ScaleDown = GenerateHPAScaleDownRules(b.ScaleDown)
	}
}

func ptr[T any](v T) *T { return &v }

// defaultScaleUpRules: no stabilisation, Max of +4 pods or +100% per 15s.
func defaultScaleUpRules() *HPAScalingRules {
	return &HPAScalingRules{
		StabilizationWindowSeconds: ptr(int32(0)),
		SelectPolicy:               ptr(MaxChangePolicySelect),
		Policies: []HPAScalingPolicy{
			{Type: PodsScalingPolicy, Value: 4, PeriodSeconds: 15},
			{Type: PercentScalingPolicy, Value: 100, PeriodSeconds: 15},
		},
	}
}

// defaultScaleDownRules: controller-chosen stabilisation, up to -100% per
// 15s.
func defaultScaleDownRules() *HPAScalingRules {
	return &HPAScalingRules{
		SelectPolicy: ptr(MaxChangePolicySelect),
		Policies: []HPAScalingPolicy{
			{Type: PercentScalingPolicy, Value: 100, PeriodSeconds: 15},
		},
	}
}

// GenerateHPAScaleUpRules returns the scale-up rules with every unset part
// taken from the defaults.
func GenerateHPAScaleUpRules(rules *HPAScalingRules) *HPAScalingRules {
	return mergeRules(defaultScaleUpRules(), rules)
}

// GenerateHPAScaleDownRules returns the scale-down rules with every unset
// part taken from the defaults.
func GenerateHPAScaleDownRules(rules *HPAScalingRules) *HPAScalingRules {
	return mergeRules(defaultScaleDownRules(), rules)
}

func mergeRules(def, rules *HPAScalingRules) *HPAScalingRules {
	if rules == nil {
		return def
	}
	if rules.StabilizationWindowSeconds != nil {
		def.StabilizationWindowSeconds = rules.StabilizationWindowSeconds
	}
	if rules.SelectPolicy != nil {
		def.SelectPolicy = rules.SelectPolicy
	}
	if rules.Policies != nil {
		def.Policies = rules.Policies
	}
	if rules.Tolerance != nil {
		def.Tolerance = rules.Tolerance
	}
	return def
}

package v2

import (
	"reflect"
	"testing"

	"keel.dev/apimachinery/pkg/api/resource"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/api/internal/testutil"
)

func TestDefaults(t *testing.T) {
	h := &HorizontalPodAutoscaler{Spec: HorizontalPodAutoscalerSpec{Behavior: &HorizontalPodAutoscalerBehavior{
		ScaleDown: &HPAScalingRules{StabilizationWindowSeconds: testutil.Ptr(int32(60))},
	}}}
	SetDefaults_HorizontalPodAutoscaler(h)
	spec := h.Spec
	if *spec.MinReplicas != 1 {
		t.Errorf("minReplicas = %d", *spec.MinReplicas)
	}
	wantMetric := MetricSpec{Type: ResourceMetricSourceType, Resource: &ResourceMetricSource{
		Name: corev1.ResourceCPU, Target: MetricTarget{Type: UtilizationMetricType, AverageUtilization: testutil.Ptr(int32(80))},
	}}
	if len(spec.Metrics) != 1 || !reflect.DeepEqual(spec.Metrics[0], wantMetric) {
		t.Errorf("metrics = %+v", spec.Metrics)
	}
	up := spec.Behavior.ScaleUp
	if *up.StabilizationWindowSeconds != 0 || *up.SelectPolicy != MaxChangePolicySelect || len(up.Policies) != 2 ||
		up.Policies[0] != (HPAScalingPolicy{Type: PodsScalingPolicy, Value: 4, PeriodSeconds: 15}) {
		t.Errorf("scaleUp = %+v", up)
	}
	down := spec.Behavior.ScaleDown
	if *down.StabilizationWindowSeconds != 60 || len(down.Policies) != 1 || down.Policies[0] != (HPAScalingPolicy{Type: PercentScalingPolicy, Value: 100, PeriodSeconds: 15}) {
		t.Errorf("scaleDown = %+v", down)
	}
}

func TestValidation(t *testing.T) {
	hpa := func(mutate func(*HorizontalPodAutoscalerSpec)) *HorizontalPodAutoscaler {
		h := &HorizontalPodAutoscaler{
			ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "default"},
			Spec: HorizontalPodAutoscalerSpec{
				ScaleTargetRef: CrossVersionObjectReference{Kind: "Deployment", Name: "web", APIVersion: "apps/v1"},
				MaxReplicas:    5,
			},
		}
		SetDefaults_HorizontalPodAutoscaler(h)
		mutate(&h.Spec)
		return h
	}
	tests := []struct {
		name   string
		h      *HorizontalPodAutoscaler
		want   []string
		detail string
	}{
		{"a defaulted autoscaler is valid", hpa(func(*HorizontalPodAutoscalerSpec) {}), nil, ""},
		{"max below min is refused", hpa(func(s *HorizontalPodAutoscalerSpec) { s.MinReplicas = testutil.Ptr(int32(6)) }), []string{"spec.maxReplicas: FieldValueInvalid"}, "must be greater than or equal to `minReplicas`"},
		{"zero min replicas is refused", hpa(func(s *HorizontalPodAutoscalerSpec) { s.MinReplicas = testutil.Ptr(int32(0)) }), []string{"spec.minReplicas: FieldValueInvalid"}, "must be greater than or equal to 1"},
		{"a pods metric needs an average value", hpa(func(s *HorizontalPodAutoscalerSpec) {
			s.Metrics = []MetricSpec{{Type: PodsMetricSourceType, Pods: &PodsMetricSource{Metric: MetricIdentifier{Name: "qps"}, Target: MetricTarget{Type: ValueMetricType, Value: testutil.Ptr(resource.MustParse("10"))}}}}
		}), []string{"spec.metrics[0].pods.target.averageValue: FieldValueRequired"}, "must specify a positive target averageValue"},
		{"a metric type without its source is refused", hpa(func(s *HorizontalPodAutoscalerSpec) {
			s.Metrics = []MetricSpec{{Type: ExternalMetricSourceType}}
		}), []string{"spec.metrics[0].external: FieldValueRequired"}, "must populate information for the given metric source"},
		{"a scaling period above 30 minutes is refused", hpa(func(s *HorizontalPodAutoscalerSpec) {
			s.Behavior = &HorizontalPodAutoscalerBehavior{ScaleUp: &HPAScalingRules{Policies: []HPAScalingPolicy{{Type: PodsScalingPolicy, Value: 1, PeriodSeconds: 1801}}}}
		}), []string{"spec.behavior.scaleUp.policies[0].periodSeconds: FieldValueInvalid"}, "must be less than or equal to 1800"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			testutil.ExpectErrors(t, ValidateHorizontalPodAutoscaler(tt.h), tt.want, tt.detail)
		})
	}
}

package podautoscaler

import (
	"context"
	"errors"
	"testing"
	"time"

	appsv1 "keel.dev/api/apps/v1"
	autoscalingv2 "keel.dev/api/autoscaling/v2"
	corev1 "keel.dev/api/core/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
	"keel.dev/apimachinery/pkg/api/resource"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/labels"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/client/clock"
	"keel.dev/client/fake"
	"keel.dev/client/informers"
)

// fakeMetrics returns the same cpu usage for every pod, or err.
type fakeMetrics struct {
	cpu string
	err error
}

func (f fakeMetrics) PodMetrics(_ context.Context, _ string, _ labels.Selector) (map[string]corev1.ResourceList, time.Time, error) {
	if f.err != nil {
		return nil, time.Time{}, f.err
	}
	out := map[string]corev1.ResourceList{}
	for _, n := range []string{"p0", "p1", "p2", "p3"} {
		out[n] = corev1.ResourceList{corev1.ResourceCPU: resource.MustParse(f.cpu)}
	}
	return out, time.Unix(0, 0), nil
}

func int32p(v int32) *int32 { return &v }

func deployment(replicas int32) *appsv1.Deployment {
	sel := &metav1.LabelSelector{MatchLabels: map[string]string{"app": "web"}}
	return &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "ns"},
		Spec: appsv1.DeploymentSpec{Replicas: int32p(replicas), Selector: sel,
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "web"}}}},
		Status: appsv1.DeploymentStatus{Replicas: replicas},
	}
}

func pods(n int) []runtime.Object {
	var out []runtime.Object
	for i := range n {
		out = append(out, &corev1.Pod{
			ObjectMeta: metav1.ObjectMeta{Name: "p" + string(rune('0'+i)), Namespace: "ns", Labels: map[string]string{"app": "web"}},
			Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Resources: corev1.ResourceRequirements{
				Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("100m")}}}}},
			Status: corev1.PodStatus{Phase: corev1.PodRunning},
		})
	}
	return out
}

func hpa(minR, maxR, util int32, behavior *autoscalingv2.HorizontalPodAutoscalerBehavior) *autoscalingv2.HorizontalPodAutoscaler {
	return &autoscalingv2.HorizontalPodAutoscaler{
		ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "ns", Generation: 1},
		Spec: autoscalingv2.HorizontalPodAutoscalerSpec{
			ScaleTargetRef: autoscalingv2.CrossVersionObjectReference{Kind: "Deployment", Name: "web", APIVersion: "apps/v1"},
			MinReplicas:    &minR, MaxReplicas: maxR, Behavior: behavior,
			Metrics: []autoscalingv2.MetricSpec{{Type: autoscalingv2.ResourceMetricSourceType, Resource: &autoscalingv2.ResourceMetricSource{
				Name: corev1.ResourceCPU, Target: autoscalingv2.MetricTarget{Type: autoscalingv2.UtilizationMetricType, AverageUtilization: &util}}}},
		},
	}
}

func TestSync(t *testing.T) {
	noWindow := &autoscalingv2.HorizontalPodAutoscalerBehavior{ScaleDown: &autoscalingv2.HPAScalingRules{StabilizationWindowSeconds: int32p(0)}}
	tests := []struct {
		name        string
		replicas    int32
		hpa         *autoscalingv2.HorizontalPodAutoscaler
		metrics     MetricsSource
		wantScale   int32 // 0 means no scale update
		wantDesired int32
		wantActive  string
		wantLimited string
	}{
		{"usage at twice the target doubles the replicas", 2, hpa(1, 10, 50, nil), fakeMetrics{cpu: "100m"}, 4, 4, "ValidMetricFound", "DesiredWithinRange"},
		{"usage within the tolerance keeps the replicas", 2, hpa(1, 10, 50, nil), fakeMetrics{cpu: "52m"}, 0, 2, "ValidMetricFound", "DesiredWithinRange"},
		{"maxReplicas caps the scale", 2, hpa(1, 3, 50, nil), fakeMetrics{cpu: "100m"}, 3, 3, "ValidMetricFound", "TooManyReplicas"},
		{"the default scale-down window holds the current replicas", 4, hpa(1, 10, 50, nil), fakeMetrics{cpu: "10m"}, 0, 4, "ValidMetricFound", "DesiredWithinRange"},
		{"without a window low usage scales down to minReplicas", 4, hpa(2, 10, 50, noWindow), fakeMetrics{cpu: "10m"}, 2, 2, "ValidMetricFound", "TooFewReplicas"},
		{"missing metrics deactivate scaling", 2, hpa(1, 10, 50, nil), NoMetrics{}, 0, 2, "FailedGetResourceMetric", ""},
		{"a metrics error deactivates scaling", 2, hpa(1, 10, 50, nil), fakeMetrics{err: errors.New("boom")}, 0, 2, "FailedGetResourceMetric", ""},
	}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			objs := append(pods(int(tc.replicas)), deployment(tc.replicas), tc.hpa)
			cs := fake.NewClientset(objs...)
			f := informers.NewFactory(cs.Clientset, 0)
			c := New(cs.Clientset, f, Options{Metrics: tc.metrics, Clock: clock.NewFake(now)})
			ctx, cancel := context.WithCancel(context.Background())
			defer func() { cancel(); f.Shutdown() }()
			f.Start(ctx)
			f.WaitForCacheSync(ctx)
			cs.ClearActions()
			if err := c.sync(ctx, "ns/web"); err != nil {
				t.Fatal(err)
			}
			var scaled int32
			var status *autoscalingv2.HorizontalPodAutoscaler
			for _, a := range cs.Actions() {
				if a.Matches("update", "deployments") && a.Subresource == "scale" {
					d, err := cs.AppsV1().Deployments("ns").Get(ctx, "web", metav1.GetOptions{})
					if err != nil {
						t.Fatal(err)
					}
					scaled = *d.Spec.Replicas
				}
				if a.Matches("update", "horizontalpodautoscalers") && a.Subresource == "status" {
					status = a.Object.(*autoscalingv2.HorizontalPodAutoscaler)
				}
			}
			if scaled != tc.wantScale {
				t.Errorf("scaled to %d, want %d (0 = untouched)", scaled, tc.wantScale)
			}
			if status == nil {
				t.Fatal("no status update")
			}
			if status.Status.DesiredReplicas != tc.wantDesired {
				t.Errorf("desiredReplicas = %d, want %d", status.Status.DesiredReplicas, tc.wantDesired)
			}
			conds := map[autoscalingv2.HorizontalPodAutoscalerConditionType]string{}
			for _, cd := range status.Status.Conditions {
				conds[cd.Type] = cd.Reason
			}
			if conds[autoscalingv2.ScalingActive] != tc.wantActive || conds[autoscalingv2.ScalingLimited] != tc.wantLimited {
				t.Errorf("conditions = %v, want ScalingActive %s and ScalingLimited %q", conds, tc.wantActive, tc.wantLimited)
			}
			if tc.wantScale != 0 && status.Status.LastScaleTime == nil {
				t.Error("lastScaleTime not set after scaling")
			}
		})
	}
}

func TestNormalize(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name     string
		current  int32
		steps    []int32 // earlier recommendations, 10 s apart
		proposed int32
		want     int32
	}{
		{"scale up is limited to 4 pods or 100% per period", 2, nil, 20, 6},
		{"scale down waits for the highest recent recommendation", 10, []int32{9, 8}, 3, 10},
		{"a single scale up to a small target is allowed", 3, nil, 5, 5},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := &history{}
			at := t0
			for _, s := range tc.steps {
				h.recommendations = append(h.recommendations, timedValue{at, s})
				at = at.Add(10 * time.Second)
			}
			h.recommendations = append(h.recommendations, timedValue{at, tc.current})
			if got := h.normalize(tc.current, tc.proposed, nil, at.Add(10*time.Second)); got != tc.want {
				t.Errorf("normalize = %d, want %d", got, tc.want)
			}
		})
	}
}

func TestScaleDownHappensAfterTheStabilizationWindow(t *testing.T) {
	objs := append(pods(4), deployment(4), hpa(1, 10, 50, nil))
	cs := fake.NewClientset(objs...)
	f := informers.NewFactory(cs.Clientset, 0)
	clk := clock.NewFake(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	c := New(cs.Clientset, f, Options{Metrics: fakeMetrics{cpu: "10m"}, Clock: clk})
	ctx, cancel := context.WithCancel(context.Background())
	defer func() { cancel(); f.Shutdown() }()
	f.Start(ctx)
	f.WaitForCacheSync(ctx)
	replicas := func() int32 {
		d, err := cs.AppsV1().Deployments("ns").Get(ctx, "web", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return *d.Spec.Replicas
	}
	steps := []struct {
		after time.Duration
		want  int32
	}{
		{0, 4},
		{2 * time.Minute, 4},
		{3*time.Minute + time.Second, 1},
	}
	for _, s := range steps {
		clk.Step(s.after)
		// A conflict means the cache lags the last status write; the
		// controller requeues, the test retries.
		err := c.sync(ctx, "ns/web")
		for i := 0; i < 100 && apierrors.IsConflict(err); i++ {
			time.Sleep(10 * time.Millisecond)
			err = c.sync(ctx, "ns/web")
		}
		if err != nil {
			t.Fatal(err)
		}
		if got := replicas(); got != s.want {
			t.Fatalf("after %v: replicas = %d, want %d", s.after, got, s.want)
		}
	}
}

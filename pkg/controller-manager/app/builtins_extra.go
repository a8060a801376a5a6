package app

import (
	"context"
	"fmt"

	"keel.dev/keel/pkg/controller/disruption"
	"keel.dev/keel/pkg/controller/podautoscaler"
	"keel.dev/keel/pkg/controller/resourcequota"
)

// extraBuiltins lists the built-in policy controllers (budgets, quotas,
// autoscaling) registered beside builtins() and moreBuiltins().
func extraBuiltins() map[string]InitFunc {
	return map[string]InitFunc{
		"disruption":               startDisruption,
		"resourcequota":            startResourceQuota,
		"horizontalpodautoscaling": startHPA,
	}
}

func startDisruption(ctx context.Context, c ControllerContext) (bool, error) {
	ctrl := disruption.New(c.Client, c.Informers, disruption.Options{Clock: c.Clock, Metrics: c.QueueMetrics("disruption")})
	go func() { _ = ctrl.Run(ctx, c.Workers("disruption", 5)) }()
	return true, nil
}

func startResourceQuota(ctx context.Context, c ControllerContext) (bool, error) {
	ctrl := resourcequota.New(c.Client, c.Informers, resourcequota.Options{Clock: c.Clock, Metrics: c.QueueMetrics("resourcequota")})
	go func() { _ = ctrl.Run(ctx, c.Workers("resourcequota", 5)) }()
	return true, nil
}

// startHPA runs the autoscaler over the metrics source of
// --horizontal-pod-autoscaler-metrics-source (metrics.k8s.io by default).
func startHPA(ctx context.Context, c ControllerContext) (bool, error) {
	opts := podautoscaler.Options{Clock: c.Clock, QueueMetrics: c.QueueMetrics("horizontalpodautoscaling")}
	source := podautoscaler.SourceMetricsAPI
	if c.Options != nil {
		opts.SyncPeriod = c.Options.HorizontalPodAutoscalerSyncPeriod
		source = c.Options.HorizontalPodAutoscalerMetricsSource
	}
	metrics, err := podautoscaler.SourceFor(source, c.Client)
	if err != nil {
		return false, fmt.Errorf("--horizontal-pod-autoscaler-metrics-source: %w", err)
	}
	opts.Metrics = metrics
	ctrl := podautoscaler.New(c.Client, c.Informers, opts)
	go func() { _ = ctrl.Run(ctx, c.Workers("hpa", 5)) }()
	return true, nil
}

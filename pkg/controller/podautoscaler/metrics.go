package podautoscaler

import (
	"context"
	"errors"
	"time"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/apimachinery/pkg/labels"
)

// MetricsSource reports the current resource usage of the pods selected in a namespace.
type MetricsSource interface {
	// PodMetrics returns usage per pod name and the time it was sampled.
	PodMetrics(ctx context.Context, namespace string, selector labels.Selector) (map[string]corev1.ResourceList, time.Time, error)
}

// ErrNoMetrics is returned by NoMetrics.
var ErrNoMetrics = errors.New("no resource metrics source is configured")

// NoMetrics is the source used when no metrics pipeline is available: every
// query fails, so autoscalers report ScalingActive=False with reason
// FailedGetResourceMetric and never change the scale.
type NoMetrics struct{}

// PodMetrics always fails with ErrNoMetrics.
func (NoMetrics) PodMetrics(context.Context, string, labels.Selector) (map[string]corev1.ResourceList, time.Time, error) {
	return nil, time.Time{}, ErrNoMetrics
}

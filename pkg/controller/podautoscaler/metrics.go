package podautoscaler

import (
	"context"
	"errors"
	"fmt"
	"time"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/apimachinery/pkg/labels"
	"keel.dev/client/typed"
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

// The names of the metrics sources SourceFor knows.
const (
	SourceMetricsAPI = "metrics-api"
	SourceSummary    = "summary"
	SourceNone       = "none"
)

// SourceFor returns the metrics source called name ("" is metrics-api).
func SourceFor(name string, client *typed.Clientset) (MetricsSource, error) {
	switch name {
	case SourceMetricsAPI, "":
		return MetricsAPISource{Client: client}, nil
	case SourceSummary:
		return SummarySource{Client: client}, nil
	case SourceNone:
		return NoMetrics{}, nil
	}
	return nil, fmt.Errorf("unknown metrics source %q (want %s, %s or %s)", name, SourceMetricsAPI, SourceSummary, SourceNone)
}

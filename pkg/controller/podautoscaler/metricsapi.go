package podautoscaler

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"time"

	corev1 "keel.dev/api/core/v1"
	metricsv1beta1 "keel.dev/api/metrics/v1beta1"
	"keel.dev/apimachinery/pkg/labels"
	"keel.dev/client/typed"
)

// MetricsAPISource reads pod usage from the resource metrics API,
// metrics.k8s.io/v1beta1 PodMetrics, as Kubernetes' autoscaler reads it
// from metrics-server (Keel's apiserver serves the API itself).
type MetricsAPISource struct {
	Client *typed.Clientset
}

// PodMetrics lists the PodMetrics of the selected pods and sums each pod's
// container usage; the time returned is the oldest sample's.
func (s MetricsAPISource) PodMetrics(ctx context.Context, namespace string, selector labels.Selector) (map[string]corev1.ResourceList, time.Time, error) {
	req := s.Client.REST().Get().
		AbsPath("/apis/"+metricsv1beta1.SchemeGroupVersion.String()+"/namespaces/"+url.PathEscape(namespace)+"/pods").
		SetHeader("Accept", "application/json")
	if selector != nil && !selector.Empty() {
		req = req.Param("labelSelector", selector.String())
	}
	body, err := req.DoRaw(ctx)
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("unable to fetch metrics from resource metrics API: %w", err)
	}
	var list metricsv1beta1.PodMetricsList
	if err := json.Unmarshal(body, &list); err != nil {
		return nil, time.Time{}, fmt.Errorf("decode PodMetricsList: %w", err)
	}
	return podUsage(list.Items)
}

// podUsage sums the container usage of each pod.
func podUsage(items []metricsv1beta1.PodMetrics) (map[string]corev1.ResourceList, time.Time, error) {
	if len(items) == 0 {
		return nil, time.Time{}, errors.New("no metrics returned from resource metrics API")
	}
	out := make(map[string]corev1.ResourceList, len(items))
	var oldest time.Time
	for _, m := range items {
		sum := corev1.ResourceList{}
		for _, c := range m.Containers {
			for name, q := range c.Usage {
				total := sum[name]
				total.Add(q)
				sum[name] = total
			}
		}
		out[m.Name] = sum
		if t := m.Timestamp.Time; !t.IsZero() && (oldest.IsZero() || t.Before(oldest)) {
			oldest = t
		}
	}
	return out, oldest, nil
}

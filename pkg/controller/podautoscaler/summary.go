package podautoscaler

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/apimachinery/pkg/api/resource"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/labels"
	"keel.dev/client/typed"
)

// SummarySource reads pod usage from each kubelet's /stats/summary through
// the apiserver's nodes/proxy subresource. It needs kubelets that serve the
// summary API; until then every query fails like NoMetrics.
type SummarySource struct {
	Client *typed.Clientset
}

// summary is the part of the kubelet's stats/v1alpha1 Summary we read.
type summary struct {
	Pods []struct {
		PodRef struct {
			Name      string `json:"name"`
			Namespace string `json:"namespace"`
		} `json:"podRef"`
		CPU *struct {
			Time           time.Time `json:"time"`
			UsageNanoCores *uint64   `json:"usageNanoCores"`
		} `json:"cpu"`
		Memory *struct {
			WorkingSetBytes *uint64 `json:"workingSetBytes"`
		} `json:"memory"`
	} `json:"pods"`
}

// PodMetrics lists the selected pods, fetches the summaries of their nodes
// and returns the usage of the pods found there.
func (s SummarySource) PodMetrics(ctx context.Context, namespace string, selector labels.Selector) (map[string]corev1.ResourceList, time.Time, error) {
	pods, err := s.Client.CoreV1().Pods(namespace).List(ctx, metav1.ListOptions{LabelSelector: selector.String()})
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("list pods: %w", err)
	}
	wanted := map[string]bool{}
	nodes := map[string]bool{}
	for _, p := range pods.Items {
		if p.Spec.NodeName != "" {
			wanted[p.Name] = true
			nodes[p.Spec.NodeName] = true
		}
	}
	out := map[string]corev1.ResourceList{}
	var ts time.Time
	var errs []error
	for node := range nodes {
		rc, err := s.Client.CoreV1().Nodes().StreamSubresource(ctx, node, "proxy/stats/summary", nil)
		if err != nil {
			errs = append(errs, fmt.Errorf("summary of node %s: %w", node, err))
			continue
		}
		t, err := parseSummary(rc, namespace, wanted, out)
		rc.Close()
		if err != nil {
			errs = append(errs, fmt.Errorf("summary of node %s: %w", node, err))
		}
		if t.After(ts) {
			ts = t
		}
	}
	if len(out) == 0 {
		if len(errs) == 0 {
			errs = append(errs, errors.New("no pod metrics available"))
		}
		return nil, ts, errors.Join(errs...)
	}
	return out, ts, nil
}

// parseSummary adds the usage of the wanted pods of namespace to out and
// returns the newest sample time.
func parseSummary(r io.Reader, namespace string, wanted map[string]bool, out map[string]corev1.ResourceList) (time.Time, error) {
	var sum summary
	if err := json.NewDecoder(r).Decode(&sum); err != nil {
		return time.Time{}, fmt.Errorf("decode: %w", err)
	}
	var ts time.Time
	for _, p := range sum.Pods {
		if p.PodRef.Namespace != namespace || !wanted[p.PodRef.Name] {
			continue
		}
		l := corev1.ResourceList{}
		if p.CPU != nil && p.CPU.UsageNanoCores != nil {
			l[corev1.ResourceCPU] = *resource.NewMilliQuantity(int64(*p.CPU.UsageNanoCores/1e6), resource.DecimalSI)
			if p.CPU.Time.After(ts) {
				ts = p.CPU.Time
			}
		}
		if p.Memory != nil && p.Memory.WorkingSetBytes != nil {
			l[corev1.ResourceMemory] = *resource.NewQuantity(int64(*p.Memory.WorkingSetBytes), resource.BinarySI)
		}
		if len(l) > 0 {
			out[p.PodRef.Name] = l
		}
	}
	return ts, nil
}

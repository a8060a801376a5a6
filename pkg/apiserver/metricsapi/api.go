package metricsapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"time"

	corev1 "keel.dev/api/core/v1"
	metricsv1beta1 "keel.dev/api/metrics/v1beta1"
	"keel.dev/apimachinery/pkg/api/resource"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"

	"keel.dev/keel/pkg/apiserver/registry/rest"
)

// Defaults of Config.
const (
	DefaultCacheTTL = 10 * time.Second
	DefaultTimeout  = 5 * time.Second
	DefaultWindow   = 10 * time.Second
)

// Config configures the metrics API.
type Config struct {
	// Nodes and Pods are the storages of core/v1 nodes and pods; each must
	// implement rest.Getter and rest.Lister.
	Nodes, Pods rest.Storage
	// Kubelets fetches node summaries.
	Kubelets SummaryFetcher
	// CacheTTL is how long a node's summary is reused (default 10 s).
	CacheTTL time.Duration
	// Timeout bounds one kubelet call (default 5 s).
	Timeout time.Duration
	// Window is the sampling window reported with every sample: the
	// kubelet's usageNanoCores is a rate over its own recent interval,
	// which the summary does not state (default 10 s).
	Window time.Duration
	// Now is the clock (time.Now when nil).
	Now func() time.Time
	// Logger receives scrape failures (discarded when nil).
	Logger *slog.Logger
}

// API holds the storages of metrics.k8s.io/v1beta1.
type API struct {
	nodes *nodeMetricsStorage
	pods  *podMetricsStorage
}

// source is what both storages share.
type source struct {
	nodes  getLister
	pods   getLister
	scrape *scraper
	window time.Duration
	now    func() time.Time
}

type getLister interface {
	rest.Getter
	rest.Lister
}

// New builds the metrics API over cfg.
func New(cfg Config) (*API, error) {
	nodes, ok := cfg.Nodes.(getLister)
	if !ok {
		return nil, errors.New("metricsapi: the nodes storage must get and list")
	}
	pods, ok := cfg.Pods.(getLister)
	if !ok {
		return nil, errors.New("metricsapi: the pods storage must get and list")
	}
	if cfg.Kubelets == nil {
		return nil, errors.New("metricsapi: Kubelets is required")
	}
	if cfg.CacheTTL <= 0 {
		cfg.CacheTTL = DefaultCacheTTL
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.Window <= 0 {
		cfg.Window = DefaultWindow
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	src := &source{
		nodes: nodes, pods: pods, window: cfg.Window, now: cfg.Now,
		scrape: &scraper{fetch: cfg.Kubelets, ttl: cfg.CacheTTL, timeout: cfg.Timeout, now: cfg.Now, log: cfg.Logger, entries: map[string]*cacheEntry{}},
	}
	return &API{nodes: &nodeMetricsStorage{src}, pods: &podMetricsStorage{src}}, nil
}

// For returns the storage of a metrics.k8s.io resource (no subresources).
func (a *API) For(gvr schema.GroupVersionResource, subresource string) (rest.Storage, bool) {
	if gvr.GroupVersion() != metricsv1beta1.SchemeGroupVersion || subresource != "" {
		return nil, false
	}
	switch gvr.Resource {
	case "nodes":
		return a.nodes, true
	case "pods":
		return a.pods, true
	}
	return nil, false
}

// The group resources named in NotFound errors, as metrics-server names them.
var (
	nodeMetricsResource = metricsv1beta1.Resource("nodemetrics")
	podMetricsResource  = metricsv1beta1.Resource("podmetrics")
)

// cpuQuantity is a rate in nanocores ("123456n").
func cpuQuantity(nanoCores uint64) resource.Quantity {
	return *resource.NewScaledQuantity(int64(nanoCores), resource.Nano)
}

// memoryQuantity is a size in bytes ("1234Ki").
func memoryQuantity(bytes uint64) resource.Quantity {
	return *resource.NewQuantity(int64(bytes), resource.BinarySI)
}

// usage converts one cpu and memory sample; ok is false unless both are
// present.
func usage(cpu *CPUStats, mem *MemoryStats) (corev1.ResourceList, time.Time, bool) {
	if cpu == nil || cpu.UsageNanoCores == nil || mem == nil || mem.WorkingSetBytes == nil {
		return nil, time.Time{}, false
	}
	ts := cpu.Time
	if mem.Time.After(ts) {
		ts = mem.Time
	}
	return corev1.ResourceList{
		corev1.ResourceCPU:    cpuQuantity(*cpu.UsageNanoCores),
		corev1.ResourceMemory: memoryQuantity(*mem.WorkingSetBytes),
	}, ts, true
}

// nodeMetrics converts the node part of a summary.
func (s *source) nodeMetrics(n *corev1.Node, sum *Summary) (*metricsv1beta1.NodeMetrics, bool) {
	u, ts, ok := usage(sum.Node.CPU, sum.Node.Memory)
	if !ok {
		return nil, false
	}
	if ts.IsZero() {
		ts = s.now()
	}
	return &metricsv1beta1.NodeMetrics{
		ObjectMeta: metav1.ObjectMeta{Name: n.Name, Labels: copyLabels(n.Labels), CreationTimestamp: metav1.NewTime(s.now())},
		Timestamp:  metav1.NewTime(ts.UTC()),
		Window:     metav1.Duration{Duration: s.window},
		Usage:      u,
	}, true
}

// mirrorAnnotation marks a mirror pod; its value is the static pod's UID
// (the manifest hash), which is what the kubelet's summary reports.
const mirrorAnnotation = "kubernetes.io/config.mirror"

// podMetrics converts the summary entry of pod p; ok is false when the
// summary has no usable sample of any of its containers.
func (s *source) podMetrics(p *corev1.Pod, sum *Summary) (*metricsv1beta1.PodMetrics, bool) {
	for i := range sum.Pods {
		ps := &sum.Pods[i]
		if ps.PodRef.Name != p.Name || ps.PodRef.Namespace != p.Namespace {
			continue
		}
		if ps.PodRef.UID != "" && p.UID != "" && ps.PodRef.UID != string(p.UID) &&
			ps.PodRef.UID != p.Annotations[mirrorAnnotation] {
			continue // an earlier pod of the same name
		}
		m := &metricsv1beta1.PodMetrics{
			ObjectMeta: metav1.ObjectMeta{Name: p.Name, Namespace: p.Namespace, Labels: copyLabels(p.Labels), CreationTimestamp: metav1.NewTime(s.now())},
			Window:     metav1.Duration{Duration: s.window},
			Containers: []metricsv1beta1.ContainerMetrics{},
		}
		var newest time.Time
		for _, c := range ps.Containers {
			u, ts, ok := usage(c.CPU, c.Memory)
			if !ok {
				continue
			}
			if ts.After(newest) {
				newest = ts
			}
			m.Containers = append(m.Containers, metricsv1beta1.ContainerMetrics{Name: c.Name, Usage: u})
		}
		if len(m.Containers) == 0 {
			return nil, false
		}
		sort.Slice(m.Containers, func(i, j int) bool { return m.Containers[i].Name < m.Containers[j].Name })
		if newest.IsZero() {
			newest = s.now()
		}
		m.Timestamp = metav1.NewTime(newest.UTC())
		return m, true
	}
	return nil, false
}

func copyLabels(in map[string]string) map[string]string {
	if len(in) == 0 {
		return nil
	}
	out := make(map[string]string, len(in))
	for k, v := range in {
		out[k] = v
	}
	return out
}

// listOf lists a storage with the selectors of opts (paging does not
// apply: metrics are computed over the whole selection).
func listOf(ctx context.Context, st rest.Lister, opts *rest.ListOptions) (runtime.Object, error) {
	o := &rest.ListOptions{}
	if opts != nil {
		o.LabelSelector, o.FieldSelector = opts.LabelSelector, opts.FieldSelector
	}
	return st.List(ctx, o)
}

func unexpected(what string, obj runtime.Object) error {
	return fmt.Errorf("metricsapi: %s storage returned %T", what, obj)
}

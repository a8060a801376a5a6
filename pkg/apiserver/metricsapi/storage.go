package metricsapi

import (
	"context"
	"sort"

	corev1 "keel.dev/api/core/v1"
	metricsv1beta1 "keel.dev/api/metrics/v1beta1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"

	"keel.dev/keel/pkg/apiserver/registry/rest"
)

// nodeMetricsStorage serves metrics.k8s.io/v1beta1 nodes.
type nodeMetricsStorage struct{ *source }

// New implements rest.Storage.
func (s *nodeMetricsStorage) New() runtime.Object { return &metricsv1beta1.NodeMetrics{} }

// NewList implements rest.Lister.
func (s *nodeMetricsStorage) NewList() runtime.Object { return &metricsv1beta1.NodeMetricsList{} }

// Get implements rest.Getter: the metrics of one node, NotFound when the
// node does not exist or its kubelet gave no sample.
func (s *nodeMetricsStorage) Get(ctx context.Context, name string, _ *metav1.GetOptions) (runtime.Object, error) {
	node, err := s.node(ctx, name)
	if err != nil {
		if apierrors.IsNotFound(err) {
			return nil, apierrors.NewNotFound(nodeMetricsResource, name)
		}
		return nil, err
	}
	sums := s.scrape.summaries(ctx, []*corev1.Node{node})
	if sum, ok := sums[name]; ok {
		if m, ok := s.nodeMetrics(node, sum); ok {
			return m, nil
		}
	}
	return nil, apierrors.NewNotFound(nodeMetricsResource, name)
}

// List implements rest.Lister: the metrics of the selected nodes that have
// a sample, by name.
func (s *nodeMetricsStorage) List(ctx context.Context, opts *rest.ListOptions) (runtime.Object, error) {
	obj, err := listOf(rest.WithNamespace(ctx, ""), s.nodes, opts)
	if err != nil {
		return nil, err
	}
	list, ok := obj.(*corev1.NodeList)
	if !ok {
		return nil, unexpected("nodes", obj)
	}
	nodes := make([]*corev1.Node, len(list.Items))
	for i := range list.Items {
		nodes[i] = &list.Items[i]
	}
	sums := s.scrape.summaries(ctx, nodes)
	out := &metricsv1beta1.NodeMetricsList{Items: []metricsv1beta1.NodeMetrics{}}
	out.ResourceVersion = list.ResourceVersion
	for _, n := range nodes {
		sum, ok := sums[n.Name]
		if !ok {
			continue
		}
		if m, ok := s.nodeMetrics(n, sum); ok {
			out.Items = append(out.Items, *m)
		}
	}
	sort.Slice(out.Items, func(i, j int) bool { return out.Items[i].Name < out.Items[j].Name })
	return out, nil
}

func (s *source) node(ctx context.Context, name string) (*corev1.Node, error) {
	obj, err := s.nodes.Get(rest.WithNamespace(ctx, ""), name, &metav1.GetOptions{})
	if err != nil {
		return nil, err
	}
	n, ok := obj.(*corev1.Node)
	if !ok {
		return nil, unexpected("nodes", obj)
	}
	return n, nil
}

// podMetricsStorage serves metrics.k8s.io/v1beta1 pods.
type podMetricsStorage struct{ *source }

// New implements rest.Storage.
func (s *podMetricsStorage) New() runtime.Object { return &metricsv1beta1.PodMetrics{} }

// NewList implements rest.Lister.
func (s *podMetricsStorage) NewList() runtime.Object { return &metricsv1beta1.PodMetricsList{} }

// Get implements rest.Getter: the metrics of one pod of the request's
// namespace, NotFound ("podmetrics.metrics.k8s.io "NS/NAME" not found")
// when the pod does not exist, is not on a node or has no sample yet.
func (s *podMetricsStorage) Get(ctx context.Context, name string, _ *metav1.GetOptions) (runtime.Object, error) {
	ns := rest.NamespaceFrom(ctx)
	notFound := apierrors.NewNotFound(podMetricsResource, ns+"/"+name)
	obj, err := s.pods.Get(ctx, name, &metav1.GetOptions{})
	if err != nil {
		if apierrors.IsNotFound(err) {
			return nil, notFound
		}
		return nil, err
	}
	pod, ok := obj.(*corev1.Pod)
	if !ok {
		return nil, unexpected("pods", obj)
	}
	items, err := s.metricsOf(ctx, []*corev1.Pod{pod})
	if err != nil {
		return nil, err
	}
	if len(items) == 0 {
		return nil, notFound
	}
	return &items[0], nil
}

// List implements rest.Lister: the metrics of the selected pods of the
// request's namespace (all namespaces when empty) that have a sample,
// by namespace and name.
func (s *podMetricsStorage) List(ctx context.Context, opts *rest.ListOptions) (runtime.Object, error) {
	obj, err := listOf(ctx, s.pods, opts)
	if err != nil {
		return nil, err
	}
	list, ok := obj.(*corev1.PodList)
	if !ok {
		return nil, unexpected("pods", obj)
	}
	pods := make([]*corev1.Pod, len(list.Items))
	for i := range list.Items {
		pods[i] = &list.Items[i]
	}
	items, err := s.metricsOf(ctx, pods)
	if err != nil {
		return nil, err
	}
	out := &metricsv1beta1.PodMetricsList{Items: items}
	out.ResourceVersion = list.ResourceVersion
	return out, nil
}

// metricsOf scrapes the nodes of pods and returns the metrics of the pods
// found in their summaries, sorted by namespace and name.
func (s *source) metricsOf(ctx context.Context, pods []*corev1.Pod) ([]metricsv1beta1.PodMetrics, error) {
	var nodes []*corev1.Node
	seen := map[string]bool{}
	for _, p := range pods {
		name := p.Spec.NodeName
		if name == "" || seen[name] {
			continue
		}
		seen[name] = true
		n, err := s.node(ctx, name)
		if apierrors.IsNotFound(err) {
			continue // the node is gone: its pods have no metrics
		}
		if err != nil {
			return nil, err
		}
		nodes = append(nodes, n)
	}
	sums := s.scrape.summaries(ctx, nodes)
	items := []metricsv1beta1.PodMetrics{}
	for _, p := range pods {
		sum, ok := sums[p.Spec.NodeName]
		if !ok {
			continue
		}
		if m, ok := s.podMetrics(p, sum); ok {
			items = append(items, *m)
		}
	}
	sort.Slice(items, func(i, j int) bool {
		if items[i].Namespace != items[j].Namespace {
			return items[i].Namespace < items[j].Namespace
		}
		return items[i].Name < items[j].Name
	})
	return items, nil
}

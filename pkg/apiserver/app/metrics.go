package app

import (
	"fmt"
	"log/slog"
	"net/http"

	"keel.dev/api/install"
	metricsv1beta1 "keel.dev/api/metrics/v1beta1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"
	"keel.dev/keel/pkg/apiserver/endpoints"
	"keel.dev/keel/pkg/apiserver/metricsapi"
	"keel.dev/keel/pkg/apiserver/registry/rest"
)

// newScheme is the apiserver's scheme: every stored API group plus
// metrics.k8s.io/v1beta1, which the apiserver serves itself from the
// kubelets (Kubernetes serves it through an aggregated metrics-server).
func newScheme() *runtime.Scheme {
	s := install.NewScheme()
	if err := metricsv1beta1.AddToScheme(s); err != nil {
		panic(fmt.Errorf("install %s: %w", metricsv1beta1.SchemeGroupVersion, err))
	}
	metav1.AddToGroupVersion(s, metricsv1beta1.SchemeGroupVersion)
	return s
}

// withMetrics answers the metrics.k8s.io resources from the metrics API
// and everything else from storages.
type withMetrics struct {
	endpoints.StorageProvider
	metrics *metricsapi.API
}

// For implements endpoints.StorageProvider.
func (p withMetrics) For(gvr schema.GroupVersionResource, subresource string) (rest.Storage, bool) {
	if gvr.Group == metricsv1beta1.GroupName {
		return p.metrics.For(gvr, subresource)
	}
	return p.StorageProvider.For(gvr, subresource)
}

// metricsStorages adds the metrics API over the kubelets reached through
// kubelet to storages; without a kubelet transport the metrics resources
// have no storage and answer 404 like an absent metrics-server.
func metricsStorages(storages endpoints.StorageProvider, kubelet func() (http.RoundTripper, error), log *slog.Logger) (endpoints.StorageProvider, error) {
	if kubelet == nil {
		return storages, nil
	}
	nodes, _ := storages.For(schema.GroupVersionResource{Version: "v1", Resource: "nodes"}, "")
	pods, _ := storages.For(schema.GroupVersionResource{Version: "v1", Resource: "pods"}, "")
	api, err := metricsapi.New(metricsapi.Config{
		Nodes: nodes, Pods: pods, Kubelets: metricsapi.KubeletClient{Transport: kubelet}, Logger: log,
	})
	if err != nil {
		return nil, err
	}
	return withMetrics{StorageProvider: storages, metrics: api}, nil
}

package v1beta1

import (
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"
)

// GroupName is the API group of this package.
const GroupName = "metrics.k8s.io"

// SchemeGroupVersion is the group version of this package's kinds.
var SchemeGroupVersion = schema.GroupVersion{Group: GroupName, Version: "v1beta1"}

// Resource returns a group resource of this group.
func Resource(resource string) schema.GroupResource {
	return SchemeGroupVersion.WithResource(resource).GroupResource()
}

// Verbs are the verbs both metrics resources serve: they are read-only
// and cannot be watched.
var Verbs = []string{"get", "list"}

// AddToScheme registers the metrics kinds and their two read-only
// resources, nodes (NodeMetrics) and pods (PodMetrics).
func AddToScheme(s *runtime.Scheme) error {
	s.AddKnownTypes(SchemeGroupVersion, &NodeMetrics{}, &NodeMetricsList{}, &PodMetrics{}, &PodMetricsList{})
	s.AddResources(
		runtime.ResourceInfo{
			GroupVersionResource: SchemeGroupVersion.WithResource("nodes"),
			Kind:                 "NodeMetrics",
			ListKind:             "NodeMetricsList",
			Verbs:                Verbs,
		},
		runtime.ResourceInfo{
			GroupVersionResource: SchemeGroupVersion.WithResource("pods"),
			Kind:                 "PodMetrics",
			ListKind:             "PodMetricsList",
			Namespaced:           true,
			Verbs:                Verbs,
		},
	)
	return nil
}

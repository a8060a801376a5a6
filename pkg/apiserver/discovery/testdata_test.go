package discovery

import (
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"
)

// testResources is a small API: core v1 pods, namespaces and configmaps,
// apps/v1 deployments, batch/v1 jobs and a made-up group with two versions.
func testResources() []runtime.ResourceInfo {
	core := schema.GroupVersion{Version: "v1"}
	apps := schema.GroupVersion{Group: "apps", Version: "v1"}
	s := runtime.NewScheme()
	s.AddResources(
		runtime.ResourceInfo{
			GroupVersionResource: core.WithResource("pods"), Kind: "Pod", Singular: "pod",
			ShortNames: []string{"po"}, Categories: []string{"all"}, Namespaced: true,
			Subresources: []runtime.SubresourceInfo{
				{Name: "status", Verbs: []string{"update", "get", "patch"}},
				{Name: "log", Kind: core.WithKind("Pod"), Verbs: []string{"get"}},
				{Name: "exec", Kind: core.WithKind("PodExecOptions"), Verbs: []string{"get", "create"}},
				{Name: "eviction", Kind: schema.GroupVersionKind{Group: "policy", Version: "v1", Kind: "Eviction"}, Verbs: []string{"create"}},
			},
		},
		runtime.ResourceInfo{
			GroupVersionResource: core.WithResource("namespaces"), Kind: "Namespace", Singular: "namespace",
			ShortNames: []string{"ns"},
			Verbs:      []string{"create", "delete", "get", "list", "patch", "update", "watch"},
			Subresources: []runtime.SubresourceInfo{
				{Name: "finalize", Verbs: []string{"update"}},
				{Name: "status", Verbs: []string{"get", "patch", "update"}},
			},
		},
		runtime.ResourceInfo{
			GroupVersionResource: core.WithResource("configmaps"), Kind: "ConfigMap", Singular: "configmap",
			ShortNames: []string{"cm"}, Namespaced: true,
		},
		runtime.ResourceInfo{
			GroupVersionResource: apps.WithResource("deployments"), Kind: "Deployment", Singular: "deployment",
			ShortNames: []string{"deploy"}, Categories: []string{"all"}, Namespaced: true,
			Subresources: []runtime.SubresourceInfo{
				{Name: "status", Verbs: []string{"get", "patch", "update"}},
				{Name: "scale", Kind: schema.GroupVersionKind{Group: "autoscaling", Version: "v1", Kind: "Scale"}, Verbs: []string{"get", "patch", "update"}},
			},
		},
		runtime.ResourceInfo{
			GroupVersionResource: schema.GroupVersionResource{Group: "batch", Version: "v1", Resource: "jobs"}, Kind: "Job", Singular: "job",
			Categories: []string{"all"}, Namespaced: true,
		},
		runtime.ResourceInfo{
			GroupVersionResource: schema.GroupVersionResource{Group: "a.example.io", Version: "v1beta1", Resource: "widgets"}, Kind: "Widget",
		},
		runtime.ResourceInfo{
			GroupVersionResource: schema.GroupVersionResource{Group: "a.example.io", Version: "v1", Resource: "widgets"}, Kind: "Widget",
		},
	)
	return s.Resources()
}

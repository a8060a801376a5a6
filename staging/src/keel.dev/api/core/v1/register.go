package v1

import (
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"
)

// GroupName is the name of the core API group: the empty string, served
// under /api rather than /apis.
const GroupName = ""

// SchemeGroupVersion is the group version of this package's kinds.
var SchemeGroupVersion = schema.GroupVersion{Group: GroupName, Version: "v1"}

// Resource returns a group resource of the core group.
func Resource(resource string) schema.GroupResource {
	return SchemeGroupVersion.WithResource(resource).GroupResource()
}

// Verb sets of subresources, in the order discovery lists them.
var (
	statusVerbs  = []string{"get", "patch", "update"}
	proxyVerbs   = []string{"create", "delete", "get", "patch", "update"}
	connectVerbs = []string{"create", "get"}
	createOnly   = []string{"create"}
	// namespaceVerbs lacks deletecollection: namespaces are deleted one by one.
	namespaceVerbs = []string{"create", "delete", "get", "list", "patch", "update", "watch"}
)

// AddToScheme registers every core/v1 kind and resource in s, with their
// defaulting and validation.
func AddToScheme(s *runtime.Scheme) error {
	s.AddKnownTypes(SchemeGroupVersion,
		// Pod half.
		&Pod{}, &PodList{},
		&PodTemplate{}, &PodTemplateList{},
		&Binding{},
		&PodLogOptions{}, &PodExecOptions{}, &PodAttachOptions{},
		&PodPortForwardOptions{}, &PodProxyOptions{},
		// Everything else.
		&Node{}, &NodeList{}, &NodeProxyOptions{},
		&Namespace{}, &NamespaceList{},
		&Service{}, &ServiceList{}, &ServiceProxyOptions{},
		&Endpoints{}, &EndpointsList{},
		&ConfigMap{}, &ConfigMapList{},
		&Secret{}, &SecretList{},
		&Event{}, &EventList{},
		&ServiceAccount{}, &ServiceAccountList{},
		&PersistentVolume{}, &PersistentVolumeList{},
		&PersistentVolumeClaim{}, &PersistentVolumeClaimList{},
		&ResourceQuota{}, &ResourceQuotaList{},
		&LimitRange{}, &LimitRangeList{},
		&ReplicationController{}, &ReplicationControllerList{},
		&ComponentStatus{}, &ComponentStatusList{},
		&SerializedReference{}, &RangeAllocation{},
	)
	// Status, the request options and WatchEvent, as in every group version.
	metav1.AddToGroupVersion(s, SchemeGroupVersion)
	s.AddResources(resources()...)
	RegisterPodDefaultsAndValidation(s)
	registerDefaults(s)
	registerValidation(s)
	return nil
}

// gvk names a kind of another group for a subresource.
func gvk(group, version, kind string) schema.GroupVersionKind {
	return schema.GroupVersionKind{Group: group, Version: version, Kind: kind}
}

// resources lists the REST resources of /api/v1 as Kubernetes' discovery
// shows them.
func resources() []runtime.ResourceInfo {
	self := func(kind string) schema.GroupVersionKind { return SchemeGroupVersion.WithKind(kind) }
	status := runtime.SubresourceInfo{Name: "status", Verbs: statusVerbs}
	res := func(plural, kind, singular string, namespaced bool, short []string, subs ...runtime.SubresourceInfo) runtime.ResourceInfo {
		return runtime.ResourceInfo{
			GroupVersionResource: SchemeGroupVersion.WithResource(plural),
			Kind:                 kind,
			Singular:             singular,
			ShortNames:           short,
			Namespaced:           namespaced,
			Subresources:         subs,
		}
	}

	pods := res("pods", "Pod", "pod", true, []string{"po"},
		runtime.SubresourceInfo{Name: "attach", Kind: self("PodAttachOptions"), Verbs: connectVerbs},
		runtime.SubresourceInfo{Name: "binding", Kind: self("Binding"), Verbs: createOnly},
		runtime.SubresourceInfo{Name: "ephemeralcontainers", Verbs: statusVerbs},
		runtime.SubresourceInfo{Name: "eviction", Kind: gvk("policy", "v1", "Eviction"), Verbs: createOnly},
		runtime.SubresourceInfo{Name: "exec", Kind: self("PodExecOptions"), Verbs: connectVerbs},
		runtime.SubresourceInfo{Name: "log", Verbs: []string{"get"}},
		runtime.SubresourceInfo{Name: "portforward", Kind: self("PodPortForwardOptions"), Verbs: connectVerbs},
		runtime.SubresourceInfo{Name: "proxy", Kind: self("PodProxyOptions"), Verbs: proxyVerbs},
		runtime.SubresourceInfo{Name: "resize", Verbs: statusVerbs},
		status,
	)
	pods.Categories = []string{"all"}

	bindings := res("bindings", "Binding", "binding", true, nil)
	bindings.Verbs = createOnly

	componentStatuses := res("componentstatuses", "ComponentStatus", "componentstatus", false, []string{"cs"})
	componentStatuses.Verbs = []string{"get", "list"}

	namespaces := res("namespaces", "Namespace", "namespace", false, []string{"ns"},
		runtime.SubresourceInfo{Name: "finalize", Verbs: []string{"update"}},
		status,
	)
	namespaces.Verbs = namespaceVerbs

	services := res("services", "Service", "service", true, []string{"svc"},
		runtime.SubresourceInfo{Name: "proxy", Kind: self("ServiceProxyOptions"), Verbs: proxyVerbs},
		status,
	)
	services.Categories = []string{"all"}

	rcs := res("replicationcontrollers", "ReplicationController", "replicationcontroller", true, []string{"rc"},
		runtime.SubresourceInfo{Name: "scale", Kind: gvk("autoscaling", "v1", "Scale"), Verbs: statusVerbs},
		status,
	)
	rcs.Categories = []string{"all"}

	return []runtime.ResourceInfo{
		bindings,
		componentStatuses,
		res("configmaps", "ConfigMap", "configmap", true, []string{"cm"}),
		res("endpoints", "Endpoints", "endpoints", true, []string{"ep"}),
		res("events", "Event", "event", true, []string{"ev"}),
		res("limitranges", "LimitRange", "limitrange", true, []string{"limits"}),
		namespaces,
		res("nodes", "Node", "node", false, []string{"no"},
			runtime.SubresourceInfo{Name: "proxy", Kind: self("NodeProxyOptions"), Verbs: proxyVerbs},
			status,
		),
		res("persistentvolumeclaims", "PersistentVolumeClaim", "persistentvolumeclaim", true, []string{"pvc"}, status),
		res("persistentvolumes", "PersistentVolume", "persistentvolume", false, []string{"pv"}, status),
		pods,
		res("podtemplates", "PodTemplate", "podtemplate", true, nil),
		rcs,
		res("resourcequotas", "ResourceQuota", "resourcequota", true, []string{"quota"}, status),
		res("secrets", "Secret", "secret", true, nil),
		res("serviceaccounts", "ServiceAccount", "serviceaccount", true, []string{"sa"},
			runtime.SubresourceInfo{Name: "token", Kind: gvk("authentication.k8s.io", "v1", "TokenRequest"), Verbs: createOnly},
		),
		services,
	}
}

package resourcequota

import (
	"strings"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/apimachinery/pkg/api/resource"
	"keel.dev/apimachinery/pkg/runtime/schema"
)

// Objects is a snapshot of the namespace content usage is computed from.
type Objects struct {
	Pods                   []*corev1.Pod
	Services               []*corev1.Service
	ConfigMaps             []*corev1.ConfigMap
	Secrets                []*corev1.Secret
	PersistentVolumeClaims []*corev1.PersistentVolumeClaim
	ReplicationControllers []*corev1.ReplicationController
	ResourceQuotas         []*corev1.ResourceQuota
	// Counts holds the object counts of other resources, for the
	// "count/<resource>.<group>" names; a resource absent from the map is
	// not measured.
	Counts map[schema.GroupResource]int
}

// Usage returns status.used for the names in hard; names this controller
// cannot measure are left out.
func Usage(hard corev1.ResourceList, o Objects) corev1.ResourceList {
	pods := activePods(o.Pods)
	used := corev1.ResourceList{}
	for name := range hard {
		if q, ok := measure(name, pods, o); ok {
			used[name] = q
		}
	}
	return used
}

func count(n int) resource.Quantity { return *resource.NewQuantity(int64(n), resource.DecimalSI) }

// measure computes one resource's usage.
func measure(name corev1.ResourceName, pods []*corev1.Pod, o Objects) (resource.Quantity, bool) {
	switch name {
	case corev1.ResourcePods, "count/pods":
		return count(len(pods)), true
	case corev1.ResourceServices, "count/services":
		return count(len(o.Services)), true
	case corev1.ResourceConfigMaps, "count/configmaps":
		return count(len(o.ConfigMaps)), true
	case corev1.ResourceSecrets, "count/secrets":
		return count(len(o.Secrets)), true
	case corev1.ResourcePersistentVolumeClaims, "count/persistentvolumeclaims":
		return count(len(o.PersistentVolumeClaims)), true
	case corev1.ResourceReplicationControllers, "count/replicationcontrollers":
		return count(len(o.ReplicationControllers)), true
	case corev1.ResourceQuotas, "count/resourcequotas":
		return count(len(o.ResourceQuotas)), true
	case corev1.ResourceServicesLoadBalancers:
		n := 0
		for _, s := range o.Services {
			if s.Spec.Type == corev1.ServiceTypeLoadBalancer {
				n++
			}
		}
		return count(n), true
	case corev1.ResourceServicesNodePorts:
		n := 0
		for _, s := range o.Services {
			if s.Spec.Type == corev1.ServiceTypeNodePort || s.Spec.Type == corev1.ServiceTypeLoadBalancer {
				for _, p := range s.Spec.Ports {
					if p.NodePort != 0 || s.Spec.Type == corev1.ServiceTypeNodePort {
						n++
					}
				}
			}
		}
		return count(n), true
	case corev1.ResourceRequestsStorage:
		total := resource.Quantity{}
		for _, c := range o.PersistentVolumeClaims {
			if q, ok := c.Spec.Resources.Requests[corev1.ResourceStorage]; ok {
				total.Add(q)
			}
		}
		return total, true
	case corev1.ResourceCPU, corev1.ResourceRequestsCPU:
		return sumPods(pods, corev1.ResourceCPU, false), true
	case corev1.ResourceMemory, corev1.ResourceRequestsMemory:
		return sumPods(pods, corev1.ResourceMemory, false), true
	case corev1.ResourceLimitsCPU:
		return sumPods(pods, corev1.ResourceCPU, true), true
	case corev1.ResourceLimitsMemory:
		return sumPods(pods, corev1.ResourceMemory, true), true
	}
	if gr, ok := ParseCountName(name); ok {
		n, measured := o.Counts[gr]
		return count(n), measured
	}
	if class, what, ok := ParseClassName(name); ok {
		return classUsage(o.PersistentVolumeClaims, class, what), true
	}
	if r, ok := strings.CutPrefix(string(name), "requests."); ok {
		return sumPods(pods, corev1.ResourceName(r), false), true
	}
	if r, ok := strings.CutPrefix(string(name), "limits."); ok {
		return sumPods(pods, corev1.ResourceName(r), true), true
	}
	if name == corev1.ResourceEphemeralStorage {
		return sumPods(pods, name, false), true
	}
	return resource.Quantity{}, false
}

// ParseCountName returns the resource of an object-count name
// ("count/deployments.apps", "count/events"); the core kinds measured
// from typed objects ("count/pods") are handled before it is asked.
func ParseCountName(name corev1.ResourceName) (schema.GroupResource, bool) {
	rest, ok := strings.CutPrefix(string(name), "count/")
	if !ok || rest == "" {
		return schema.GroupResource{}, false
	}
	res, group, _ := strings.Cut(rest, ".")
	if res == "" {
		return schema.GroupResource{}, false
	}
	return schema.GroupResource{Group: group, Resource: res}, true
}

// storageClassInfix joins a StorageClass name and the measured quantity in
// per-class claim quotas ("gold.storageclass.storage.k8s.io/requests.storage").
const storageClassInfix = ".storageclass.storage.k8s.io/"

// ParseClassName splits a per-StorageClass claim quota name into the class
// and "requests.storage" or "persistentvolumeclaims".
func ParseClassName(name corev1.ResourceName) (class string, what corev1.ResourceName, ok bool) {
	class, rest, found := strings.Cut(string(name), storageClassInfix)
	if !found || class == "" {
		return "", "", false
	}
	switch w := corev1.ResourceName(rest); w {
	case corev1.ResourceRequestsStorage, corev1.ResourcePersistentVolumeClaims:
		return class, w, true
	}
	return "", "", false
}

// claimClass is the StorageClass a claim asks for ("" for none); the beta
// annotation wins over the field, as the apiserver reads it.
func claimClass(c *corev1.PersistentVolumeClaim) string {
	if v, ok := c.Annotations[corev1.BetaStorageClassAnnotation]; ok {
		return v
	}
	if c.Spec.StorageClassName != nil {
		return *c.Spec.StorageClassName
	}
	return ""
}

// classUsage counts the claims of class (what = persistentvolumeclaims) or
// adds up their storage requests (what = requests.storage).
func classUsage(claims []*corev1.PersistentVolumeClaim, class string, what corev1.ResourceName) resource.Quantity {
	n := 0
	total := resource.Quantity{}
	for _, c := range claims {
		if claimClass(c) != class {
			continue
		}
		n++
		if q, ok := c.Spec.Resources.Requests[corev1.ResourceStorage]; ok {
			total.Add(q)
		}
	}
	if what == corev1.ResourcePersistentVolumeClaims {
		return count(n)
	}
	return total
}

// activePods drops pods in a terminal phase.
func activePods(in []*corev1.Pod) []*corev1.Pod {
	out := make([]*corev1.Pod, 0, len(in))
	for _, p := range in {
		if p.Status.Phase == corev1.PodSucceeded || p.Status.Phase == corev1.PodFailed {
			continue
		}
		out = append(out, p)
	}
	return out
}

// sumPods adds the effective request (or limit) of every pod.
func sumPods(pods []*corev1.Pod, name corev1.ResourceName, limits bool) resource.Quantity {
	total := resource.Quantity{}
	for _, p := range pods {
		q := podAmount(p, name, limits)
		total.Add(q)
	}
	return total
}

// podAmount is max(sum over containers, max over init containers).
func podAmount(p *corev1.Pod, name corev1.ResourceName, limits bool) resource.Quantity {
	pick := func(c corev1.Container) (resource.Quantity, bool) {
		l := c.Resources.Requests
		if limits {
			l = c.Resources.Limits
		}
		q, ok := l[name]
		return q, ok
	}
	sum := resource.Quantity{}
	for _, c := range p.Spec.Containers {
		if q, ok := pick(c); ok {
			sum.Add(q)
		}
	}
	for _, c := range p.Spec.InitContainers {
		if q, ok := pick(c); ok && q.Cmp(sum) > 0 {
			sum = q.DeepCopy()
		}
	}
	return sum
}

package resourcequota

import (
	"strings"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/apimachinery/pkg/api/resource"
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
	if strings.HasPrefix(string(name), "requests.") || strings.HasPrefix(string(name), "limits.") {
		// Extended resources are not measured.
		return resource.Quantity{}, false
	}
	return resource.Quantity{}, false
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

package framework

import (
	corev1 "keel.dev/api/core/v1"
)

// Defaults the scheduler assumes for containers that request no cpu or memory,
// used only for spreading scores (Kubernetes' values).
const (
	DefaultMilliCPURequest int64 = 100
	DefaultMemoryRequest   int64 = 200 * 1024 * 1024
)

// Resource is a resource vector in plain integers: milli-cpu, bytes, pod count
// and extended resources.
type Resource struct {
	MilliCPU         int64
	Memory           int64
	EphemeralStorage int64
	AllowedPodNumber int64
	ScalarResources  map[corev1.ResourceName]int64
}

// NewResource converts a ResourceList.
func NewResource(rl corev1.ResourceList) *Resource {
	r := &Resource{}
	r.Add(rl)
	return r
}

// Add adds every quantity of rl.
func (r *Resource) Add(rl corev1.ResourceList) {
	for name, q := range rl {
		switch name {
		case corev1.ResourceCPU:
			r.MilliCPU += q.MilliValue()
		case corev1.ResourceMemory:
			r.Memory += q.Value()
		case corev1.ResourceEphemeralStorage:
			r.EphemeralStorage += q.Value()
		case corev1.ResourcePods:
			r.AllowedPodNumber += q.Value()
		default:
			if isScalarResource(name) {
				r.AddScalar(name, q.Value())
			}
		}
	}
}

// isScalarResource reports whether name is an extended or hugepages resource the scheduler tracks.
func isScalarResource(name corev1.ResourceName) bool {
	s := string(name)
	if len(s) > 10 && s[:10] == "hugepages-" {
		return true
	}
	for i := 0; i < len(s); i++ {
		if s[i] == '/' {
			return !(len(s) > 22 && s[:22] == "requests.kubernetes.io")
		}
	}
	return false
}

// AddScalar adds v to an extended resource.
func (r *Resource) AddScalar(name corev1.ResourceName, v int64) {
	if r.ScalarResources == nil {
		r.ScalarResources = map[corev1.ResourceName]int64{}
	}
	r.ScalarResources[name] += v
}

// AddResource adds o to r.
func (r *Resource) AddResource(o *Resource) {
	r.MilliCPU += o.MilliCPU
	r.Memory += o.Memory
	r.EphemeralStorage += o.EphemeralStorage
	r.AllowedPodNumber += o.AllowedPodNumber
	for k, v := range o.ScalarResources {
		r.AddScalar(k, v)
	}
}

// SubResource subtracts o from r.
func (r *Resource) SubResource(o *Resource) {
	r.MilliCPU -= o.MilliCPU
	r.Memory -= o.Memory
	r.EphemeralStorage -= o.EphemeralStorage
	r.AllowedPodNumber -= o.AllowedPodNumber
	for k, v := range o.ScalarResources {
		r.AddScalar(k, -v)
	}
}

// SetMax raises each field of r to at least o's.
func (r *Resource) SetMax(o *Resource) {
	r.MilliCPU = max(r.MilliCPU, o.MilliCPU)
	r.Memory = max(r.Memory, o.Memory)
	r.EphemeralStorage = max(r.EphemeralStorage, o.EphemeralStorage)
	for k, v := range o.ScalarResources {
		if v > r.ScalarResources[k] {
			r.AddScalar(k, v-r.ScalarResources[k])
		}
	}
}

// Clone returns a deep copy.
func (r *Resource) Clone() *Resource {
	out := *r
	if r.ScalarResources != nil {
		out.ScalarResources = make(map[corev1.ResourceName]int64, len(r.ScalarResources))
		for k, v := range r.ScalarResources {
			out.ScalarResources[k] = v
		}
	}
	return &out
}

// Get returns the amount of one resource in the scheduler's integer unit.
func (r *Resource) Get(name corev1.ResourceName) int64 {
	switch name {
	case corev1.ResourceCPU:
		return r.MilliCPU
	case corev1.ResourceMemory:
		return r.Memory
	case corev1.ResourceEphemeralStorage:
		return r.EphemeralStorage
	case corev1.ResourcePods:
		return r.AllowedPodNumber
	}
	return r.ScalarResources[name]
}

// PodRequests computes what pod reserves on a node: the larger of the sum of
// app containers plus sidecars and the peak of the init sequence (each init
// container plus the sidecars started before it), plus the pod overhead.
// Pod-level resources, when set, replace the container sum for the resources
// they name. With nonZero, containers without cpu or memory requests count
// the scheduler's defaults.
func PodRequests(pod *corev1.Pod, nonZero bool) *Resource {
	reqs := &Resource{}
	for i := range pod.Spec.Containers {
		reqs.AddResource(containerRequests(&pod.Spec.Containers[i], nonZero))
	}
	sidecars := &Resource{}
	initPeak := &Resource{}
	for i := range pod.Spec.InitContainers {
		c := &pod.Spec.InitContainers[i]
		cr := containerRequests(c, nonZero)
		if corev1.IsRestartableInitContainer(c) {
			reqs.AddResource(cr)
			sidecars.AddResource(cr)
			initPeak.SetMax(sidecars)
			continue
		}
		cr.AddResource(sidecars)
		initPeak.SetMax(cr)
	}
	reqs.SetMax(initPeak)
	if pr := pod.Spec.Resources; pr != nil && len(pr.Requests) > 0 {
		lvl := NewResource(pr.Requests)
		if _, ok := pr.Requests[corev1.ResourceCPU]; ok {
			reqs.MilliCPU = lvl.MilliCPU
		}
		if _, ok := pr.Requests[corev1.ResourceMemory]; ok {
			reqs.Memory = lvl.Memory
		}
	}
	if pod.Spec.Overhead != nil {
		reqs.Add(pod.Spec.Overhead)
	}
	return reqs
}

func containerRequests(c *corev1.Container, nonZero bool) *Resource {
	r := NewResource(c.Resources.Requests)
	if nonZero {
		if _, ok := c.Resources.Requests[corev1.ResourceCPU]; !ok {
			r.MilliCPU = DefaultMilliCPURequest
		}
		if _, ok := c.Resources.Requests[corev1.ResourceMemory]; !ok {
			r.Memory = DefaultMemoryRequest
		}
	}
	return r
}

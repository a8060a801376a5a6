package v1

// IsRestartableInitContainer reports whether c is a sidecar: an init
// container with restartPolicy Always.
func IsRestartableInitContainer(c *Container) bool {
	return c.RestartPolicy != nil && *c.RestartPolicy == ContainerRestartPolicyAlways
}

// GetPodCondition returns the index and a pointer to the condition of the
// given type in status, or -1 and nil.
func GetPodCondition(status *PodStatus, t PodConditionType) (int, *PodCondition) {
	if status == nil {
		return -1, nil
	}
	for i := range status.Conditions {
		if status.Conditions[i].Type == t {
			return i, &status.Conditions[i]
		}
	}
	return -1, nil
}

// IsPodReady reports whether the pod's Ready condition is True.
func IsPodReady(pod *Pod) bool {
	_, c := GetPodCondition(&pod.Status, PodReady)
	return c != nil && c.Status == ConditionTrue
}

// IsPodTerminal reports whether the pod has reached Succeeded or Failed.
func IsPodTerminal(pod *Pod) bool {
	return pod.Status.Phase == PodSucceeded || pod.Status.Phase == PodFailed
}

// VisitContainers calls visit for every init, regular and ephemeral
// container of spec, in that order, until visit returns false. Ephemeral
// containers are passed as a Container converted from their common fields.
func VisitContainers(spec *PodSpec, visit func(c *Container) bool) bool {
	for i := range spec.InitContainers {
		if !visit(&spec.InitContainers[i]) {
			return false
		}
	}
	for i := range spec.Containers {
		if !visit(&spec.Containers[i]) {
			return false
		}
	}
	for i := range spec.EphemeralContainers {
		c := Container(spec.EphemeralContainers[i].EphemeralContainerCommon)
		if !visit(&c) {
			return false
		}
	}
	return true
}

// qosResources are the resources that decide a pod's QoS class.
var qosResources = []ResourceName{ResourceCPU, ResourceMemory}

// ComputePodQOS returns the QoS class Kubernetes assigns to pod: BestEffort
// without any cpu or memory request or limit, Guaranteed when every container
// (or the pod-level resources, when set) limits both cpu and memory with
// requests equal to limits, and Burstable otherwise.
func ComputePodQOS(pod *Pod) PodQOSClass {
	requests, limits := ResourceList{}, ResourceList{}
	guaranteed := true
	add := func(dst ResourceList, src ResourceList) int {
		n := 0
		for _, name := range qosResources {
			q, ok := src[name]
			if !ok || q.Sign() <= 0 {
				continue
			}
			n++
			sum := dst[name]
			sum.Add(q)
			dst[name] = sum
		}
		return n
	}
	if r := pod.Spec.Resources; r != nil && (len(r.Requests) > 0 || len(r.Limits) > 0) {
		add(requests, r.Requests)
		if add(limits, r.Limits) != len(qosResources) {
			guaranteed = false
		}
	} else {
		for _, list := range [][]Container{pod.Spec.InitContainers, pod.Spec.Containers} {
			for i := range list {
				add(requests, list[i].Resources.Requests)
				if add(limits, list[i].Resources.Limits) != len(qosResources) {
					guaranteed = false
				}
			}
		}
	}
	if len(requests) == 0 && len(limits) == 0 {
		return PodQOSBestEffort
	}
	if guaranteed && len(limits) == len(qosResources) {
		for name, req := range requests {
			if lim := limits[name]; lim.Cmp(req) != 0 {
				return PodQOSBurstable
			}
		}
		return PodQOSGuaranteed
	}
	return PodQOSBurstable
}

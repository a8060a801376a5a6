package testing

import (
	corev1 "keel.dev/api/core/v1"
	"keel.dev/apimachinery/pkg/api/resource"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/types"
)

// NodeWrapper builds a Node.
type NodeWrapper struct{ corev1.Node }

// MakeNode starts a node with 110 allocatable pods.
func MakeNode(name string) *NodeWrapper {
	w := &NodeWrapper{}
	w.Name = name
	w.Labels = map[string]string{"kubernetes.io/hostname": name}
	w.Status.Allocatable = corev1.ResourceList{corev1.ResourcePods: resource.MustParse("110")}
	w.Status.Capacity = w.Status.Allocatable
	return w
}

// Capacity sets allocatable cpu and memory (quantity strings).
func (w *NodeWrapper) Capacity(cpu, mem string) *NodeWrapper {
	a := corev1.ResourceList{corev1.ResourcePods: w.Status.Allocatable[corev1.ResourcePods]}
	if cpu != "" {
		a[corev1.ResourceCPU] = resource.MustParse(cpu)
	}
	if mem != "" {
		a[corev1.ResourceMemory] = resource.MustParse(mem)
	}
	w.Status.Allocatable = a
	w.Status.Capacity = a
	return w
}

// Pods sets the allocatable pod count.
func (w *NodeWrapper) Pods(n string) *NodeWrapper {
	w.Status.Allocatable[corev1.ResourcePods] = resource.MustParse(n)
	return w
}

// Label adds a label.
func (w *NodeWrapper) Label(k, v string) *NodeWrapper {
	w.Labels[k] = v
	return w
}

// Taint adds a taint.
func (w *NodeWrapper) Taint(k, v string, e corev1.TaintEffect) *NodeWrapper {
	w.Spec.Taints = append(w.Spec.Taints, corev1.Taint{Key: k, Value: v, Effect: e})
	return w
}

// Unschedulable cordons the node.
func (w *NodeWrapper) Unschedulable() *NodeWrapper {
	w.Spec.Unschedulable = true
	return w
}

// Image adds an image of size bytes.
func (w *NodeWrapper) Image(name string, size int64) *NodeWrapper {
	w.Status.Images = append(w.Status.Images, corev1.ContainerImage{Names: []string{name}, SizeBytes: size})
	return w
}

// Obj returns the node.
func (w *NodeWrapper) Obj() *corev1.Node { n := w.Node; return &n }

// PodWrapper builds a Pod.
type PodWrapper struct{ corev1.Pod }

// MakePod starts a pod in namespace "default" with one container.
func MakePod(name string) *PodWrapper {
	w := &PodWrapper{}
	w.Name = name
	w.ObjectMeta.Namespace = "default"
	w.UID = types.UID("uid-" + name)
	w.Spec.Containers = []corev1.Container{{Name: "c", Image: "busybox"}}
	return w
}

// Namespace sets the namespace.
func (w *PodWrapper) Namespace(ns string) *PodWrapper {
	w.Pod.Namespace = ns
	return w
}

// Req sets the first container's cpu and memory requests.
func (w *PodWrapper) Req(cpu, mem string) *PodWrapper {
	r := corev1.ResourceList{}
	if cpu != "" {
		r[corev1.ResourceCPU] = resource.MustParse(cpu)
	}
	if mem != "" {
		r[corev1.ResourceMemory] = resource.MustParse(mem)
	}
	w.Spec.Containers[0].Resources.Requests = r
	return w
}

// Container adds a container with cpu and memory requests.
func (w *PodWrapper) Container(image, cpu, mem string) *PodWrapper {
	c := corev1.Container{Name: "c" + string(rune('a'+len(w.Spec.Containers))), Image: image, Resources: corev1.ResourceRequirements{Requests: corev1.ResourceList{}}}
	if cpu != "" {
		c.Resources.Requests[corev1.ResourceCPU] = resource.MustParse(cpu)
	}
	if mem != "" {
		c.Resources.Requests[corev1.ResourceMemory] = resource.MustParse(mem)
	}
	w.Spec.Containers = append(w.Spec.Containers, c)
	return w
}

// InitReq adds an init container (sidecar when sidecar is true) with a cpu request.
func (w *PodWrapper) InitReq(cpu string, sidecar bool) *PodWrapper {
	c := corev1.Container{Name: "init", Image: "busybox", Resources: corev1.ResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse(cpu)}}}
	if sidecar {
		always := corev1.ContainerRestartPolicyAlways
		c.RestartPolicy = &always
	}
	w.Spec.InitContainers = append(w.Spec.InitContainers, c)
	return w
}

// Overhead sets the pod overhead cpu.
func (w *PodWrapper) Overhead(cpu string) *PodWrapper {
	w.Spec.Overhead = corev1.ResourceList{corev1.ResourceCPU: resource.MustParse(cpu)}
	return w
}

// Node assigns the pod to a node.
func (w *PodWrapper) Node(n string) *PodWrapper {
	w.Spec.NodeName = n
	return w
}

// Label adds a label.
func (w *PodWrapper) Label(k, v string) *PodWrapper {
	if w.Labels == nil {
		w.Labels = map[string]string{}
	}
	w.Labels[k] = v
	return w
}

// Priority sets spec.priority.
func (w *PodWrapper) Priority(p int32) *PodWrapper {
	w.Spec.Priority = &p
	return w
}

// PreemptNever sets preemptionPolicy Never.
func (w *PodWrapper) PreemptNever() *PodWrapper {
	n := corev1.PreemptNever
	w.Spec.PreemptionPolicy = &n
	return w
}

// NodeSelector adds a nodeSelector entry.
func (w *PodWrapper) NodeSelector(k, v string) *PodWrapper {
	if w.Spec.NodeSelector == nil {
		w.Spec.NodeSelector = map[string]string{}
	}
	w.Spec.NodeSelector[k] = v
	return w
}

// Toleration adds a toleration.
func (w *PodWrapper) Toleration(k, v string, op corev1.TolerationOperator, e corev1.TaintEffect) *PodWrapper {
	w.Spec.Tolerations = append(w.Spec.Tolerations, corev1.Toleration{Key: k, Value: v, Operator: op, Effect: e})
	return w
}

// HostPort adds a host port to the first container.
func (w *PodWrapper) HostPort(port int32) *PodWrapper {
	w.Spec.Containers[0].Ports = append(w.Spec.Containers[0].Ports, corev1.ContainerPort{ContainerPort: port, HostPort: port, Protocol: corev1.ProtocolTCP})
	return w
}

func (w *PodWrapper) affinity() *corev1.Affinity {
	if w.Spec.Affinity == nil {
		w.Spec.Affinity = &corev1.Affinity{}
	}
	return w.Spec.Affinity
}

// NodeAffinityIn adds a required node affinity term key In values.
func (w *PodWrapper) NodeAffinityIn(key string, op corev1.NodeSelectorOperator, vals ...string) *PodWrapper {
	a := w.affinity()
	if a.NodeAffinity == nil {
		a.NodeAffinity = &corev1.NodeAffinity{}
	}
	if a.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution == nil {
		a.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution = &corev1.NodeSelector{}
	}
	ns := a.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution
	ns.NodeSelectorTerms = append(ns.NodeSelectorTerms, corev1.NodeSelectorTerm{MatchExpressions: []corev1.NodeSelectorRequirement{{Key: key, Operator: op, Values: vals}}})
	return w
}

// PreferredNodeAffinity adds a preferred node affinity term.
func (w *PodWrapper) PreferredNodeAffinity(weight int32, key string, vals ...string) *PodWrapper {
	a := w.affinity()
	if a.NodeAffinity == nil {
		a.NodeAffinity = &corev1.NodeAffinity{}
	}
	a.NodeAffinity.PreferredDuringSchedulingIgnoredDuringExecution = append(a.NodeAffinity.PreferredDuringSchedulingIgnoredDuringExecution,
		corev1.PreferredSchedulingTerm{Weight: weight, Preference: corev1.NodeSelectorTerm{MatchExpressions: []corev1.NodeSelectorRequirement{{Key: key, Operator: corev1.NodeSelectorOpIn, Values: vals}}}})
	return w
}

func term(topologyKey, labelKey, labelValue string) corev1.PodAffinityTerm {
	return corev1.PodAffinityTerm{TopologyKey: topologyKey, LabelSelector: &metav1.LabelSelector{MatchLabels: map[string]string{labelKey: labelValue}}}
}

// PodAffinity adds a required pod affinity term.
func (w *PodWrapper) PodAffinity(topologyKey, labelKey, labelValue string) *PodWrapper {
	a := w.affinity()
	if a.PodAffinity == nil {
		a.PodAffinity = &corev1.PodAffinity{}
	}
	a.PodAffinity.RequiredDuringSchedulingIgnoredDuringExecution = append(a.PodAffinity.RequiredDuringSchedulingIgnoredDuringExecution, term(topologyKey, labelKey, labelValue))
	return w
}

// PodAntiAffinity adds a required pod anti-affinity term.
func (w *PodWrapper) PodAntiAffinity(topologyKey, labelKey, labelValue string) *PodWrapper {
	a := w.affinity()
	if a.PodAntiAffinity == nil {
		a.PodAntiAffinity = &corev1.PodAntiAffinity{}
	}
	a.PodAntiAffinity.RequiredDuringSchedulingIgnoredDuringExecution = append(a.PodAntiAffinity.RequiredDuringSchedulingIgnoredDuringExecution, term(topologyKey, labelKey, labelValue))
	return w
}

// PreferredPodAffinity adds a preferred pod affinity term.
func (w *PodWrapper) PreferredPodAffinity(weight int32, topologyKey, labelKey, labelValue string) *PodWrapper {
	a := w.affinity()
	if a.PodAffinity == nil {
		a.PodAffinity = &corev1.PodAffinity{}
	}
	a.PodAffinity.PreferredDuringSchedulingIgnoredDuringExecution = append(a.PodAffinity.PreferredDuringSchedulingIgnoredDuringExecution, corev1.WeightedPodAffinityTerm{Weight: weight, PodAffinityTerm: term(topologyKey, labelKey, labelValue)})
	return w
}

// SpreadConstraint adds a topology spread constraint selecting labelKey=labelValue.
func (w *PodWrapper) SpreadConstraint(maxSkew int32, topologyKey string, action corev1.UnsatisfiableConstraintAction, minDomains *int32, labelKey, labelValue string) *PodWrapper {
	w.Spec.TopologySpreadConstraints = append(w.Spec.TopologySpreadConstraints, corev1.TopologySpreadConstraint{
		MaxSkew: maxSkew, TopologyKey: topologyKey, WhenUnsatisfiable: action, MinDomains: minDomains,
		LabelSelector: &metav1.LabelSelector{MatchLabels: map[string]string{labelKey: labelValue}},
	})
	return w
}

// SchedulingGate adds a scheduling gate.
func (w *PodWrapper) SchedulingGate(name string) *PodWrapper {
	w.Spec.SchedulingGates = append(w.Spec.SchedulingGates, corev1.PodSchedulingGate{Name: name})
	return w
}

// NominatedNode sets status.nominatedNodeName.
func (w *PodWrapper) NominatedNode(n string) *PodWrapper {
	w.Status.NominatedNodeName = n
	return w
}

// Obj returns the pod.
func (w *PodWrapper) Obj() *corev1.Pod { return w.Pod.DeepCopy() }

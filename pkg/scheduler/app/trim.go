package app

import (
	corev1 "keel.dev/api/core/v1"
)

// The informers' transforms below keep in the cache only what the plugins,
// the queue, the event handlers and the API adapters read. They run on each
// freshly decoded object before it is stored, so they trim in place; what
// they drop (managedFields, annotations, container env and probes, node
// system info, addresses, container statuses) is often most of an object
// in a real cluster.

// trimNode keeps a node's labels, spec, allocatable resources, images
// (ImageLocality) and the type and status of its conditions.
func trimNode(n *corev1.Node) *corev1.Node {
	n.ManagedFields = nil
	n.Annotations = nil
	st := &n.Status
	conds := st.Conditions
	for i := range conds {
		conds[i] = corev1.NodeCondition{Type: conds[i].Type, Status: conds[i].Status}
	}
	*st = corev1.NodeStatus{Allocatable: st.Allocatable, Conditions: conds, Images: st.Images}
	return n
}

// trimPod keeps a pod's identity, labels, owners, spec (containers reduced
// to name, image, requests, ports and restart policy) and the status fields
// the scheduler reads: phase, conditions, nominatedNodeName and startTime.
func trimPod(p *corev1.Pod) *corev1.Pod {
	p.ManagedFields = nil
	p.Annotations = nil
	trimContainers(p.Spec.Containers)
	trimContainers(p.Spec.InitContainers)
	p.Spec.EphemeralContainers = nil
	st := &p.Status
	*st = corev1.PodStatus{Phase: st.Phase, Conditions: st.Conditions, NominatedNodeName: st.NominatedNodeName, StartTime: st.StartTime}
	return p
}

func trimContainers(cs []corev1.Container) {
	for i := range cs {
		c := &cs[i]
		*c = corev1.Container{Name: c.Name, Image: c.Image, Resources: c.Resources, Ports: c.Ports, RestartPolicy: c.RestartPolicy}
	}
}

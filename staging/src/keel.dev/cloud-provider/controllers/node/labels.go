package node

import (
	"slices"

	corev1 "keel.dev/api/core/v1"
)

// Taint keys and well-known labels the controllers read and write.
const (
	// TaintUninitialized marks a Node the cloud node controller has not
	// initialised yet.
	TaintUninitialized = "node.cloudprovider.kubernetes.io/uninitialized"
	// TaintShutdown marks a Node whose instance is shut down.
	TaintShutdown = "node.cloudprovider.kubernetes.io/shutdown"

	LabelInstanceType        = "node.kubernetes.io/instance-type"
	LabelInstanceTypeBeta    = "beta.kubernetes.io/instance-type"
	LabelTopologyZone        = "topology.kubernetes.io/zone"
	LabelTopologyRegion      = "topology.kubernetes.io/region"
	LabelFailureDomainZone   = "failure-domain.beta.kubernetes.io/zone"
	LabelFailureDomainRegion = "failure-domain.beta.kubernetes.io/region"
)

// hasTaint reports whether node carries a taint with key.
func hasTaint(node *corev1.Node, key string) bool {
	return slices.ContainsFunc(node.Spec.Taints, func(t corev1.Taint) bool { return t.Key == key })
}

// withoutTaint returns taints without those with key.
func withoutTaint(taints []corev1.Taint, key string) []corev1.Taint {
	return slices.DeleteFunc(slices.Clone(taints), func(t corev1.Taint) bool { return t.Key == key })
}

// mergeAddresses returns the cloud's addresses, keeping the node's
// Hostname addresses when the cloud reports none.
func mergeAddresses(current, cloud []corev1.NodeAddress) []corev1.NodeAddress {
	out := make([]corev1.NodeAddress, 0, len(cloud)+1)
	for _, a := range cloud {
		if !slices.Contains(out, a) {
			out = append(out, a)
		}
	}
	if !slices.ContainsFunc(out, func(a corev1.NodeAddress) bool { return a.Type == corev1.NodeHostName }) {
		for _, a := range current {
			if a.Type == corev1.NodeHostName && !slices.Contains(out, a) {
				out = append(out, a)
			}
		}
	}
	return out
}

// isReady reports whether the node's Ready condition is True.
func isReady(node *corev1.Node) bool {
	for _, c := range node.Status.Conditions {
		if c.Type == corev1.NodeReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

package cloudprovider

import (
	"context"

	corev1 "keel.dev/api/core/v1"
)

// Instances reports on the machines behind Nodes. The cloud node controller
// calls InstanceMetadata to initialise a new Node; the node lifecycle
// controller calls InstanceExists and InstanceShutdown for Nodes that stop
// reporting. Methods find the instance by node.Spec.ProviderID when it is
// set and by node name otherwise.
type Instances interface {
	// InstanceExists reports whether the node's instance still exists; a
	// missing instance is (false, nil), not an error.
	InstanceExists(ctx context.Context, node *corev1.Node) (bool, error)
	// InstanceShutdown reports whether the node's instance is shut down.
	InstanceShutdown(ctx context.Context, node *corev1.Node) (bool, error)
	// InstanceMetadata describes the node's instance; it returns an error
	// wrapping ErrInstanceNotFound if the instance does not exist.
	InstanceMetadata(ctx context.Context, node *corev1.Node) (*InstanceMetadata, error)
}

// InstanceMetadata is what the cloud knows about a node's instance.
type InstanceMetadata struct {
	// ProviderID is written to node.spec.providerID ("<provider>://<id>").
	ProviderID string
	// InstanceType becomes the node.kubernetes.io/instance-type label.
	InstanceType string
	// NodeAddresses replace the addresses in node.status.
	NodeAddresses []corev1.NodeAddress
	// Zone becomes the topology.kubernetes.io/zone label.
	Zone string
	// Region becomes the topology.kubernetes.io/region label.
	Region string
}

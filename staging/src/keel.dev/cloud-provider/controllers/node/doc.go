// Package node holds the cloud node controllers.
//
// Controller initialises Nodes registered by a kubelet running with
// --cloud-provider=external: such a Node carries the
// node.cloudprovider.kubernetes.io/uninitialized taint until the controller
// has copied the cloud's view of the machine into it (spec.providerID, the
// addresses, the instance-type and topology labels) and removed the taint.
//
// LifecycleController checks every monitor period the Nodes that are not
// Ready: a Node whose instance no longer exists is deleted, and one whose
// instance is shut down gets the node.cloudprovider.kubernetes.io/shutdown
// taint, which is removed when the instance runs again.
package node

// Package volumebinding is the VolumeBinding plugin: it makes pods that use
// PersistentVolumeClaims land where their volumes can be reached.
//
//	PreFilter  read the pod's claims (ephemeral ones included): a missing or
//	           terminating claim, or an unbound claim of an Immediate class,
//	           rejects the pod outright; pods without claims skip the plugin
//	Filter     bound claims: the volume's node affinity must match the node;
//	           unbound WaitForFirstConsumer claims: an Available volume must
//	           match the claim on the node, or the class must be able to
//	           provision there (provisioner and allowedTopologies)
//	Reserve    remember the node for the pod's unbound claims, so concurrent
//	           cycles of pods sharing a claim agree on it (Unreserve forgets)
//	PreBind    set volume.kubernetes.io/selected-node on each unbound claim,
//	           then wait, at most bindTimeoutSeconds, until the PV controller
//	           or a provisioner has bound them all
//
// The plugin only reads claims, volumes and classes through
// framework.VolumeLister (informer caches) and writes through
// framework.ClaimWriter; choosing and binding the volume is the PV
// controller's job once the claim names its node.
package volumebinding

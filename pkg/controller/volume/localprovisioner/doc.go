// Package localprovisioner is the dynamic provisioner of the
// keel.dev/local-path StorageClass provisioner: it turns a claim the binder
// handed to it (volume.kubernetes.io/storage-provisioner) into a hostPath
// PersistentVolume at <root>/<namespace>_<claim>_<volume> pinned by node
// affinity to the claim's selected node, and removes that directory and the
// volume once the volume is Released under the Delete reclaim policy.
//
// Limitation: the directory lives on the node, while this controller runs
// in the controller-manager. The kubelet creates the directory when the
// first pod mounts it (hostPath type DirectoryOrCreate). Deletion removes
// the directory only when the root exists on the controller-manager's own
// machine, which holds for one-machine local clusters; elsewhere the volume
// is marked Failed with a VolumeFailedDelete event and left for the
// administrator, so nothing outside the root is ever removed.
package localprovisioner

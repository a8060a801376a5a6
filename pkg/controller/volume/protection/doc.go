// Package protection holds the storage-object-in-use protection
// controllers, the counterpart of the StorageObjectInUseProtection
// admission plugin: pvc-protection removes the kubernetes.io/pvc-protection
// finalizer of a PersistentVolumeClaim being deleted once no
// non-terminated pod of its namespace uses it (directly or as a generic
// ephemeral volume), and pv-protection removes kubernetes.io/pv-protection
// from a PersistentVolume being deleted once it is no longer Bound.
package protection

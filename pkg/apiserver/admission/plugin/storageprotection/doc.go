// Package storageprotection is the StorageObjectInUseProtection admission
// plugin: new PersistentVolumeClaims get the kubernetes.io/pvc-protection
// finalizer and new PersistentVolumes kubernetes.io/pv-protection, so a
// claim in use by a pod (or a bound volume) stays until the protection
// controller (pkg/controller/volume/protection) releases it.
package storageprotection

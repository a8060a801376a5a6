package framework

import (
	"context"

	corev1 "keel.dev/api/core/v1"
	storagev1 "keel.dev/api/storage/v1"
)

// VolumeLister reads PersistentVolumeClaims, PersistentVolumes and
// StorageClasses, normally from informer caches. The Get methods return an
// error wrapping ErrNotFound for a missing object. Callers must not modify
// what they get. Safe for concurrent use.
type VolumeLister interface {
	// GetPVC returns the claim namespace/name.
	GetPVC(namespace, name string) (*corev1.PersistentVolumeClaim, error)
	// GetPV returns the volume name.
	GetPV(name string) (*corev1.PersistentVolume, error)
	// ListPVs returns every volume.
	ListPVs() ([]*corev1.PersistentVolume, error)
	// GetStorageClass returns the class name.
	GetStorageClass(name string) (*storagev1.StorageClass, error)
}

// ClaimWriter records the scheduler's decisions on claims through the API.
type ClaimWriter interface {
	// SetSelectedNode sets the volume.kubernetes.io/selected-node annotation
	// of claim to nodeName, asking the PV controller or a provisioner to
	// bind the claim with a volume reachable from that node.
	SetSelectedNode(ctx context.Context, claim *corev1.PersistentVolumeClaim, nodeName string) error
}

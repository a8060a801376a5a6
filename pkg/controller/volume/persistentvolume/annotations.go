package persistentvolume

import (
	corev1 "keel.dev/api/core/v1"
	storagev1 "keel.dev/api/storage/v1"
)

// Annotations of the binding protocol, named as in Kubernetes.
const (
	// AnnBindCompleted on a claim records that the binder finished binding it.
	AnnBindCompleted = "pv.kubernetes.io/bind-completed"
	// AnnBoundByController marks the side of a binding the binder (not a
	// user) set: the claim's volumeName or the volume's claimRef.
	AnnBoundByController = "pv.kubernetes.io/bound-by-controller"
	// AnnProvisionedBy on a volume names the provisioner that created it and
	// that deletes it under the Delete reclaim policy.
	AnnProvisionedBy = "pv.kubernetes.io/provisioned-by"
	// AnnStorageProvisioner on a claim names the provisioner asked to create
	// its volume.
	AnnStorageProvisioner = "volume.kubernetes.io/storage-provisioner"
	// AnnBetaStorageProvisioner is the legacy form of AnnStorageProvisioner,
	// still written for older provisioners.
	AnnBetaStorageProvisioner = "volume.beta.kubernetes.io/storage-provisioner"
	// AnnSelectedNode on a claim names the node the scheduler chose for the
	// first pod using it (WaitForFirstConsumer classes).
	AnnSelectedNode = "volume.kubernetes.io/selected-node"
	// AnnDefaultStorageClass marks the default StorageClass ("true").
	AnnDefaultStorageClass = "storageclass.kubernetes.io/is-default-class"
	// AnnBetaDefaultStorageClass is the legacy form of AnnDefaultStorageClass.
	AnnBetaDefaultStorageClass = "storageclass.beta.kubernetes.io/is-default-class"
)

// annYes is the value of the boolean binding annotations.
const annYes = "yes"

// ClaimClass returns the StorageClass a claim asks for: spec.storageClassName,
// else the legacy beta annotation, else "" (no class).
func ClaimClass(claim *corev1.PersistentVolumeClaim) string {
	if claim.Spec.StorageClassName != nil {
		return *claim.Spec.StorageClassName
	}
	return claim.Annotations[corev1.BetaStorageClassAnnotation]
}

// VolumeClass returns the StorageClass of a volume: spec.storageClassName,
// else the legacy beta annotation.
func VolumeClass(pv *corev1.PersistentVolume) string {
	if pv.Spec.StorageClassName != "" {
		return pv.Spec.StorageClassName
	}
	return pv.Annotations[corev1.BetaStorageClassAnnotation]
}

// IsDefaultClass reports whether sc carries the default-class annotation.
func IsDefaultClass(sc *storagev1.StorageClass) bool {
	return sc.Annotations[AnnDefaultStorageClass] == "true" || sc.Annotations[AnnBetaDefaultStorageClass] == "true"
}

// DefaultClass returns the default StorageClass among classes: the newest
// one when several are marked, ties broken by name, as Kubernetes does; nil
// when none is marked.
func DefaultClass(classes []*storagev1.StorageClass) *storagev1.StorageClass {
	var best *storagev1.StorageClass
	for _, sc := range classes {
		if sc.DeletionTimestamp != nil || !IsDefaultClass(sc) {
			continue
		}
		if best == nil || sc.CreationTimestamp.After(best.CreationTimestamp.Time) ||
			(sc.CreationTimestamp.Equal(&best.CreationTimestamp) && sc.Name < best.Name) {
			best = sc
		}
	}
	return best
}

// RefersTo reports whether ref names claim; an empty ref UID matches any
// claim of that namespace and name (pre-binding by name).
func RefersTo(ref *corev1.ObjectReference, claim *corev1.PersistentVolumeClaim) bool {
	return ref != nil && ref.Namespace == claim.Namespace && ref.Name == claim.Name &&
		(ref.UID == "" || ref.UID == claim.UID)
}

// ClaimReference returns the claimRef a volume bound to claim carries.
func ClaimReference(claim *corev1.PersistentVolumeClaim) *corev1.ObjectReference {
	return &corev1.ObjectReference{
		Kind: "PersistentVolumeClaim", APIVersion: "v1",
		Namespace: claim.Namespace, Name: claim.Name, UID: claim.UID,
		ResourceVersion: claim.ResourceVersion,
	}
}

// WaitsForConsumer reports whether sc delays binding until a pod using the
// claim is scheduled.
func WaitsForConsumer(sc *storagev1.StorageClass) bool {
	return sc != nil && sc.VolumeBindingMode != nil && *sc.VolumeBindingMode == storagev1.VolumeBindingWaitForFirstConsumer
}

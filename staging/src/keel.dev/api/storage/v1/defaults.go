package v1

import (
	"keel.dev/apimachinery/pkg/runtime"

	corev1 "keel.dev/api/core/v1"
)

func registerDefaults(s *runtime.Scheme) {
	runtime.AddTypedDefaulter(s, SetDefaults_StorageClass)
	runtime.AddTypedDefaulter(s, func(l *StorageClassList) {
		for i := range l.Items {
			SetDefaults_StorageClass(&l.Items[i])
		}
	})
	runtime.AddTypedDefaulter(s, SetDefaults_CSIDriver)
	runtime.AddTypedDefaulter(s, func(l *CSIDriverList) {
		for i := range l.Items {
			SetDefaults_CSIDriver(&l.Items[i])
		}
	})
	runtime.AddTypedDefaulter(s, SetObjectDefaults_VolumeAttachment)
	runtime.AddTypedDefaulter(s, func(l *VolumeAttachmentList) {
		for i := range l.Items {
			SetObjectDefaults_VolumeAttachment(&l.Items[i])
		}
	})
}

// SetDefaults_StorageClass defaults the reclaim policy to Delete and the
// binding mode to Immediate.
func SetDefaults_StorageClass(sc *StorageClass) {
	if sc.ReclaimPolicy == nil {
		p := corev1.PersistentVolumeReclaimDelete
		sc.ReclaimPolicy = &p
	}
	if sc.VolumeBindingMode == nil {
		m := VolumeBindingImmediate
		sc.VolumeBindingMode = &m
	}
}

// SetDefaults_CSIDriver fills the driver flags Kubernetes defaults:
// attachRequired true, the other switches false, fsGroupPolicy
// ReadWriteOnceWithFSType and the Persistent lifecycle mode.
func SetDefaults_CSIDriver(d *CSIDriver) {
	spec := &d.Spec
	setBool := func(p **bool, v bool) {
		if *p == nil {
			*p = &v
		}
	}
	setBool(&spec.AttachRequired, true)
	setBool(&spec.PodInfoOnMount, false)
	setBool(&spec.StorageCapacity, false)
	setBool(&spec.RequiresRepublish, false)
	setBool(&spec.SELinuxMount, false)
	if spec.FSGroupPolicy == nil {
		p := ReadWriteOnceWithFSTypeFSGroupPolicy
		spec.FSGroupPolicy = &p
	}
	if len(spec.VolumeLifecycleModes) == 0 {
		spec.VolumeLifecycleModes = []VolumeLifecycleMode{VolumeLifecyclePersistent}
	}
}

// SetObjectDefaults_VolumeAttachment applies the persistent volume spec
// defaults (volume mode Filesystem, source defaults) to an inline volume.
func SetObjectDefaults_VolumeAttachment(va *VolumeAttachment) {
	if spec := va.Spec.Source.InlineVolumeSpec; spec != nil {
		if spec.VolumeMode == nil {
			mode := corev1.PersistentVolumeFilesystem
			spec.VolumeMode = &mode
		}
		corev1.SetDefaults_PersistentVolumeSource(&spec.PersistentVolumeSource)
	}
}

package kubelet

import (
	"context"

	corev1 "keel.dev/api/core/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
)

// GetPersistentVolumeClaim fetches a claim for a pod's volume.
func (g apiGetter) GetPersistentVolumeClaim(namespace, name string) (*corev1.PersistentVolumeClaim, error) {
	ctx, cancel := context.WithTimeout(context.Background(), apiTimeout)
	defer cancel()
	return g.cs.CoreV1().PersistentVolumeClaims(namespace).Get(ctx, name, metav1.GetOptions{})
}

// GetPersistentVolume fetches the volume a claim is bound to.
func (g apiGetter) GetPersistentVolume(name string) (*corev1.PersistentVolume, error) {
	ctx, cancel := context.WithTimeout(context.Background(), apiTimeout)
	defer cancel()
	return g.cs.CoreV1().PersistentVolumes().Get(ctx, name, metav1.GetOptions{})
}

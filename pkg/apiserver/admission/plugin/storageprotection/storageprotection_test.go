package storageprotection_test

import (
	"os"
	"slices"
	"testing"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/apimachinery/pkg/api/resource"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"

	"keel.dev/keel/pkg/apiserver/admission/internal/admissiontest"
	"keel.dev/keel/pkg/apiserver/admission/plugin/storageprotection"
)

func TestMain(m *testing.M) {
	code := m.Run()
	admissiontest.Shutdown()
	os.Exit(code)
}

func TestNewClaimsAndVolumesGetTheFinalizers(t *testing.T) {
	e := admissiontest.New(t, nil, []string{"ServiceAccount"})
	e.Namespace("p")
	size := corev1.ResourceList{"storage": resource.MustParse("1Gi")}
	pvc := e.MustCreate(admissiontest.Core("persistentvolumeclaims"), "p", &corev1.PersistentVolumeClaim{
		ObjectMeta: metav1.ObjectMeta{Name: "data", Finalizers: []string{storageprotection.PVCProtectionFinalizer}},
		Spec: corev1.PersistentVolumeClaimSpec{AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
			Resources: corev1.VolumeResourceRequirements{Requests: size}}}).(*corev1.PersistentVolumeClaim)
	if !slices.Equal(pvc.Finalizers, []string{storageprotection.PVCProtectionFinalizer}) {
		t.Fatalf("claim finalizers %v (want the protection finalizer once)", pvc.Finalizers)
	}
	pv := e.MustCreate(admissiontest.Core("persistentvolumes"), "", &corev1.PersistentVolume{
		ObjectMeta: metav1.ObjectMeta{Name: "vol"},
		Spec: corev1.PersistentVolumeSpec{Capacity: size, AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
			PersistentVolumeSource: corev1.PersistentVolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/tmp/vol"}}}}).(*corev1.PersistentVolume)
	if !slices.Equal(pv.Finalizers, []string{storageprotection.PVProtectionFinalizer}) {
		t.Fatalf("volume finalizers %v", pv.Finalizers)
	}

	off := admissiontest.New(t, nil, []string{"ServiceAccount", storageprotection.PluginName})
	off.Namespace("p")
	plain := off.MustCreate(admissiontest.Core("persistentvolumeclaims"), "p", &corev1.PersistentVolumeClaim{
		ObjectMeta: metav1.ObjectMeta{Name: "data"},
		Spec: corev1.PersistentVolumeClaimSpec{AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
			Resources: corev1.VolumeResourceRequirements{Requests: size}}}).(*corev1.PersistentVolumeClaim)
	if len(plain.Finalizers) != 0 {
		t.Fatalf("disabled plugin still added %v", plain.Finalizers)
	}
}

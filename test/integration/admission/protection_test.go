package admission

import (
	"context"
	"slices"
	"testing"

	corev1 "keel.dev/api/core/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
	"keel.dev/apimachinery/pkg/api/resource"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/client/informers"

	"keel.dev/keel/pkg/controller/volume/protection"
)

// startProtection runs the pvc- and pv-protection controllers in the test
// process until the test ends.
func (e *env) startProtection(t *testing.T) {
	f := informers.NewFactory(e.cs, 0)
	pvc := protection.NewPVC(e.cs, f, protection.Options{})
	pv := protection.NewPV(e.cs, f, protection.Options{})
	ctx, cancel := context.WithCancel(e.ctx)
	f.Start(ctx)
	done := make(chan struct{}, 2)
	go func() { _ = pvc.Run(ctx, 1); done <- struct{}{} }()
	go func() { _ = pv.Run(ctx, 1); done <- struct{}{} }()
	t.Cleanup(func() { cancel(); <-done; <-done })
}

func TestDeletingAClaimInUseWaitsForThePod(t *testing.T) {
	e := newEnv(t, "protect")
	e.startProtection(t)
	claims := e.cs.CoreV1().PersistentVolumeClaims(e.ns)
	for _, name := range []string{"used", "unused"} {
		if _, err := claims.Create(e.ctx, claim(name), metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "app"}, Spec: corev1.PodSpec{
		Containers: []corev1.Container{{Name: "c", Image: "busybox"}},
		Volumes: []corev1.Volume{{Name: "data", VolumeSource: corev1.VolumeSource{
			PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: "used"}}}}}}
	if _, err := e.cs.CoreV1().Pods(e.ns).Create(e.ctx, pod, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"used", "unused"} {
		if err := claims.Delete(e.ctx, name, metav1.DeleteOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	gone := func(name string) func() (bool, error) {
		return func() (bool, error) {
			_, err := claims.Get(e.ctx, name, metav1.GetOptions{})
			if apierrors.IsNotFound(err) {
				return true, nil
			}
			return false, err
		}
	}
	// The controller releases the unused claim; by then it has looked at
	// the used one too and must have kept it.
	waitFor(t, "the unused claim is released and removed", gone("unused"))
	used, err := claims.Get(e.ctx, "used", metav1.GetOptions{})
	if err != nil {
		t.Fatalf("the claim in use was removed: %v", err)
	}
	if used.DeletionTimestamp == nil || !slices.Contains(used.Finalizers, protection.PVCFinalizer) {
		t.Fatalf("claim in use: deletionTimestamp %v finalizers %v, want Terminating with the finalizer", used.DeletionTimestamp, used.Finalizers)
	}
	zero := int64(0)
	if err := e.cs.CoreV1().Pods(e.ns).Delete(e.ctx, "app", metav1.DeleteOptions{GracePeriodSeconds: &zero}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the claim is removed once its pod is gone", gone("used"))
}

func TestDeletingABoundVolumeWaitsUntilItIsReleased(t *testing.T) {
	e := newEnv(t, "protect-pv")
	e.startProtection(t)
	pvs := e.cs.CoreV1().PersistentVolumes()
	pv := &corev1.PersistentVolume{ObjectMeta: metav1.ObjectMeta{Name: "vol-" + e.ns}, Spec: corev1.PersistentVolumeSpec{
		Capacity:               corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("1Gi")},
		AccessModes:            []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
		PersistentVolumeSource: corev1.PersistentVolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/tmp/vol"}}}}
	pv, err := pvs.Create(e.ctx, pv, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(pv.Finalizers, protection.PVFinalizer) {
		t.Fatalf("finalizers %v", pv.Finalizers)
	}
	pv.Status.Phase = corev1.VolumeBound
	if _, err := pvs.UpdateStatus(e.ctx, pv, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	// A second volume, not bound, shows when the controller has worked.
	other := pv.DeepCopy()
	other.ObjectMeta = metav1.ObjectMeta{Name: "free-" + e.ns}
	other.Status = corev1.PersistentVolumeStatus{}
	if _, err := pvs.Create(e.ctx, other, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{pv.Name, other.Name} {
		if err := pvs.Delete(e.ctx, name, metav1.DeleteOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	gone := func(name string) func() (bool, error) {
		return func() (bool, error) {
			_, err := pvs.Get(e.ctx, name, metav1.GetOptions{})
			if apierrors.IsNotFound(err) {
				return true, nil
			}
			return false, err
		}
	}
	waitFor(t, "the unbound volume is removed", gone(other.Name))
	cur, err := pvs.Get(e.ctx, pv.Name, metav1.GetOptions{})
	if err != nil {
		t.Fatalf("the bound volume was removed: %v", err)
	}
	if cur.DeletionTimestamp == nil {
		t.Fatal("bound volume not marked for deletion")
	}
	cur.Status.Phase = corev1.VolumeReleased
	if _, err := pvs.UpdateStatus(e.ctx, cur, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the released volume is removed", gone(pv.Name))
}

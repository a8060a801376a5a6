package controllermanager

import (
	"fmt"
	"testing"
	"time"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/apimachinery/pkg/api/resource"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"

	"keel.dev/keel/pkg/controller-manager/app"
)

// TestQuotaUsedCoversEveryHardName checks that the resourcequota
// controller reports generic object counts and per-StorageClass claim
// usage for objects that existed before the quota (so admission never
// charged them).
func TestQuotaUsedCoversEveryHardName(t *testing.T) {
	c := startCluster(t, func(o *app.Options) { o.Controllers = []string{"resourcequota"} })
	ns := c.namespace(t, "quota")
	for _, name := range []string{"a", "b"} {
		if _, err := c.cs.AppsV1().Deployments(ns).Create(c.ctx, newDeployment(ns, name, 0, "nginx"), metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	for i, class := range []string{"gold", "gold", "silver"} {
		pvc := &corev1.PersistentVolumeClaim{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("claim-%d", i), Namespace: ns},
			Spec: corev1.PersistentVolumeClaimSpec{StorageClassName: &class,
				AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
				Resources:   corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("1Gi")}}}}
		if _, err := c.cs.CoreV1().PersistentVolumeClaims(ns).Create(c.ctx, pvc, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	q := &corev1.ResourceQuota{ObjectMeta: metav1.ObjectMeta{Name: "q", Namespace: ns}, Spec: corev1.ResourceQuotaSpec{Hard: corev1.ResourceList{
		"count/deployments.apps":                                  resource.MustParse("5"),
		"count/replicasets.apps":                                  resource.MustParse("5"),
		"gold.storageclass.storage.k8s.io/requests.storage":       resource.MustParse("10Gi"),
		"gold.storageclass.storage.k8s.io/persistentvolumeclaims": resource.MustParse("3"),
		"persistentvolumeclaims":                                  resource.MustParse("10"),
	}}}
	if _, err := c.cs.CoreV1().ResourceQuotas(ns).Create(c.ctx, q, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	want := map[corev1.ResourceName]string{
		"count/deployments.apps":                                  "2",
		"count/replicasets.apps":                                  "0",
		"gold.storageclass.storage.k8s.io/requests.storage":       "2Gi",
		"gold.storageclass.storage.k8s.io/persistentvolumeclaims": "2",
		"persistentvolumeclaims":                                  "3",
	}
	waitFor(t, 30*time.Second, "status.used reports every hard name", func() (bool, error) {
		got, err := c.cs.CoreV1().ResourceQuotas(ns).Get(c.ctx, "q", metav1.GetOptions{})
		if err != nil {
			return false, err
		}
		for name, v := range want {
			u, ok := got.Status.Used[name]
			if !ok || u.Cmp(resource.MustParse(v)) != 0 {
				return false, fmt.Errorf("used = %v", got.Status.Used)
			}
		}
		return true, nil
	})
	// Admission now enforces the per-class limit from status.used.
	class := "gold"
	big := &corev1.PersistentVolumeClaim{ObjectMeta: metav1.ObjectMeta{Name: "big", Namespace: ns},
		Spec: corev1.PersistentVolumeClaimSpec{StorageClassName: &class,
			AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
			Resources:   corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("9Gi")}}}}
	if _, err := c.cs.CoreV1().PersistentVolumeClaims(ns).Create(c.ctx, big, metav1.CreateOptions{}); err == nil {
		t.Error("a 9Gi gold claim was admitted with 2Gi of 10Gi used")
	}
}

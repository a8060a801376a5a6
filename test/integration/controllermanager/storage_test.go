package controllermanager

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	appsv1 "keel.dev/api/apps/v1"
	corev1 "keel.dev/api/core/v1"
	storagev1 "keel.dev/api/storage/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
	"keel.dev/apimachinery/pkg/api/resource"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/client/typed"

	"keel.dev/keel/pkg/controller-manager/app"
	"keel.dev/keel/pkg/controller/volume/localprovisioner"
	"keel.dev/keel/pkg/controller/volume/persistentvolume"
)

// playVolumeScheduler stands in for the scheduler's volume binding: it
// puts every pending pod on node, first writing the selected-node
// annotation on the pod's unbound claims, and binds the pod once all of
// its claims are bound.
func playVolumeScheduler(ctx context.Context, cs *typed.Clientset, node string) {
	for ctx.Err() == nil {
		pods, err := cs.CoreV1().Pods("").List(ctx, metav1.ListOptions{})
		if err == nil {
			for i := range pods.Items {
				scheduleWithVolumes(ctx, cs, &pods.Items[i], node)
			}
		}
		select {
		case <-ctx.Done():
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func scheduleWithVolumes(ctx context.Context, cs *typed.Clientset, p *corev1.Pod, node string) {
	if p.Spec.NodeName != "" || p.DeletionTimestamp != nil {
		return
	}
	ready := true
	for _, v := range p.Spec.Volumes {
		if v.PersistentVolumeClaim == nil {
			continue
		}
		claims := cs.CoreV1().PersistentVolumeClaims(p.Namespace)
		c, err := claims.Get(ctx, v.PersistentVolumeClaim.ClaimName, metav1.GetOptions{})
		if err != nil {
			ready = false
			continue
		}
		if c.Status.Phase == corev1.ClaimBound {
			continue
		}
		ready = false
		if c.Annotations[persistentvolume.AnnSelectedNode] == "" {
			metav1.SetMetaDataAnnotation(&c.ObjectMeta, persistentvolume.AnnSelectedNode, node)
			_, _ = claims.Update(ctx, c, metav1.UpdateOptions{})
		}
	}
	if ready {
		_ = cs.CoreV1().Pods(p.Namespace).Bind(ctx, &corev1.Binding{
			ObjectMeta: metav1.ObjectMeta{Name: p.Name, Namespace: p.Namespace},
			Target:     corev1.ObjectReference{Kind: "Node", Name: node},
		}, metav1.CreateOptions{})
	}
}

func (c *cluster) node(t *testing.T, name string) {
	t.Helper()
	n := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{"kubernetes.io/hostname": name}}}
	if _, err := c.cs.CoreV1().Nodes().Create(c.ctx, n, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
}

func (c *cluster) claimEvents(t *testing.T, ns, claim string) string {
	t.Helper()
	evs, err := c.cs.CoreV1().Events(ns).List(c.ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range evs.Items {
		if e.InvolvedObject.Kind == "PersistentVolumeClaim" && e.InvolvedObject.Name == claim {
			out = append(out, e.Source.Component+" "+e.Reason+": "+e.Message)
		}
	}
	return strings.Join(out, "\n")
}

func TestStatefulSetClaimIsProvisionedBoundAndDeleted(t *testing.T) {
	root := t.TempDir()
	c := startCluster(t, func(o *app.Options) {
		o.Controllers = []string{persistentvolume.Name, localprovisioner.Name, "statefulset", "pvc-protection", "pv-protection"}
		o.LocalVolumeRoot = root
		o.CreateDefaultStorageClass = true
	})
	go playVolumeScheduler(c.ctx, c.cs, "node-1")
	c.node(t, "node-1")
	ns := c.namespace(t, "storage")

	waitFor(t, 30*time.Second, "the default StorageClass exists", func() (bool, error) {
		sc, err := c.cs.StorageV1().StorageClasses().Get(c.ctx, localprovisioner.DefaultClassName, metav1.GetOptions{})
		return err == nil && persistentvolume.IsDefaultClass(sc) && sc.Provisioner == localprovisioner.ProvisionerName &&
			*sc.VolumeBindingMode == storagev1.VolumeBindingWaitForFirstConsumer, err
	})
	one := int32(1)
	set := &appsv1.StatefulSet{
		ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: ns},
		Spec: appsv1.StatefulSetSpec{
			Replicas: &one, ServiceName: "web",
			Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "web"}},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "web"}},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "busybox",
					VolumeMounts: []corev1.VolumeMount{{Name: "data", MountPath: "/data"}}}}},
			},
			VolumeClaimTemplates: []corev1.PersistentVolumeClaim{{
				ObjectMeta: metav1.ObjectMeta{Name: "data"},
				Spec: corev1.PersistentVolumeClaimSpec{
					AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
					Resources:   corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("1Gi")}},
				},
			}},
		},
	}
	if _, err := c.cs.AppsV1().StatefulSets(ns).Create(c.ctx, set, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}

	var claim *corev1.PersistentVolumeClaim
	waitFor(t, 30*time.Second, "claim data-web-0 is Bound", func() (bool, error) {
		var err error
		claim, err = c.cs.CoreV1().PersistentVolumeClaims(ns).Get(c.ctx, "data-web-0", metav1.GetOptions{})
		return err == nil && claim.Status.Phase == corev1.ClaimBound, err
	})
	pvName := "pvc-" + string(claim.UID)
	if claim.Spec.VolumeName != pvName || *claim.Spec.StorageClassName != localprovisioner.DefaultClassName ||
		claim.Annotations[persistentvolume.AnnBindCompleted] != "yes" || claim.Annotations[persistentvolume.AnnSelectedNode] != "node-1" {
		t.Fatalf("claim spec %+v annotations %v", claim.Spec, claim.Annotations)
	}
	pv, err := c.cs.CoreV1().PersistentVolumes().Get(c.ctx, pvName, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(root, ns+"_data-web-0_"+pvName)
	if pv.Status.Phase != corev1.VolumeBound || pv.Spec.ClaimRef.UID != claim.UID || pv.Spec.HostPath.Path != dir ||
		pv.Spec.NodeAffinity.Required.NodeSelectorTerms[0].MatchExpressions[0].Values[0] != "node-1" {
		t.Fatalf("volume spec %+v status %+v", pv.Spec, pv.Status)
	}
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		t.Fatalf("volume directory %s: %v", dir, err)
	}
	waitFor(t, 30*time.Second, "pod web-0 is scheduled to node-1", func() (bool, error) {
		p, err := c.cs.CoreV1().Pods(ns).Get(c.ctx, "web-0", metav1.GetOptions{})
		return err == nil && p.Spec.NodeName == "node-1", err
	})
	waitFor(t, 30*time.Second, "the claim's events tell the story", func() (bool, error) {
		evs := c.claimEvents(t, ns, "data-web-0")
		for _, want := range []string{
			"persistentvolume-controller WaitForFirstConsumer: waiting for first consumer to be created before binding",
			"persistentvolume-controller ExternalProvisioning: Waiting for a volume to be created either by the external provisioner 'keel.dev/local-path'",
			"keel.dev/local-path ProvisioningSucceeded: Successfully provisioned volume " + pvName,
		} {
			if !strings.Contains(evs, want) {
				return false, &missingEvent{want: want, got: evs}
			}
		}
		return true, nil
	})

	// StorageObjectInUseProtection keeps the claim while web-0 uses it:
	// scale the set down first.
	waitFor(t, 30*time.Second, "the set is scaled to 0", func() (bool, error) {
		cur, err := c.cs.AppsV1().StatefulSets(ns).Get(c.ctx, "web", metav1.GetOptions{})
		if err != nil {
			return false, err
		}
		none := int32(0)
		cur.Spec.Replicas = &none
		_, err = c.cs.AppsV1().StatefulSets(ns).Update(c.ctx, cur, metav1.UpdateOptions{})
		if apierrors.IsConflict(err) {
			return false, nil
		}
		return err == nil, err
	})
	waitFor(t, 30*time.Second, "pod web-0 is gone", func() (bool, error) {
		_, err := c.cs.CoreV1().Pods(ns).Get(c.ctx, "web-0", metav1.GetOptions{})
		return c.gone(t, err), nil
	})
	if err := c.cs.CoreV1().PersistentVolumeClaims(ns).Delete(c.ctx, "data-web-0", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 30*time.Second, "the Delete reclaim policy removes the volume and its directory", func() (bool, error) {
		_, err := c.cs.CoreV1().PersistentVolumes().Get(c.ctx, pvName, metav1.GetOptions{})
		if !c.gone(t, err) {
			return false, nil
		}
		_, statErr := os.Stat(dir)
		return os.IsNotExist(statErr), statErr
	})
	if _, err := os.Stat(root); err != nil {
		t.Fatalf("the volume root itself is gone: %v", err)
	}
}

type missingEvent struct{ want, got string }

func (e *missingEvent) Error() string { return "missing event " + e.want + " in:\n" + e.got }

func TestPreCreatedVolumesBindToMatchingClaims(t *testing.T) {
	c := startCluster(t, func(o *app.Options) {
		o.Controllers = []string{persistentvolume.Name, "pvc-protection", "pv-protection"}
	})
	ns := c.namespace(t, "static")
	for _, v := range []struct {
		name, size string
		labels     map[string]string
	}{
		{"pv-small", "1Gi", map[string]string{"tier": "fast"}},
		{"pv-right", "5Gi", map[string]string{"tier": "fast"}},
		{"pv-huge", "50Gi", map[string]string{"tier": "fast"}},
		{"pv-unlabeled", "3Gi", nil},
	} {
		pv := &corev1.PersistentVolume{
			ObjectMeta: metav1.ObjectMeta{Name: v.name, Labels: v.labels},
			Spec: corev1.PersistentVolumeSpec{
				Capacity:                      corev1.ResourceList{corev1.ResourceStorage: resource.MustParse(v.size)},
				PersistentVolumeSource:        corev1.PersistentVolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/srv/" + v.name}},
				AccessModes:                   []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
				PersistentVolumeReclaimPolicy: corev1.PersistentVolumeReclaimRetain,
				StorageClassName:              "manual",
			},
		}
		if _, err := c.cs.CoreV1().PersistentVolumes().Create(c.ctx, pv, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	newClaim := func(name, size, volumeName string) *corev1.PersistentVolumeClaim {
		manual := "manual"
		return &corev1.PersistentVolumeClaim{
			ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
			Spec: corev1.PersistentVolumeClaimSpec{
				AccessModes:      []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
				Resources:        corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceStorage: resource.MustParse(size)}},
				StorageClassName: &manual,
				Selector:         &metav1.LabelSelector{MatchLabels: map[string]string{"tier": "fast"}},
				VolumeName:       volumeName,
			},
		}
	}
	for _, tc := range []struct{ claim, size, volumeName, want string }{
		{"by-size", "2Gi", "", "pv-right"},
		{"by-name", "1Gi", "pv-huge", "pv-huge"},
	} {
		if _, err := c.cs.CoreV1().PersistentVolumeClaims(ns).Create(c.ctx, newClaim(tc.claim, tc.size, tc.volumeName), metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		waitFor(t, 30*time.Second, "claim "+tc.claim+" is bound to "+tc.want, func() (bool, error) {
			pvc, err := c.cs.CoreV1().PersistentVolumeClaims(ns).Get(c.ctx, tc.claim, metav1.GetOptions{})
			if err != nil {
				return false, err
			}
			pv, err := c.cs.CoreV1().PersistentVolumes().Get(c.ctx, tc.want, metav1.GetOptions{})
			if err != nil {
				return false, err
			}
			return pvc.Status.Phase == corev1.ClaimBound && pvc.Spec.VolumeName == tc.want &&
				pv.Status.Phase == corev1.VolumeBound && pv.Spec.ClaimRef != nil && pv.Spec.ClaimRef.UID == pvc.UID, nil
		})
	}
	for _, name := range []string{"pv-small", "pv-unlabeled"} {
		pv, err := c.cs.CoreV1().PersistentVolumes().Get(c.ctx, name, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if pv.Spec.ClaimRef != nil || pv.Status.Phase != corev1.VolumeAvailable {
			t.Fatalf("%s: claimRef %v phase %q, want unclaimed and Available", name, pv.Spec.ClaimRef, pv.Status.Phase)
		}
	}

	if err := c.cs.CoreV1().PersistentVolumeClaims(ns).Delete(c.ctx, "by-size", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 30*time.Second, "the Retain volume of the deleted claim is Released", func() (bool, error) {
		pv, err := c.cs.CoreV1().PersistentVolumes().Get(c.ctx, "pv-right", metav1.GetOptions{})
		return err == nil && pv.Status.Phase == corev1.VolumeReleased && pv.Spec.ClaimRef != nil, err
	})
}

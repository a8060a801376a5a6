package controllermanager

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	appsv1 "keel.dev/api/apps/v1"
	batchv1 "keel.dev/api/batch/v1"
	corev1 "keel.dev/api/core/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/types"

	"keel.dev/keel/pkg/controller-manager/app"
)

// holdFinalizer keeps a test pod in place until the test lets it go.
const holdFinalizer = "keel.dev/test-hold"

func only(names ...string) func(*app.Options) {
	return func(o *app.Options) { o.Controllers = names }
}

func orphanPod(ns, name string, lbls map[string]string, finalizers ...string) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns, Labels: lbls, Finalizers: finalizers},
		Spec: corev1.PodSpec{RestartPolicy: corev1.RestartPolicyNever,
			Containers: []corev1.Container{{Name: "c", Image: "busybox"}}},
	}
}

func TestJobAdoptsAnOrphanAndTTLDeletesItInTheForeground(t *testing.T) {
	c := startCluster(t, only("job", "ttl-after-finished", "garbagecollector"))
	ns := c.namespace(t, "batch")
	lbls := map[string]string{"app": "batch"}
	orphan, err := c.cs.CoreV1().Pods(ns).Create(c.ctx, orphanPod(ns, "orphan", lbls, holdFinalizer), metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	one, ttl, manual := int32(1), int32(0), true
	job := &batchv1.Job{
		ObjectMeta: metav1.ObjectMeta{Name: "pi", Namespace: ns},
		Spec: batchv1.JobSpec{
			Parallelism: &one, Completions: &one, TTLSecondsAfterFinished: &ttl, ManualSelector: &manual,
			Selector: &metav1.LabelSelector{MatchLabels: lbls},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: lbls}, Spec: orphan.Spec},
		},
	}
	job, err = c.cs.BatchV1().Jobs(ns).Create(c.ctx, job, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}

	waitFor(t, 30*time.Second, "the job adopts the orphan pod with its tracking finalizer, and the fake kubelet runs it", func() (bool, error) {
		p, err := c.cs.CoreV1().Pods(ns).Get(c.ctx, "orphan", metav1.GetOptions{})
		if err != nil {
			return false, err
		}
		ref := metav1.GetControllerOf(p)
		return ref != nil && ref.UID == job.UID && slices.Contains(p.Finalizers, batchv1.JobTrackingFinalizer) && corev1.IsPodReady(p),
			fmt.Errorf("owner %v finalizers %v", ref, p.Finalizers)
	})
	// The fake kubelet leaves ready pods alone, so the pod can finish.
	p, err := c.cs.CoreV1().Pods(ns).Get(c.ctx, "orphan", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	p.Status.Phase = corev1.PodSucceeded
	if _, err := c.cs.CoreV1().Pods(ns).UpdateStatus(c.ctx, p, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}

	waitFor(t, 30*time.Second, "the finished job is being deleted in the foreground, held by its pod", func() (bool, error) {
		j, err := c.cs.BatchV1().Jobs(ns).Get(c.ctx, "pi", metav1.GetOptions{})
		if err != nil {
			return false, err
		}
		return j.DeletionTimestamp != nil && slices.Contains(j.Finalizers, metav1.FinalizerDeleteDependents),
			fmt.Errorf("deletionTimestamp %v finalizers %v conditions %+v", j.DeletionTimestamp, j.Finalizers, j.Status.Conditions)
	})
	patch, _ := json.Marshal(map[string]any{"metadata": map[string]any{"$deleteFromPrimitiveList/finalizers": []string{holdFinalizer}}})
	if _, err := c.cs.CoreV1().Pods(ns).Patch(c.ctx, "orphan", types.StrategicMergePatchType, patch, metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 30*time.Second, "the job and its pod are gone", func() (bool, error) {
		_, jerr := c.cs.BatchV1().Jobs(ns).Get(c.ctx, "pi", metav1.GetOptions{})
		_, perr := c.cs.CoreV1().Pods(ns).Get(c.ctx, "orphan", metav1.GetOptions{})
		return c.gone(t, jerr) && c.gone(t, perr), fmt.Errorf("job: %v, pod: %v", jerr, perr)
	})
}

func TestStatefulSetAdoptsOrphanPodsAndRevisions(t *testing.T) {
	c := startCluster(t, only("statefulset"))
	ns := c.namespace(t, "sts")
	lbls := map[string]string{"app": "web"}
	orphan, err := c.cs.CoreV1().Pods(ns).Create(c.ctx, orphanPod(ns, "web-0", lbls), metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rev := &appsv1.ControllerRevision{ObjectMeta: metav1.ObjectMeta{Name: "web-old", Namespace: ns, Labels: lbls},
		Data: runtime.RawExtension{Raw: []byte(`{}`)}, Revision: 1}
	if _, err := c.cs.AppsV1().ControllerRevisions(ns).Create(c.ctx, rev, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	one := int32(1)
	set := &appsv1.StatefulSet{
		ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: ns},
		Spec: appsv1.StatefulSetSpec{
			Replicas: &one, ServiceName: "web", Selector: &metav1.LabelSelector{MatchLabels: lbls},
			// OnDelete: the adopted pod (of no known revision) is kept, not rolled.
			UpdateStrategy: appsv1.StatefulSetUpdateStrategy{Type: appsv1.OnDeleteStatefulSetStrategyType},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: lbls},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "busybox"}}}},
		},
	}
	set, err = c.cs.AppsV1().StatefulSets(ns).Create(c.ctx, set, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, 30*time.Second, "the stateful set adopts web-0 and the orphan revision", func() (bool, error) {
		p, err := c.cs.CoreV1().Pods(ns).Get(c.ctx, "web-0", metav1.GetOptions{})
		if err != nil {
			return false, err
		}
		r, err := c.cs.AppsV1().ControllerRevisions(ns).Get(c.ctx, "web-old", metav1.GetOptions{})
		if err != nil {
			return false, err
		}
		pref, rref := metav1.GetControllerOf(p), metav1.GetControllerOf(r)
		return pref != nil && pref.UID == set.UID && rref != nil && rref.UID == set.UID,
			fmt.Errorf("pod owner %v, revision owner %v", pref, rref)
	})
	p, err := c.cs.CoreV1().Pods(ns).Get(c.ctx, "web-0", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if p.UID != orphan.UID {
		t.Errorf("web-0 was recreated (uid %s, was %s) instead of adopted", p.UID, orphan.UID)
	}
}

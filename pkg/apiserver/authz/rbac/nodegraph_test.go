package rbac

import (
	"context"
	"slices"
	"testing"

	corev1 "keel.dev/api/core/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
)

func TestPodRefs(t *testing.T) {
	opt := corev1.LocalObjectReference{Name: "env-secret"}
	pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "p", Namespace: "ns"}, Spec: corev1.PodSpec{
		ServiceAccountName: "sa",
		ImagePullSecrets:   []corev1.LocalObjectReference{{Name: "pull"}},
		InitContainers: []corev1.Container{{Name: "i", EnvFrom: []corev1.EnvFromSource{
			{ConfigMapRef: &corev1.ConfigMapEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "envfrom-cm"}}},
			{SecretRef: &corev1.SecretEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "envfrom-secret"}}}}}},
		Containers: []corev1.Container{{Name: "c", Env: []corev1.EnvVar{
			{Name: "A", ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{LocalObjectReference: opt, Key: "k"}}},
			{Name: "B", ValueFrom: &corev1.EnvVarSource{ConfigMapKeyRef: &corev1.ConfigMapKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: "env-cm"}, Key: "k"}}},
			{Name: "C", Value: "plain"}}}},
		Volumes: []corev1.Volume{
			{Name: "s", VolumeSource: corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{SecretName: "vol-secret"}}},
			{Name: "c", VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{LocalObjectReference: corev1.LocalObjectReference{Name: "vol-cm"}}}},
			{Name: "kube-api-access", VolumeSource: corev1.VolumeSource{Projected: &corev1.ProjectedVolumeSource{Sources: []corev1.VolumeProjection{
				{ServiceAccountToken: &corev1.ServiceAccountTokenProjection{Path: "token"}},
				{ConfigMap: &corev1.ConfigMapProjection{LocalObjectReference: corev1.LocalObjectReference{Name: "kube-root-ca.crt"}}},
				{Secret: &corev1.SecretProjection{LocalObjectReference: corev1.LocalObjectReference{Name: "proj-secret"}}}}}}},
			{Name: "d", VolumeSource: corev1.VolumeSource{PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: "claim"}}},
			{Name: "scratch", VolumeSource: corev1.VolumeSource{Ephemeral: &corev1.EphemeralVolumeSource{}}},
			{Name: "csi", VolumeSource: corev1.VolumeSource{CSI: &corev1.CSIVolumeSource{Driver: "d", NodePublishSecretRef: &corev1.LocalObjectReference{Name: "csi-secret"}}}},
			{Name: "dup", VolumeSource: corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{SecretName: "vol-secret"}}},
		},
	}}
	var got []string
	names := map[objKind]string{kindSecret: "secret", kindConfigMap: "configmap", kindPVC: "pvc", kindServiceAccount: "sa"}
	for _, r := range podRefs(pod) {
		if r.namespace != "ns" {
			t.Errorf("%+v is not in the pod's namespace", r)
		}
		got = append(got, names[r.kind]+"/"+r.name)
	}
	slices.Sort(got)
	want := []string{"configmap/env-cm", "configmap/envfrom-cm", "configmap/kube-root-ca.crt", "configmap/vol-cm",
		"pvc/claim", "pvc/p-scratch", "sa/sa",
		"secret/csi-secret", "secret/env-secret", "secret/envfrom-secret", "secret/proj-secret", "secret/pull", "secret/vol-secret"}
	if !slices.Equal(got, want) {
		t.Errorf("refs\n got  %v\n want %v", got, want)
	}
}

func TestNodeGraphFollowsWatches(t *testing.T) {
	pods, pvs := newFakeLW(boundPod("web", "n1", "s1")), newFakeLW()
	g := NewNodeGraph(nil)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); g.Run(ctx, pods, pvs) }()
	defer func() { cancel(); <-done }()
	podWatch := pods.nextWatch(t)
	pvs.nextWatch(t)
	rel := func(node, secret string) bool {
		ok, err := g.related(ctx, node, objRef{kind: kindSecret, namespace: "ns", name: secret})
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if !rel("n1", "s1") || rel("n2", "s1") {
		t.Fatalf("after the list: n1→s1 %v, n2→s1 %v", rel("n1", "s1"), rel("n2", "s1"))
	}
	cases := []struct {
		name   string
		apply  func()
		n1, n2 bool
	}{
		{"a second pod on n1 uses s1 too", func() { podWatch.Add(boundPod("web2", "n1", "s1")) }, true, false},
		{"the first pod goes, the second keeps s1", func() { podWatch.Delete(boundPod("web", "n1", "s1")) }, true, false},
		{"the second pod moves its mount to s2", func() { podWatch.Modify(boundPod("web2", "n1", "s2")) }, false, false},
		{"a pod on n2 mounts s1", func() { podWatch.Add(boundPod("other", "n2", "s1")) }, false, true},
		{"it is deleted", func() { podWatch.Delete(boundPod("other", "n2", "s1")) }, false, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.apply()
			waitFor(t, c.name, func() bool { return rel("n1", "s1") == c.n1 && rel("n2", "s1") == c.n2 })
		})
	}
	t.Run("a relist forgets pods gone meanwhile", func(t *testing.T) {
		pods.set()
		podWatch.Stop()
		pods.nextWatch(t)
		waitFor(t, "relist", func() bool { return !rel("n1", "s2") })
	})
}

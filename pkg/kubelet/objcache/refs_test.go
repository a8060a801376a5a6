package objcache

import (
	"reflect"
	"testing"

	corev1 "keel.dev/api/core/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
)

func TestPodRefs(t *testing.T) {
	yes := true
	cases := []struct {
		name string
		spec corev1.PodSpec
		want []ref
	}{
		{name: "a pod without references refers to nothing", spec: corev1.PodSpec{
			Containers: []corev1.Container{{Name: "c", Env: []corev1.EnvVar{{Name: "A", Value: "1"}}}},
			Volumes:    []corev1.Volume{{Name: "e", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}}},
		}},
		{name: "configMap and secret volumes are references", spec: corev1.PodSpec{Volumes: []corev1.Volume{
			{Name: "a", VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{LocalObjectReference: corev1.LocalObjectReference{Name: "cm"}}}},
			{Name: "b", VolumeSource: corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{SecretName: "sec", Optional: &yes}}},
		}}, want: []ref{{configMapKind, "ns", "cm"}, {secretKind, "ns", "sec"}}},
		{name: "a service account token volume refers to kube-root-ca.crt", spec: corev1.PodSpec{Volumes: []corev1.Volume{
			{Name: "kube-api-access-x", VolumeSource: corev1.VolumeSource{Projected: &corev1.ProjectedVolumeSource{Sources: []corev1.VolumeProjection{
				{ServiceAccountToken: &corev1.ServiceAccountTokenProjection{Path: "token"}},
				{ConfigMap: &corev1.ConfigMapProjection{LocalObjectReference: corev1.LocalObjectReference{Name: "kube-root-ca.crt"}}},
				{Secret: &corev1.SecretProjection{LocalObjectReference: corev1.LocalObjectReference{Name: "extra"}}},
			}}}},
		}}, want: []ref{{configMapKind, "ns", "kube-root-ca.crt"}, {secretKind, "ns", "extra"}}},
		{name: "env, envFrom of every container kind and imagePullSecrets are references", spec: corev1.PodSpec{
			InitContainers: []corev1.Container{{Name: "i", EnvFrom: []corev1.EnvFromSource{{ConfigMapRef: &corev1.ConfigMapEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "init-cm"}}}}}},
			Containers: []corev1.Container{{Name: "c",
				Env: []corev1.EnvVar{
					{Name: "A", ValueFrom: &corev1.EnvVarSource{ConfigMapKeyRef: &corev1.ConfigMapKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: "env-cm"}, Key: "a"}}},
					{Name: "B", ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: "env-sec"}, Key: "b"}}},
					{Name: "C", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.name"}}},
				},
				EnvFrom: []corev1.EnvFromSource{{SecretRef: &corev1.SecretEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "from-sec"}}}},
			}},
			EphemeralContainers: []corev1.EphemeralContainer{{EphemeralContainerCommon: corev1.EphemeralContainerCommon{Name: "dbg",
				EnvFrom: []corev1.EnvFromSource{{ConfigMapRef: &corev1.ConfigMapEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "dbg-cm"}}}}}}},
			ImagePullSecrets: []corev1.LocalObjectReference{{Name: "pull"}},
		}, want: []ref{{configMapKind, "ns", "init-cm"}, {configMapKind, "ns", "env-cm"}, {secretKind, "ns", "env-sec"},
			{secretKind, "ns", "from-sec"}, {configMapKind, "ns", "dbg-cm"}, {secretKind, "ns", "pull"}}},
		{name: "a configmap and a secret of the same name are distinct references", spec: corev1.PodSpec{Volumes: []corev1.Volume{
			{Name: "a", VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{LocalObjectReference: corev1.LocalObjectReference{Name: "same"}}}},
			{Name: "b", VolumeSource: corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{SecretName: "same"}}},
			{Name: "c", VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{LocalObjectReference: corev1.LocalObjectReference{Name: "same"}}}},
		}}, want: []ref{{configMapKind, "ns", "same"}, {secretKind, "ns", "same"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := podRefs(&corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "p"}, Spec: tc.spec})
			want := map[ref]struct{}{}
			for _, r := range tc.want {
				want[r] = struct{}{}
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("refs = %v, want %v", got, want)
			}
		})
	}
}

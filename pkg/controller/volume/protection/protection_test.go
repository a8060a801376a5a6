package protection

import (
	"slices"
	"testing"

	corev1 "keel.dev/api/core/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
)

func podUsing(name string, phase corev1.PodPhase, volumes ...corev1.Volume) *corev1.Pod {
	return &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name}, Spec: corev1.PodSpec{Volumes: volumes},
		Status: corev1.PodStatus{Phase: phase}}
}

func claimVolume(claim string) corev1.Volume {
	return corev1.Volume{Name: "v-" + claim, VolumeSource: corev1.VolumeSource{
		PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: claim}}}
}

func TestClaimNames(t *testing.T) {
	p := podUsing("web", corev1.PodRunning, claimVolume("data"),
		corev1.Volume{Name: "scratch", VolumeSource: corev1.VolumeSource{Ephemeral: &corev1.EphemeralVolumeSource{}}},
		corev1.Volume{Name: "tmp", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}})
	if got := ClaimNames(p); !slices.Equal(got, []string{"data", "web-scratch"}) {
		t.Fatalf("ClaimNames = %v", got)
	}
}

func TestUsedBy(t *testing.T) {
	for _, tc := range []struct {
		name string
		pods []*corev1.Pod
		want bool
	}{
		{"no pods", nil, false},
		{"running pod", []*corev1.Pod{podUsing("a", corev1.PodRunning, claimVolume("data"))}, true},
		{"pending pod", []*corev1.Pod{podUsing("a", corev1.PodPending, claimVolume("data"))}, true},
		{"finished pods", []*corev1.Pod{podUsing("a", corev1.PodSucceeded, claimVolume("data")), podUsing("b", corev1.PodFailed, claimVolume("data"))}, false},
		{"other claim", []*corev1.Pod{podUsing("a", corev1.PodRunning, claimVolume("logs"))}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := usedBy(tc.pods, "data"); got != tc.want {
				t.Fatalf("usedBy = %v", got)
			}
		})
	}
}

package app

import (
	"math"
	"runtime/debug"
	"testing"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/apimachinery/pkg/api/resource"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
)

func TestApplyMemoryLimitOnlyWhenAskedAndGOMEMLIMITIsUnset(t *testing.T) {
	prev := debug.SetMemoryLimit(-1)
	defer debug.SetMemoryLimit(prev)
	cases := []struct {
		name       string
		limit      int64
		gomemlimit string
		want       int64
	}{
		{"a zero limit leaves the runtime alone", 0, "", 0},
		{"GOMEMLIMIT wins over the flag", 100 << 20, "200MiB", 0},
		{"the flag sets the limit when GOMEMLIMIT is unset", 100 << 20, "", 100 << 20},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			debug.SetMemoryLimit(math.MaxInt64)
			if got := applyMemoryLimit(tc.limit, tc.gomemlimit); got != tc.want {
				t.Errorf("applyMemoryLimit = %d, want %d", got, tc.want)
			}
			want := tc.want
			if want == 0 {
				want = math.MaxInt64
			}
			if got := debug.SetMemoryLimit(-1); got != want {
				t.Errorf("runtime memory limit = %d, want %d", got, want)
			}
		})
	}
}

func TestTrimDropsManagedFieldsAndKeepsWhatPluginsRead(t *testing.T) {
	mf := []metav1.ManagedFieldsEntry{{Manager: "kubelet"}}
	n := &corev1.Node{
		ObjectMeta: metav1.ObjectMeta{Name: "n", Labels: map[string]string{"zone": "a"}, ManagedFields: mf},
		Spec:       corev1.NodeSpec{Taints: []corev1.Taint{{Key: "k", Effect: corev1.TaintEffectNoSchedule}}},
		Status: corev1.NodeStatus{
			Allocatable: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("4")},
			Images:      []corev1.ContainerImage{{Names: []string{"nginx:1"}, SizeBytes: 1 << 20}},
		},
	}
	got := trimNode(n)
	if len(got.ManagedFields) != 0 {
		t.Errorf("node kept %d managedFields entries", len(got.ManagedFields))
	}
	if len(got.Status.Images) != 1 || len(got.Spec.Taints) != 1 || got.Labels["zone"] != "a" || len(got.Status.Allocatable) != 1 {
		t.Errorf("node lost fields the plugins read: %+v", got)
	}
	p := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "p", Namespace: "ns", Labels: map[string]string{"app": "a"}, ManagedFields: mf},
		Spec:       corev1.PodSpec{NodeSelector: map[string]string{"zone": "a"}, Containers: []corev1.Container{{Name: "c", Image: "nginx:1"}}},
	}
	gp := trimPod(p)
	if len(gp.ManagedFields) != 0 {
		t.Errorf("pod kept %d managedFields entries", len(gp.ManagedFields))
	}
	if gp.Labels["app"] != "a" || gp.Spec.NodeSelector["zone"] != "a" || len(gp.Spec.Containers) != 1 {
		t.Errorf("pod lost fields the plugins read: %+v", gp)
	}
}

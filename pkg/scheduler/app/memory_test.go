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

func TestTrimKeepsOnlyWhatTheSchedulerReads(t *testing.T) {
	mf := []metav1.ManagedFieldsEntry{{Manager: "kubelet"}}
	ann := map[string]string{"note": "a long annotation"}
	always := corev1.ContainerRestartPolicyAlways
	t.Run("a node keeps labels, spec, allocatable, images and condition types", func(t *testing.T) {
		n := &corev1.Node{
			ObjectMeta: metav1.ObjectMeta{Name: "n", Labels: map[string]string{"zone": "a"}, ManagedFields: mf, Annotations: ann},
			Spec:       corev1.NodeSpec{Taints: []corev1.Taint{{Key: "k", Effect: corev1.TaintEffectNoSchedule}}},
			Status: corev1.NodeStatus{
				Capacity:    corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("8")},
				Allocatable: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("4")},
				Images:      []corev1.ContainerImage{{Names: []string{"nginx:1"}, SizeBytes: 1 << 20}},
				Conditions:  []corev1.NodeCondition{{Type: corev1.NodeReady, Status: corev1.ConditionTrue, Message: "kubelet is posting ready status"}},
				Addresses:   []corev1.NodeAddress{{Type: corev1.NodeInternalIP, Address: "10.0.0.1"}},
				NodeInfo:    corev1.NodeSystemInfo{KernelVersion: "6.1"},
			},
		}
		got := trimNode(n)
		if len(got.ManagedFields) != 0 || got.Annotations != nil || got.Status.Capacity != nil || got.Status.Addresses != nil || got.Status.NodeInfo.KernelVersion != "" {
			t.Errorf("node kept what no plugin reads: %+v", got)
		}
		if c := got.Status.Conditions; len(c) != 1 || c[0].Type != corev1.NodeReady || c[0].Status != corev1.ConditionTrue || c[0].Message != "" {
			t.Errorf("conditions = %+v, want the Ready type and status only", c)
		}
		if len(got.Status.Images) != 1 || len(got.Spec.Taints) != 1 || got.Labels["zone"] != "a" || len(got.Status.Allocatable) != 1 {
			t.Errorf("node lost fields the plugins read: %+v", got)
		}
	})
	t.Run("a pod keeps identity, spec essentials and the status the scheduler reads", func(t *testing.T) {
		p := &corev1.Pod{
			ObjectMeta: metav1.ObjectMeta{Name: "p", Namespace: "ns", Labels: map[string]string{"app": "a"}, ManagedFields: mf, Annotations: ann},
			Spec: corev1.PodSpec{
				NodeSelector: map[string]string{"zone": "a"},
				Containers: []corev1.Container{{
					Name: "c", Image: "nginx:1", Command: []string{"nginx"}, Env: []corev1.EnvVar{{Name: "A", Value: "b"}},
					Resources: corev1.ResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("1")}},
					Ports:     []corev1.ContainerPort{{ContainerPort: 80, HostPort: 8080}},
				}},
				InitContainers: []corev1.Container{{Name: "sidecar", Image: "envoy", RestartPolicy: &always, Args: []string{"-v"}}},
				Volumes:        []corev1.Volume{{Name: "data", VolumeSource: corev1.VolumeSource{PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: "data"}}}},
			},
			Status: corev1.PodStatus{
				Phase: corev1.PodRunning, NominatedNodeName: "n1", PodIP: "10.1.0.5",
				Conditions:        []corev1.PodCondition{{Type: corev1.PodScheduled, Status: corev1.ConditionTrue}},
				ContainerStatuses: []corev1.ContainerStatus{{Name: "c", Ready: true}},
			},
		}
		got := trimPod(p)
		if len(got.ManagedFields) != 0 || got.Annotations != nil || got.Spec.Containers[0].Env != nil || got.Spec.Containers[0].Command != nil ||
			got.Spec.InitContainers[0].Args != nil || got.Status.PodIP != "" || got.Status.ContainerStatuses != nil {
			t.Errorf("pod kept what no plugin reads: %+v", got)
		}
		c := got.Spec.Containers[0]
		if got.Labels["app"] != "a" || got.Spec.NodeSelector["zone"] != "a" || c.Image != "nginx:1" || len(c.Resources.Requests) != 1 || len(c.Ports) != 1 ||
			got.Spec.InitContainers[0].RestartPolicy == nil || len(got.Spec.Volumes) != 1 {
			t.Errorf("pod lost spec fields the plugins read: %+v", got.Spec)
		}
		if got.Status.Phase != corev1.PodRunning || got.Status.NominatedNodeName != "n1" || len(got.Status.Conditions) != 1 {
			t.Errorf("pod lost status fields the scheduler reads: %+v", got.Status)
		}
	})
}

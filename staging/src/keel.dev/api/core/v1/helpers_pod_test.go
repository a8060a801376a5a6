package v1

import (
	"testing"

	"keel.dev/apimachinery/pkg/api/resource"
)

func TestComputePodQOS(t *testing.T) {
	rl := func(cpu, mem string) ResourceList {
		l := ResourceList{}
		if cpu != "" {
			l[ResourceCPU] = resource.MustParse(cpu)
		}
		if mem != "" {
			l[ResourceMemory] = resource.MustParse(mem)
		}
		return l
	}
	tests := []struct {
		name      string
		resources []ResourceRequirements
		podLevel  *ResourceRequirements
		want      PodQOSClass
	}{
		{"a pod without requests or limits is BestEffort", []ResourceRequirements{{}}, nil, PodQOSBestEffort},
		{"equal cpu and memory requests and limits are Guaranteed",
			[]ResourceRequirements{{Requests: rl("1", "1Gi"), Limits: rl("1", "1Gi")}, {Requests: rl("500m", "1Mi"), Limits: rl("0.5", "1Mi")}}, nil, PodQOSGuaranteed},
		{"a container without a memory limit makes the pod Burstable",
			[]ResourceRequirements{{Requests: rl("1", ""), Limits: rl("1", "")}}, nil, PodQOSBurstable},
		{"requests below limits are Burstable",
			[]ResourceRequirements{{Requests: rl("100m", "1Gi"), Limits: rl("1", "1Gi")}}, nil, PodQOSBurstable},
		{"pod-level resources decide when set",
			[]ResourceRequirements{{}}, &ResourceRequirements{Requests: rl("1", "1Gi"), Limits: rl("1", "1Gi")}, PodQOSGuaranteed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pod := &Pod{Spec: PodSpec{Resources: tt.podLevel}}
			for i, r := range tt.resources {
				pod.Spec.Containers = append(pod.Spec.Containers, Container{Name: string(rune('a' + i)), Resources: r})
			}
			if got := ComputePodQOS(pod); got != tt.want {
				t.Errorf("ComputePodQOS = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestPodConditionHelpers(t *testing.T) {
	pod := &Pod{Status: PodStatus{Phase: PodRunning, Conditions: []PodCondition{
		{Type: PodScheduled, Status: ConditionTrue}, {Type: PodReady, Status: ConditionFalse},
	}}}
	if IsPodReady(pod) {
		t.Errorf("IsPodReady = true with Ready=False")
	}
	i, c := GetPodCondition(&pod.Status, PodReady)
	if i != 1 || c == nil {
		t.Fatalf("GetPodCondition = %d %v", i, c)
	}
	c.Status = ConditionTrue
	if !IsPodReady(pod) {
		t.Errorf("IsPodReady = false after setting Ready=True through the returned pointer")
	}
	if IsPodTerminal(pod) {
		t.Errorf("a running pod is not terminal")
	}
	if i, c := GetPodCondition(&pod.Status, "Missing"); i != -1 || c != nil {
		t.Errorf("missing condition = %d %v", i, c)
	}
}

func TestVisitContainersOrderAndStop(t *testing.T) {
	spec := &PodSpec{
		InitContainers:      []Container{{Name: "i", RestartPolicy: ptrTo(ContainerRestartPolicyAlways)}},
		Containers:          []Container{{Name: "c1"}, {Name: "c2"}},
		EphemeralContainers: []EphemeralContainer{{EphemeralContainerCommon: EphemeralContainerCommon{Name: "e"}}},
	}
	var names []string
	VisitContainers(spec, func(c *Container) bool { names = append(names, c.Name); return true })
	if got := len(names); got != 4 || names[0] != "i" || names[3] != "e" {
		t.Errorf("visited %v", names)
	}
	names = nil
	if VisitContainers(spec, func(c *Container) bool { names = append(names, c.Name); return c.Name != "c1" }) || len(names) != 2 {
		t.Errorf("visit did not stop at c1: %v", names)
	}
	if !IsRestartableInitContainer(&spec.InitContainers[0]) || IsRestartableInitContainer(&spec.Containers[0]) {
		t.Errorf("IsRestartableInitContainer wrong")
	}
}

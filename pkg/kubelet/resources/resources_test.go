package resources

import (
	"testing"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/apimachinery/pkg/api/resource"
)

func rl(cpu, mem string) corev1.ResourceList {
	l := corev1.ResourceList{}
	if cpu != "" {
		l[corev1.ResourceCPU] = resource.MustParse(cpu)
	}
	if mem != "" {
		l[corev1.ResourceMemory] = resource.MustParse(mem)
	}
	return l
}

func TestLinux(t *testing.T) {
	const capacity = 4 << 30
	cases := []struct {
		name               string
		req, lim           corev1.ResourceList
		shares, quota, mem int64
		period, oom        int64
	}{
		{name: "best effort gets minimum shares and oom 1000", shares: 2, oom: 1000},
		{name: "a 250m request gives 256 shares", req: rl("250m", "1Gi"), shares: 256, oom: 750},
		{name: "a tiny request is raised to 2 shares", req: rl("1m", ""), shares: 2, oom: 999},
		{name: "a limit sets the CFS quota on a 100ms period", req: rl("500m", "256Mi"), lim: rl("1500m", "512Mi"), shares: 512, quota: 150000, period: 100000, mem: 512 << 20, oom: 938},
		{name: "guaranteed pods get oom -997", req: rl("1", "1Gi"), lim: rl("1", "1Gi"), shares: 1024, quota: 100000, period: 100000, mem: 1 << 30, oom: -997},
		{name: "a near-capacity request is clamped to oom 3", req: rl("", "4Gi"), lim: rl("", "8Gi"), shares: 2, mem: 8 << 30, oom: 3},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := corev1.Container{Name: "c", Resources: corev1.ResourceRequirements{Requests: tc.req, Limits: tc.lim}}
			pod := &corev1.Pod{Spec: corev1.PodSpec{Containers: []corev1.Container{c}}}
			r := Linux(pod, &pod.Spec.Containers[0], capacity)
			if r.CpuShares != tc.shares || r.CpuQuota != tc.quota || r.CpuPeriod != tc.period || r.MemoryLimitInBytes != tc.mem || r.OomScoreAdj != tc.oom {
				t.Errorf("got shares=%d quota=%d period=%d mem=%d oom=%d", r.CpuShares, r.CpuQuota, r.CpuPeriod, r.MemoryLimitInBytes, r.OomScoreAdj)
			}
		})
	}
}

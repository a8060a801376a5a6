// Package resources converts a container's resource requirements and QoS
// class into the Linux resources the CRI applies to its cgroup.
package resources

import (
	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"

	corev1 "keel.dev/api/core/v1"
)

// CFS and share constants the kubelet uses.
const (
	MinShares     = 2
	MaxShares     = 262144
	SharesPerCPU  = 1024
	QuotaPeriod   = 100000 // microseconds: 100 ms
	MinQuotaUsec  = 1000
	GuaranteedOOM = -997
	BestEffortOOM = 1000
)

// MilliCPUToShares converts milli-CPUs to cgroup cpu shares.
func MilliCPUToShares(milli int64) int64 {
	if milli == 0 {
		return MinShares
	}
	s := milli * SharesPerCPU / 1000
	if s < MinShares {
		return MinShares
	}
	if s > MaxShares {
		return MaxShares
	}
	return s
}

// MilliCPUToQuota converts a CPU limit to a CFS quota for period (0 means no limit).
func MilliCPUToQuota(milli, period int64) int64 {
	if milli == 0 {
		return 0
	}
	q := milli * period / 1000
	if q < MinQuotaUsec {
		q = MinQuotaUsec
	}
	return q
}

// OOMScoreAdj returns the oom_score_adj for a container of a pod of class
// qos, given the node's memory capacity in bytes.
func OOMScoreAdj(qos corev1.PodQOSClass, c *corev1.Container, memCapacity int64) int64 {
	switch qos {
	case corev1.PodQOSGuaranteed:
		return GuaranteedOOM
	case corev1.PodQOSBestEffort:
		return BestEffortOOM
	}
	if memCapacity <= 0 {
		return BestEffortOOM - 1
	}
	req := int64(0)
	if q, ok := c.Resources.Requests[corev1.ResourceMemory]; ok {
		req = q.Value()
	}
	adj := int64(1000) - (1000*req)/memCapacity
	if adj < 1000+GuaranteedOOM {
		return 1000 + GuaranteedOOM
	}
	if adj == BestEffortOOM {
		return BestEffortOOM - 1
	}
	return adj
}

// Linux returns the CRI Linux resources for container c of pod.
func Linux(pod *corev1.Pod, c *corev1.Container, memCapacity int64) *runtimeapi.LinuxContainerResources {
	r := &runtimeapi.LinuxContainerResources{}
	var reqCPU, limCPU int64
	if q, ok := c.Resources.Requests[corev1.ResourceCPU]; ok {
		reqCPU = q.MilliValue()
	}
	if q, ok := c.Resources.Limits[corev1.ResourceCPU]; ok {
		limCPU = q.MilliValue()
	}
	if reqCPU == 0 && limCPU != 0 {
		reqCPU = limCPU
	}
	r.CpuShares = MilliCPUToShares(reqCPU)
	if limCPU != 0 {
		r.CpuPeriod = QuotaPeriod
		r.CpuQuota = MilliCPUToQuota(limCPU, QuotaPeriod)
	}
	if q, ok := c.Resources.Limits[corev1.ResourceMemory]; ok {
		r.MemoryLimitInBytes = q.Value()
	}
	r.OomScoreAdj = OOMScoreAdj(corev1.ComputePodQOS(pod), c, memCapacity)
	return r
}

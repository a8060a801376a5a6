package fakeruntime

import (
	"keel.dev/apimachinery/pkg/api/resource"
	crifake "keel.dev/keel/pkg/kubelet/cri/fake"
)

// Pod annotations that set the synthetic usage of each of the pod's
// containers under --runtime=fake, e.g. for autoscaling tests on hollow
// nodes: quantities such as "250m" and "64Mi".
const (
	AnnotationFakeCPUUsage    = "keel.dev/fake-cpu-usage"
	AnnotationFakeMemoryUsage = "keel.dev/fake-memory-usage"
)

// syntheticUsage gives a running container the usage its pod's annotations
// ask for, else a small plausible default: a tenth of its CPU request (at
// least 1m) and crifake.DefaultUsage's memory.
func syntheticUsage(c *crifake.Container, sb *crifake.Sandbox) crifake.Usage {
	u := crifake.DefaultUsage
	if shares := c.Config.GetLinux().GetResources().GetCpuShares(); shares > 2 {
		// shares are 1024 per core; a tenth of the request in nano-cores.
		u.NanoCores = uint64(shares) * 1_000_000_000 / 1024 / 10
		if u.NanoCores < 1_000_000 {
			u.NanoCores = 1_000_000
		}
	}
	if sb == nil {
		return u
	}
	ann := sb.Config.GetAnnotations()
	if q, err := resource.ParseQuantity(ann[AnnotationFakeCPUUsage]); err == nil && q.Sign() >= 0 {
		u.NanoCores = uint64(q.MilliValue()) * 1_000_000
	}
	if q, err := resource.ParseQuantity(ann[AnnotationFakeMemoryUsage]); err == nil && q.Sign() >= 0 {
		u.WorkingSetBytes = uint64(q.Value())
	}
	return u
}

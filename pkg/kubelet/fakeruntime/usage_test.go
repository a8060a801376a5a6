package fakeruntime

import (
	"testing"

	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"

	crifake "keel.dev/keel/pkg/kubelet/cri/fake"
)

func TestSyntheticUsage(t *testing.T) {
	ctr := func(shares int64) *crifake.Container {
		return &crifake.Container{Config: &runtimeapi.ContainerConfig{Linux: &runtimeapi.LinuxContainerConfig{
			Resources: &runtimeapi.LinuxContainerResources{CpuShares: shares}}}}
	}
	sb := func(ann map[string]string) *crifake.Sandbox {
		return &crifake.Sandbox{Config: &runtimeapi.PodSandboxConfig{Annotations: ann}}
	}
	cases := []struct {
		name      string
		c         *crifake.Container
		sb        *crifake.Sandbox
		nanoCores uint64
		ws        uint64
	}{
		{"a container without requests uses the default", ctr(2), sb(nil), crifake.DefaultUsage.NanoCores, crifake.DefaultUsage.WorkingSetBytes},
		{"a container requesting one core uses a tenth of it", ctr(1024), nil, 100_000_000, crifake.DefaultUsage.WorkingSetBytes},
		{"a tiny request still uses 1m", ctr(3), nil, 1_000_000, crifake.DefaultUsage.WorkingSetBytes},
		{"pod annotations set the usage", ctr(1024), sb(map[string]string{AnnotationFakeCPUUsage: "750m", AnnotationFakeMemoryUsage: "64Mi"}), 750_000_000, 64 << 20},
		{"unparsable annotations are ignored", ctr(2), sb(map[string]string{AnnotationFakeCPUUsage: "lots"}), crifake.DefaultUsage.NanoCores, crifake.DefaultUsage.WorkingSetBytes},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			u := syntheticUsage(c.c, c.sb)
			if u.NanoCores != c.nanoCores || u.WorkingSetBytes != c.ws {
				t.Errorf("usage = %+v, want %d nano-cores %d bytes", u, c.nanoCores, c.ws)
			}
		})
	}
}

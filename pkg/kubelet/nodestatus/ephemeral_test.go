package nodestatus

import (
	"testing"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/apimachinery/pkg/api/resource"
)

func TestEphemeralStorageCapacity(t *testing.T) {
	machine := Machine{NumCPU: 2, MemoryBytes: 4 << 30, EphemeralBytes: 50 << 30}
	reserved := corev1.ResourceList{corev1.ResourceEphemeralStorage: resource.MustParse("10Gi")}
	cases := []struct {
		name                string
		omit                bool
		capacity, allocated string // "" means not reported
	}{
		{"the node reports its root filesystem as ephemeral storage", false, "50Gi", "40Gi"},
		{"without local storage isolation the node reports no ephemeral storage", true, "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctl := New(Config{NodeName: "n1", Machine: machine, Reserved: reserved, OmitEphemeralStorage: c.omit})
			for _, l := range []struct {
				what string
				list corev1.ResourceList
				want string
			}{{"capacity", ctl.Capacity(), c.capacity}, {"allocatable", ctl.Allocatable(), c.allocated}} {
				q, ok := l.list[corev1.ResourceEphemeralStorage]
				got := ""
				if ok {
					got = q.String()
				}
				if got != l.want {
					t.Errorf("%s ephemeral-storage = %q, want %q", l.what, got, l.want)
				}
				if cpu := l.list[corev1.ResourceCPU]; cpu.String() != "2" {
					t.Errorf("%s cpu = %s, want 2", l.what, cpu.String())
				}
			}
		})
	}
}

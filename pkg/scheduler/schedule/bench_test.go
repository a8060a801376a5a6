package schedule

import (
	"context"
	"fmt"
	"testing"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/keel/pkg/scheduler/framework"
	st "keel.dev/keel/pkg/scheduler/internal/testing"
)

// benchCluster builds n nodes in 10 zones, each running one pod labeled
// app=existing-<i%10>; with anti, those pods carry hostname anti-affinity.
func benchCluster(n int, anti bool) *framework.Snapshot {
	nodes := make([]*corev1.Node, 0, n)
	pods := make([]*corev1.Pod, 0, n)
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("node-%05d", i)
		nodes = append(nodes, st.MakeNode(name).Capacity("32", "128Gi").Label("zone", fmt.Sprintf("zone-%d", i%10)).Obj())
		p := st.MakePod(fmt.Sprintf("existing-%05d", i)).Node(name).Req("100m", "128Mi").Label("app", fmt.Sprintf("existing-%d", i%10))
		if anti {
			p = p.PodAntiAffinity("kubernetes.io/hostname", "app", "never")
		}
		pods = append(pods, p.Obj())
	}
	return framework.NewSnapshot(pods, nodes)
}

func BenchmarkScheduleCycle(b *testing.B) {
	variants := []struct {
		name string
		anti bool
		pod  *corev1.Pod
	}{
		{"simple", false, st.MakePod("p").Req("100m", "128Mi").Obj()},
		{"anti-affinity", true, st.MakePod("p").Req("100m", "128Mi").Label("app", "web").PodAntiAffinity("kubernetes.io/hostname", "app", "web").Obj()},
		{"topology-spread", false, st.MakePod("p").Req("100m", "128Mi").Label("app", "existing-1").SpreadConstraint(1, "zone", corev1.DoNotSchedule, nil, "app", "existing-1").Obj()},
	}
	for _, n := range []int{1000, 5000} {
		for _, v := range variants {
			b.Run(fmt.Sprintf("%s/%dnodes", v.name, n), func(b *testing.B) {
				snap := benchCluster(n, v.anti)
				fwk, err := st.NewDefaultFramework(snap, framework.ClusterAPI{}, nil)
				if err != nil {
					b.Fatal(err)
				}
				a := New(nil)
				ctx := context.Background()
				b.ReportAllocs()
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					if _, err := a.Schedule(ctx, fwk, framework.NewCycleState(), v.pod, snap); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

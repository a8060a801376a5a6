package scheduler

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/keel/pkg/scheduler/framework"
	st "keel.dev/keel/pkg/scheduler/internal/testing"
)

// BenchmarkSchedulerThroughput measures the whole loop (queue, snapshot,
// cycle, assume, asynchronous bind through a no-op Binder, informer
// confirmation) clearing a backlog of b.N pods; it reports pods/s.
func BenchmarkSchedulerThroughput(b *testing.B) {
	type variant struct {
		name string
		pod  func(i int) *corev1.Pod
	}
	variants := []variant{
		{"simple", func(i int) *corev1.Pod { return st.MakePod(fmt.Sprintf("p%06d", i)).Req("100m", "128Mi").Obj() }},
		{"anti-affinity", func(i int) *corev1.Pod {
			return st.MakePod(fmt.Sprintf("p%06d", i)).Req("100m", "128Mi").Label("app", fmt.Sprintf("g%d", i%100)).
				PodAntiAffinity("kubernetes.io/hostname", "app", fmt.Sprintf("g%d", i%100)).Obj()
		}},
		{"topology-spread", func(i int) *corev1.Pod {
			return st.MakePod(fmt.Sprintf("p%06d", i)).Req("100m", "128Mi").Label("app", fmt.Sprintf("g%d", i%10)).
				SpreadConstraint(1, "zone", corev1.DoNotSchedule, nil, "app", fmt.Sprintf("g%d", i%10)).Obj()
		}},
	}
	for _, nodes := range []int{1000, 5000} {
		for _, v := range variants {
			b.Run(fmt.Sprintf("%s/%dnodes", v.name, nodes), func(b *testing.B) {
				var bound atomic.Int64
				var s *Scheduler
				binder := framework.BinderFunc(func(ctx context.Context, pod *corev1.Pod, node string) error {
					old := pod.DeepCopy()
					old.Spec.NodeName = ""
					s.OnPodUpdate(ctx, old, pod.DeepCopy())
					bound.Add(1)
					return nil
				})
				var err error
				s, err = New(context.Background(), Options{Binder: binder})
				if err != nil {
					b.Fatal(err)
				}
				ctx, cancel := context.WithCancel(context.Background())
				for i := 0; i < nodes; i++ {
					s.OnNodeAdd(ctx, st.MakeNode(fmt.Sprintf("node-%05d", i)).Capacity("64", "256Gi").Pods("250").Label("zone", fmt.Sprintf("zone-%d", i%10)).Obj())
				}
				for i := 0; i < b.N; i++ {
					s.OnPodAdd(ctx, v.pod(i))
				}
				b.ReportAllocs()
				b.ResetTimer()
				start := time.Now()
				done := make(chan struct{})
				go func() {
					s.Run(ctx)
					close(done)
				}()
				for bound.Load() < int64(b.N) {
					time.Sleep(200 * time.Microsecond)
				}
				elapsed := time.Since(start)
				b.StopTimer()
				cancel()
				<-done
				b.ReportMetric(float64(b.N)/elapsed.Seconds(), "pods/s")
			})
		}
	}
}

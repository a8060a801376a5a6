package plugins_test

import (
	"fmt"
	"sync/atomic"
	"testing"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/apimachinery/pkg/api/resource"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"

	"keel.dev/keel/pkg/apiserver/admission/internal/admissiontest"
)

// BenchmarkPodCreateAdmitted creates pods through the registry with the
// default admission plugins, from 32 goroutines, in a namespace holding a
// LimitRange and a ResourceQuota (every pod is defaulted, checked and
// charged); compare with BenchmarkPodCreate of pkg/apiserver/registry.
func BenchmarkPodCreateAdmitted(b *testing.B) {
	for _, tc := range []struct {
		name    string
		objects bool
	}{{"empty namespace", false}, {"limitrange and quota", true}} {
		b.Run(tc.name, func(b *testing.B) {
			e := admissiontest.New(b, nil, []string{"ServiceAccount"})
			e.Namespace("bench")
			if tc.objects {
				e.MustCreate(admissiontest.Core("limitranges"), "bench", &corev1.LimitRange{ObjectMeta: metav1.ObjectMeta{Name: "lr"},
					Spec: corev1.LimitRangeSpec{Limits: []corev1.LimitRangeItem{{Type: corev1.LimitTypeContainer,
						Default: corev1.ResourceList{"cpu": resource.MustParse("10m")}}}}})
				e.MustCreate(admissiontest.Core("resourcequotas"), "bench", &corev1.ResourceQuota{ObjectMeta: metav1.ObjectMeta{Name: "q"},
					Spec: corev1.ResourceQuotaSpec{Hard: corev1.ResourceList{"pods": resource.MustParse("1000000"), "limits.cpu": resource.MustParse("100000")}}})
				e.WaitCached(admissiontest.Core("limitranges"), "bench", "lr")
				e.WaitCached(admissiontest.Core("resourcequotas"), "bench", "q")
			}
			pods := admissiontest.Core("pods")
			var n atomic.Int64
			b.SetParallelism(16)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, err := e.Create(pods, "bench", admissiontest.Pod("bench", fmt.Sprintf("p-%d", n.Add(1)), nil, nil)); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}

package registry_test

import (
	"fmt"
	"sync/atomic"
	"testing"

	corev1 "keel.dev/api/core/v1"

	"keel.dev/keel/pkg/apiserver/registry/rest"
)

// BenchmarkPodCreate creates pods through the registry from 32 goroutines
// (the shared etcd syncs to disk, as in the apiserver).
func BenchmarkPodCreate(b *testing.B) {
	e := newEnv(b, "")
	e.namespace("bench")
	st := e.storage(podsGVR, "").(rest.Creater)
	var n atomic.Int64
	b.SetParallelism(16)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		ctx := nsCtx("bench")
		for pb.Next() {
			p := newPod("bench", fmt.Sprintf("p-%d", n.Add(1)))
			if _, err := st.Create(ctx, p, nil); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.StopTimer()
	if got := len(e.list(b)); got != int(n.Load()) {
		b.Fatalf("stored %d of %d", got, n.Load())
	}
}

func (e *env) list(b *testing.B) []corev1.Pod {
	out, err := e.storage(podsGVR, "").(rest.Lister).List(nsCtx("bench"), &rest.ListOptions{})
	if err != nil {
		b.Fatal(err)
	}
	return out.(*corev1.PodList).Items
}

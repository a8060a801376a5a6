package informers

import (
	"context"
	"runtime"
	"testing"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/apimachinery/pkg/labels"
)

// BenchmarkStoreAdd10kPods fills an indexed store with 10k pods.
func BenchmarkStoreAdd10kPods(b *testing.B) {
	pods := manyPods(10000)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		s := NewStore[*corev1.Pod](nil)
		for _, p := range pods {
			s.Add(p)
		}
	}
}

// BenchmarkInformerSync10kPods runs an informer with one handler through an
// initial list of 10k pods in pages of 500 until the handler has seen them.
func BenchmarkInformerSync10kPods(b *testing.B) {
	pods := manyPods(10000)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		lw := newScriptedLW()
		for p := 0; p < len(pods); p += PageSize {
			cont := "more"
			if p+PageSize >= len(pods) {
				cont = ""
			}
			lw.lists = append(lw.lists, listResult{items: pods[p : p+PageSize], rv: "10001", cont: cont})
		}
		inf := NewInformer[*corev1.Pod](lw, podsGR, 0)
		n := 0
		done := make(chan struct{})
		inf.AddEventHandler(HandlerFuncs[*corev1.Pod]{AddFunc: func(*corev1.Pod, bool) {
			if n++; n == len(pods) {
				close(done)
			}
		}})
		ctx, cancel := context.WithCancel(context.Background())
		go inf.Run(ctx)
		<-done
		cancel()
	}
}

// BenchmarkListerNamespaceList lists one namespace (200 pods) of 10k with a selector.
func BenchmarkListerNamespaceList(b *testing.B) {
	s := NewStore[*corev1.Pod](nil)
	for _, p := range manyPods(10000) {
		s.Add(p)
	}
	l := NewLister(s, podsGR)
	sel := labels.Everything()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if got, _ := l.Namespace("ns-7").List(sel); len(got) != 200 {
			b.Fatalf("%d pods", len(got))
		}
	}
}

// BenchmarkStoreMemory10kPods reports the heap retained by a store of 10k
// pods beyond the pods themselves (index overhead).
func BenchmarkStoreMemory10kPods(b *testing.B) {
	pods := manyPods(10000)
	for i := 0; i < b.N; i++ {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		s := NewStore[*corev1.Pod](nil)
		for _, p := range pods {
			s.Add(p)
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/float64(len(pods)), "store-B/pod")
		runtime.KeepAlive(s)
	}
}

package cacher_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"keel.dev/keel/pkg/apiserver/storage"
	"keel.dev/keel/pkg/apiserver/storage/cacher"
	"keel.dev/keel/pkg/apiserver/storage/etcd3"
)

// payload makes benchmark objects about the size of a small pod.
var payload = strings.Repeat("x", 1024)

func withPayload(w *widget) { w.Spec.Data = payload; w.Spec.Node = "node-1" }

func reportLatencies(b *testing.B, lat []time.Duration) {
	if len(lat) == 0 {
		return
	}
	slices.Sort(lat)
	pct := func(p float64) float64 { return float64(lat[int(float64(len(lat)-1)*p)].Microseconds()) / 1000 }
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
}

// BenchmarkCreate32 creates objects from 32 goroutines through the cacher.
func BenchmarkCreate32(b *testing.B) {
	c, _ := startCacher(b, nil)
	var n atomic.Int64
	var mu sync.Mutex
	var all []time.Duration
	b.SetParallelism(32)
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		var lat []time.Duration
		for pb.Next() {
			i := n.Add(1)
			t0 := time.Now()
			create(b, c, "ns", fmt.Sprint("w", i), withPayload)
			lat = append(lat, time.Since(t0))
		}
		mu.Lock()
		all = append(all, lat...)
		mu.Unlock()
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "creates/s")
	reportLatencies(b, all)
}

var (
	listOnce   sync.Once
	listCacher *cacher.Cacher
	listStore  *etcd3.Store
)

// BenchmarkList5000 lists 5,000 objects from the cache and from etcd.
func BenchmarkList5000(b *testing.B) {
	listOnce.Do(func() {
		listCacher, listStore = startCacher(b, nil)
		var wg sync.WaitGroup
		for g := 0; g < 32; g++ {
			wg.Add(1)
			go func(g int) {
				defer wg.Done()
				for i := g; i < 5000; i += 32 {
					create(b, listStore, "ns", fmt.Sprintf("w%05d", i), withPayload)
				}
			}(g)
		}
		wg.Wait()
	})
	ctx := context.Background()
	cases := []struct {
		name string
		s    storage.Interface
		opts storage.ListOptions
	}{
		{"cache-rv0", listCacher, storage.ListOptions{Recursive: true, ResourceVersion: "0"}},
		{"cache-consistent", listCacher, storage.ListOptions{Recursive: true}},
		{"cache-pages-of-500", listCacher, storage.ListOptions{Recursive: true, Limit: 500}},
		{"etcd", listStore, storage.ListOptions{Recursive: true}},
		{"etcd-pages-of-500", listStore, storage.ListOptions{Recursive: true, Limit: 500}},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				opts := tc.opts
				total := 0
				for {
					res, err := tc.s.GetList(ctx, "/widgets", opts)
					if err != nil {
						b.Fatal(err)
					}
					total += len(res.Items)
					if res.Continue == "" {
						break
					}
					opts.Continue = res.Continue
				}
				if total != 5000 {
					b.Fatalf("listed %d", total)
				}
			}
		})
	}
}

// BenchmarkWatchDelay measures the delay from the start of a create to its
// delivery on every watcher, for one creator and 100 watchers, and for 32
// creators and one watcher.
func BenchmarkWatchDelay(b *testing.B) {
	for _, tc := range []struct{ creators, watchers int }{{1, 100}, {32, 1}} {
		b.Run(fmt.Sprintf("creators=%d,watchers=%d", tc.creators, tc.watchers), func(b *testing.B) {
			benchWatchDelay(b, tc.creators, tc.watchers)
		})
	}
}

func benchWatchDelay(b *testing.B, creators, watchers int) {
	c, _ := startCacher(b, nil)
	ctx := context.Background()
	start := create(b, c, "ns", "start", nil)
	var sent sync.Map // name → start time
	var mu sync.Mutex
	var lat []time.Duration
	var wg sync.WaitGroup
	for i := 0; i < watchers; i++ {
		w, err := c.Watch(ctx, "/widgets", storage.ListOptions{Recursive: true, ResourceVersion: start.ResourceVersion})
		if err != nil {
			b.Fatal(err)
		}
		defer w.Stop()
		go func() {
			for ev := range w.ResultChan() {
				now := time.Now()
				if t0, ok := sent.Load(ev.Object.(*widget).Name); ok {
					mu.Lock()
					lat = append(lat, now.Sub(t0.(time.Time)))
					mu.Unlock()
					wg.Done()
				}
			}
		}()
	}
	var n atomic.Int64
	b.ResetTimer()
	var cw sync.WaitGroup
	for g := 0; g < creators; g++ {
		cw.Add(1)
		go func() {
			defer cw.Done()
			for {
				i := n.Add(1)
				if i > int64(b.N) {
					return
				}
				name := fmt.Sprint("w", i)
				wg.Add(watchers)
				sent.Store(name, time.Now())
				create(b, c, "ns", name, withPayload)
			}
		}()
	}
	cw.Wait()
	wg.Wait()
	b.StopTimer()
	reportLatencies(b, lat)
}

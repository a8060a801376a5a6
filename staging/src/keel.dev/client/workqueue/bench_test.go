package workqueue

import (
	"strconv"
	"sync"
	"testing"
)

// BenchmarkAddGetDone measures one key's trip through the queue with 4 workers.
func BenchmarkAddGetDone(b *testing.B) {
	q := New[string]()
	defer q.ShutDown()
	keys := make([]string, 1024)
	for i := range keys {
		keys[i] = strconv.Itoa(i)
	}
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				k, shutdown := q.Get()
				if shutdown {
					return
				}
				q.Done(k)
			}
		}()
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		q.Add(keys[i%len(keys)])
	}
	q.ShutDownWithDrain()
	wg.Wait()
}

// BenchmarkAddThenGet measures single-threaded adds followed by gets.
func BenchmarkAddThenGet(b *testing.B) {
	q := New[int]()
	defer q.ShutDown()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		q.Add(i)
		k, _ := q.Get()
		q.Done(k)
	}
}

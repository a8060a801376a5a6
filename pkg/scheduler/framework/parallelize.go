package framework

import (
	"context"
	"math"
	"runtime"
	"sync"
	"sync/atomic"
)

// Parallelizer runs a function over [0, pieces) on a fixed number of workers.
type Parallelizer struct {
	workers int
}

// NewParallelizer returns a parallelizer with n workers; n <= 0 means GOMAXPROCS.
func NewParallelizer(n int) Parallelizer {
	if n <= 0 {
		n = runtime.GOMAXPROCS(0)
	}
	return Parallelizer{workers: n}
}

// Workers returns the number of workers.
func (p Parallelizer) Workers() int {
	if p.workers <= 0 {
		return runtime.GOMAXPROCS(0)
	}
	return p.workers
}

// chunkSize picks chunks of about sqrt(pieces) so workers balance without
// fighting over the counter.
func chunkSize(pieces, workers int) int {
	s := int(math.Sqrt(float64(pieces)))
	if r := pieces/workers + 1; r < s {
		s = r
	}
	return max(s, 1)
}

// Until calls work(i) for every i in [0, pieces) until ctx is done. work
// must be safe to call concurrently.
func (p Parallelizer) Until(ctx context.Context, pieces int, work func(i int)) {
	if pieces <= 0 {
		return
	}
	workers := min(p.Workers(), pieces)
	chunk := chunkSize(pieces, workers)
	if workers == 1 || pieces <= chunk {
		for i := 0; i < pieces; i++ {
			if ctx.Err() != nil {
				return
			}
			work(i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	run := func() {
		for ctx.Err() == nil {
			start := int(next.Add(int64(chunk))) - chunk
			if start >= pieces {
				return
			}
			end := min(start+chunk, pieces)
			for i := start; i < end; i++ {
				work(i)
			}
		}
	}
	wg.Add(workers - 1)
	for w := 1; w < workers; w++ {
		go func() {
			defer wg.Done()
			run()
		}()
	}
	run()
	wg.Wait()
}

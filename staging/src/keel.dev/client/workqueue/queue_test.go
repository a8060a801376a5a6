package workqueue

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"keel.dev/client/clock"
)

func newTestQueue(t *testing.T, opts ...Option[string]) (*Queue[string], *clock.Fake) {
	t.Helper()
	fc := clock.NewFake(time.Unix(1000, 0))
	q := New(append([]Option[string]{WithClock[string](fc)}, opts...)...)
	t.Cleanup(q.ShutDown)
	return q, fc
}

func TestAddDeduplicatesQueuedKeys(t *testing.T) {
	q, _ := newTestQueue(t)
	for _, k := range []string{"a", "b", "a", "a", "b"} {
		q.Add(k)
	}
	if q.Len() != 2 {
		t.Fatalf("Len = %d, want 2", q.Len())
	}
	k1, _ := q.Get()
	k2, _ := q.Get()
	if k1 != "a" || k2 != "b" {
		t.Errorf("order = %s %s, want a b", k1, k2)
	}
}

func TestAKeyIsNeverProcessedConcurrently(t *testing.T) {
	q, _ := newTestQueue(t)
	q.Add("a")
	k, _ := q.Get()
	q.Add("a") // while processing: goes dirty, not into the queue
	if q.Len() != 0 {
		t.Fatalf("a key being processed was queued again (Len %d)", q.Len())
	}
	got := make(chan string, 1)
	go func() {
		k, _ := q.Get()
		got <- k
	}()
	select {
	case <-got:
		t.Fatal("a second worker got the key while it was processing")
	case <-time.After(20 * time.Millisecond):
	}
	q.Done(k)
	if k2 := <-got; k2 != "a" {
		t.Errorf("re-queued key = %q", k2)
	}
}

func TestWorkersNeverOverlapOnAKey(t *testing.T) {
	q, _ := newTestQueue(t)
	var active [4]atomic.Int32
	var overlaps atomic.Int32
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
				i := int(k[0] - 'a')
				if active[i].Add(1) > 1 {
					overlaps.Add(1)
				}
				time.Sleep(50 * time.Microsecond)
				active[i].Add(-1)
				q.Done(k)
			}
		}()
	}
	for n := 0; n < 2000; n++ {
		q.Add(string(rune('a' + n%4)))
	}
	q.ShutDownWithDrain()
	wg.Wait()
	if overlaps.Load() != 0 {
		t.Errorf("%d overlapping executions of one key", overlaps.Load())
	}
}

func TestExponentialBackoffPerKey(t *testing.T) {
	r := NewExponentialLimiter[string](5*time.Millisecond, 1000*time.Second)
	cases := []struct {
		name string
		key  string
		want time.Duration
	}{
		{"the first retry waits the base", "a", 5 * time.Millisecond},
		{"the second retry doubles", "a", 10 * time.Millisecond},
		{"the third retry doubles again", "a", 20 * time.Millisecond},
		{"another key starts at the base", "b", 5 * time.Millisecond},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := r.When(tc.key); got != tc.want {
				t.Errorf("When(%s) = %v, want %v", tc.key, got, tc.want)
			}
		})
	}
	for i := 0; i < 40; i++ {
		r.When("c")
	}
	if got := r.When("c"); got != 1000*time.Second {
		t.Errorf("capped delay = %v", got)
	}
	r.Forget("a")
	if r.NumRequeues("a") != 0 || r.When("a") != 5*time.Millisecond {
		t.Error("Forget did not reset the key")
	}
}

func TestDefaultLimiterAddsOverallBucket(t *testing.T) {
	fc := clock.NewFake(time.Unix(0, 0))
	r := DefaultRateLimiter[int](fc)
	for i := 0; i < 100; i++ {
		if d := r.When(i); d != 5*time.Millisecond {
			t.Fatalf("burst item %d delay %v", i, d)
		}
	}
	if d := r.When(1000); d != 100*time.Millisecond {
		t.Errorf("after the burst delay = %v, want 100ms (10 qps)", d)
	}
}

func TestAddRateLimitedWaitsForTheBackoff(t *testing.T) {
	q, fc := newTestQueue(t, WithRateLimiter[string](NewExponentialLimiter[string](time.Second, time.Minute)))
	q.AddRateLimited("a")
	q.AddRateLimited("a") // now 2 s, but the earlier ready time wins
	fc.BlockUntil(1)
	if q.Len() != 0 {
		t.Fatal("rate-limited key queued at once")
	}
	fc.Step(time.Second)
	waitLen(t, q, 1)
	if q.NumRequeues("a") != 2 {
		t.Errorf("NumRequeues = %d", q.NumRequeues("a"))
	}
	q.Forget("a")
	if q.NumRequeues("a") != 0 {
		t.Error("Forget kept the history")
	}
}

func TestAddAfterOrdersByReadyTime(t *testing.T) {
	q, fc := newTestQueue(t)
	q.AddAfter("late", 3*time.Second)
	q.AddAfter("early", time.Second)
	q.AddAfter("now", 0)
	waitLen(t, q, 1)
	fc.Step(time.Second)
	waitLen(t, q, 2)
	fc.Step(2 * time.Second)
	waitLen(t, q, 3)
	for _, want := range []string{"now", "early", "late"} {
		if k, _ := q.Get(); k != want {
			t.Errorf("got %q, want %q", k, want)
		}
	}
}

func TestShutDownWithDrainWaitsForInFlightWork(t *testing.T) {
	q, _ := newTestQueue(t)
	q.Add("a")
	k, _ := q.Get()
	drained := make(chan struct{})
	go func() {
		q.ShutDownWithDrain()
		close(drained)
	}()
	select {
	case <-drained:
		t.Fatal("drain returned while a key was processing")
	case <-time.After(20 * time.Millisecond):
	}
	q.Add("b") // refused after shutdown
	q.Done(k)
	<-drained
	if _, shutdown := q.Get(); !shutdown {
		t.Error("Get after drain did not report shutdown")
	}
}

type countingMetrics struct {
	adds, retries atomic.Int32
	depth         atomic.Int32
	latencies     atomic.Int32
}

func (m *countingMetrics) Added()                     { m.adds.Add(1) }
func (m *countingMetrics) Depth(n int)                { m.depth.Store(int32(n)) }
func (m *countingMetrics) Latency(time.Duration)      { m.latencies.Add(1) }
func (m *countingMetrics) WorkDuration(time.Duration) {}
func (m *countingMetrics) Retried()                   { m.retries.Add(1) }

func TestMetricsAreReported(t *testing.T) {
	m := &countingMetrics{}
	q, _ := newTestQueue(t, WithMetrics[string](m))
	q.Add("a")
	q.Add("a")
	q.Add("b")
	if m.adds.Load() != 2 || m.depth.Load() != 2 {
		t.Errorf("adds=%d depth=%d", m.adds.Load(), m.depth.Load())
	}
	k, _ := q.Get()
	q.Done(k)
	if m.latencies.Load() != 1 || m.depth.Load() != 1 {
		t.Errorf("latencies=%d depth=%d", m.latencies.Load(), m.depth.Load())
	}
}

func waitLen(t *testing.T, q *Queue[string], n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for q.Len() != n {
		if time.Now().After(deadline) {
			t.Fatalf("Len = %d, want %d", q.Len(), n)
		}
		time.Sleep(time.Millisecond)
	}
}

package workqueue

import (
	"container/heap"
	"time"
)

type waitItem[K comparable] struct {
	key   K
	ready time.Time
	index int
}

// waitHeap orders delayed keys by ready time.
type waitHeap[K comparable] []*waitItem[K]

func (h waitHeap[K]) Len() int           { return len(h) }
func (h waitHeap[K]) Less(i, j int) bool { return h[i].ready.Before(h[j].ready) }
func (h waitHeap[K]) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index, h[j].index = i, j
}
func (h *waitHeap[K]) Push(x any) {
	it := x.(*waitItem[K])
	it.index = len(*h)
	*h = append(*h, it)
}
func (h *waitHeap[K]) Pop() any {
	old := *h
	it := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	return it
}

// AddAfter queues key once d has passed; a key already waiting keeps the
// earlier of its two ready times.
func (q *Queue[K]) AddAfter(key K, d time.Duration) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.shuttingDown {
		return
	}
	if d <= 0 {
		q.add(key)
		return
	}
	ready := q.clock.Now().Add(d)
	if it, ok := q.waitIndex[key]; ok {
		if ready.Before(it.ready) {
			it.ready = ready
			heap.Fix(&q.waiting, it.index)
		}
	} else {
		it := &waitItem[K]{key: key, ready: ready}
		heap.Push(&q.waiting, it)
		q.waitIndex[key] = it
	}
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// waitLoop moves delayed keys to the queue when they are ready.
func (q *Queue[K]) waitLoop() {
	for {
		q.mu.Lock()
		now := q.clock.Now()
		for q.waiting.Len() > 0 && !q.waiting[0].ready.After(now) {
			it := heap.Pop(&q.waiting).(*waitItem[K])
			delete(q.waitIndex, it.key)
			q.add(it.key)
		}
		var next time.Duration = -1
		if q.waiting.Len() > 0 {
			next = q.waiting[0].ready.Sub(now)
		}
		q.mu.Unlock()
		var timerC <-chan time.Time
		var stop func() bool
		if next >= 0 {
			t := q.clock.NewTimer(next)
			timerC, stop = t.C(), t.Stop
		}
		select {
		case <-q.stopped:
			if stop != nil {
				stop()
			}
			return
		case <-q.wake:
		case <-timerC:
		}
		if stop != nil {
			stop()
		}
	}
}

package queue

import (
	"container/heap"

	"keel.dev/keel/pkg/scheduler/framework"
)

// podHeap is a heap of queued pods addressable by key.
type podHeap struct {
	items []*framework.QueuedPodInfo
	index map[string]int
	less  func(a, b *framework.QueuedPodInfo) bool
}

func newPodHeap(less func(a, b *framework.QueuedPodInfo) bool) *podHeap {
	return &podHeap{index: map[string]int{}, less: less}
}

func key(p *framework.QueuedPodInfo) string { return framework.PodKey(p.Pod) }

func (h *podHeap) Len() int           { return len(h.items) }
func (h *podHeap) Less(i, j int) bool { return h.less(h.items[i], h.items[j]) }
func (h *podHeap) Swap(i, j int) {
	h.items[i], h.items[j] = h.items[j], h.items[i]
	h.index[key(h.items[i])] = i
	h.index[key(h.items[j])] = j
}
func (h *podHeap) Push(x any) {
	p := x.(*framework.QueuedPodInfo)
	h.index[key(p)] = len(h.items)
	h.items = append(h.items, p)
}
func (h *podHeap) Pop() any {
	n := len(h.items) - 1
	p := h.items[n]
	h.items[n] = nil
	h.items = h.items[:n]
	delete(h.index, key(p))
	return p
}

// addOrUpdate inserts p or replaces the entry with the same key.
func (h *podHeap) addOrUpdate(p *framework.QueuedPodInfo) {
	if i, ok := h.index[key(p)]; ok {
		h.items[i] = p
		heap.Fix(h, i)
		return
	}
	heap.Push(h, p)
}

func (h *podHeap) get(k string) *framework.QueuedPodInfo {
	if i, ok := h.index[k]; ok {
		return h.items[i]
	}
	return nil
}

func (h *podHeap) remove(k string) *framework.QueuedPodInfo {
	i, ok := h.index[k]
	if !ok {
		return nil
	}
	return heap.Remove(h, i).(*framework.QueuedPodInfo)
}

func (h *podHeap) peek() *framework.QueuedPodInfo {
	if len(h.items) == 0 {
		return nil
	}
	return h.items[0]
}

func (h *podHeap) pop() *framework.QueuedPodInfo {
	if len(h.items) == 0 {
		return nil
	}
	return heap.Pop(h).(*framework.QueuedPodInfo)
}

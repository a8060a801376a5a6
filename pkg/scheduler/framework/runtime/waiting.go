package runtime

import (
	"fmt"
	"sync"
	"time"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/keel/pkg/scheduler/framework"
)

type timeout time.Duration

// maxPermitTimeout caps how long a Permit plugin may hold a pod (Kubernetes' 15 minutes).
const maxPermitTimeout = 15 * time.Minute

type waitingPod struct {
	pod     *corev1.Pod
	mu      sync.Mutex
	pending map[string]*time.Timer
	done    chan *framework.Status
	closed  bool
}

var _ framework.WaitingPod = (*waitingPod)(nil)

func (w *waitingPod) GetPod() *corev1.Pod { return w.pod }

func (w *waitingPod) Allow(plugin string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if t, ok := w.pending[plugin]; ok {
		t.Stop()
		delete(w.pending, plugin)
	}
	if len(w.pending) == 0 && !w.closed {
		w.closed = true
		w.done <- nil
	}
}

func (w *waitingPod) Reject(plugin, msg string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, t := range w.pending {
		t.Stop()
	}
	if !w.closed {
		w.closed = true
		w.done <- framework.NewStatus(framework.Unschedulable, msg).WithPlugin(plugin)
	}
}

type waitingPods struct {
	mu   sync.RWMutex
	pods map[string]*waitingPod
}

var _ framework.WaitingPods = (*waitingPods)(nil)

func newWaitingPods() *waitingPods { return &waitingPods{pods: map[string]*waitingPod{}} }

func (m *waitingPods) add(pod *corev1.Pod, waits map[string]timeout) {
	wp := &waitingPod{pod: pod, pending: map[string]*time.Timer{}, done: make(chan *framework.Status, 1)}
	wp.mu.Lock()
	for name, d := range waits {
		name := name
		dur := min(time.Duration(d), maxPermitTimeout)
		wp.pending[name] = time.AfterFunc(dur, func() {
			wp.Reject(name, fmt.Sprintf("rejected due to timeout after waiting %v at plugin %v", dur, name))
		})
	}
	wp.mu.Unlock()
	m.mu.Lock()
	m.pods[string(pod.UID)] = wp
	m.mu.Unlock()
}

func (m *waitingPods) get(uid string) *waitingPod {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.pods[uid]
}

func (m *waitingPods) remove(uid string) {
	m.mu.Lock()
	delete(m.pods, uid)
	m.mu.Unlock()
}

// GetWaitingPod returns the waiting pod with uid, or nil.
func (m *waitingPods) GetWaitingPod(uid string) framework.WaitingPod {
	if wp := m.get(uid); wp != nil {
		return wp
	}
	return nil
}

// IterateOverWaitingPods calls fn for every waiting pod.
func (m *waitingPods) IterateOverWaitingPods(fn func(framework.WaitingPod)) {
	m.mu.RLock()
	list := make([]*waitingPod, 0, len(m.pods))
	for _, wp := range m.pods {
		list = append(list, wp)
	}
	m.mu.RUnlock()
	for _, wp := range list {
		fn(wp)
	}
}

type errorOnce struct {
	mu  sync.Mutex
	err error
}

func (e *errorOnce) set(err error) {
	e.mu.Lock()
	if e.err == nil {
		e.err = err
	}
	e.mu.Unlock()
}

func (e *errorOnce) get() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.err
}

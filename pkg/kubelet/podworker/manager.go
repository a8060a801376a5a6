package podworker

import (
	"context"
	"sync"

	corev1 "keel.dev/api/core/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/types"
)

// Manager keeps one running Worker per pod UID; the pod source calls
// UpdatePod for every add/update it sees and RemovePod when the object is gone.
type Manager struct {
	cfg *Config
	ctx context.Context

	mu      sync.Mutex
	workers map[types.UID]*managed
}

type managed struct {
	w      *Worker
	cancel context.CancelFunc
	done   chan struct{}
}

// NewManager returns a Manager whose workers live until ctx ends.
func NewManager(ctx context.Context, cfg *Config) *Manager {
	cfg.complete()
	return &Manager{cfg: cfg, ctx: ctx, workers: map[types.UID]*managed{}}
}

// UpdatePod starts or updates the worker of pod.
func (m *Manager) UpdatePod(pod *corev1.Pod) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if e, ok := m.workers[pod.UID]; ok {
		e.w.Update(pod)
		return
	}
	if pod.DeletionTimestamp != nil && corev1.IsPodTerminal(pod) && len(pod.Status.ContainerStatuses) == 0 {
		return
	}
	ctx, cancel := context.WithCancel(m.ctx)
	e := &managed{w: NewWorker(m.cfg, pod), cancel: cancel, done: make(chan struct{})}
	m.workers[pod.UID] = e
	go func() {
		defer close(e.done)
		e.w.Run(ctx)
		m.mu.Lock()
		if m.workers[pod.UID] == e {
			delete(m.workers, pod.UID)
		}
		m.mu.Unlock()
	}()
}

// RemovePod tears down a pod whose object disappeared without a graceful
// deletion (grace 0).
func (m *Manager) RemovePod(pod *corev1.Pod) {
	p := pod.DeepCopy()
	if p.DeletionTimestamp == nil {
		now := metav1.NewTime(m.cfg.Clock.Now())
		p.DeletionTimestamp = &now
	}
	zero := int64(0)
	p.DeletionGracePeriodSeconds = &zero
	m.UpdatePod(p)
}

// Worker returns the worker of uid, or nil.
func (m *Manager) Worker(uid types.UID) *Worker {
	m.mu.Lock()
	defer m.mu.Unlock()
	if e, ok := m.workers[uid]; ok {
		return e.w
	}
	return nil
}

// Len returns the number of live workers.
func (m *Manager) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.workers)
}

package podworker

import (
	"context"
	"fmt"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/apimachinery/pkg/types"
)

// KillRequest asks a worker to stop its pod for good and fail it, the way
// the eviction manager does: the containers stop within GracePeriod
// seconds, the pod is never restarted, and its status gets phase Failed
// with Reason and Message plus Condition (when its Type is set).
type KillRequest struct {
	GracePeriod int64
	Reason      string
	Message     string
	Condition   corev1.PodCondition
	done        chan struct{}
}

// KillPod hands req to the worker of uid and waits until the worker has
// stopped the pod's containers, or ctx ends. A pod without a worker is
// reported as an error.
func (m *Manager) KillPod(ctx context.Context, uid types.UID, req KillRequest) error {
	w := m.Worker(uid)
	if w == nil {
		return fmt.Errorf("kill pod %s: no worker", uid)
	}
	req.done = make(chan struct{})
	w.mu.Lock()
	w.kill = &req
	w.mu.Unlock()
	select {
	case w.updates <- struct{}{}:
	default:
	}
	select {
	case <-req.done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("kill pod %s: %w", uid, ctx.Err())
	}
}

// takeKill returns the pending kill request, if any.
func (w *Worker) takeKill() *KillRequest {
	w.mu.Lock()
	defer w.mu.Unlock()
	k := w.kill
	w.kill = nil
	return k
}

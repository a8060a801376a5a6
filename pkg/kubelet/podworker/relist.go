package podworker

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"

	"keel.dev/keel/pkg/kubelet/clock"
	"keel.dev/keel/pkg/kubelet/cri"
)

// nodeRelist shares one listing of every sandbox and container on the node
// among the pod workers. Without it each worker lists its own pod's
// sandboxes and containers on every resync, two runtime calls per pod per
// second; with it the runtime is listed about once per period for the whole
// node, and a worker whose last pass changed nothing reads its pod's share.
type nodeRelist struct {
	rt     cri.Service
	clock  clock.Clock
	period time.Duration

	refresh sync.Mutex // one listing at a time
	snap    atomic.Pointer[relistSnapshot]
}

// relistSnapshot is one listing of the node, indexed by pod UID.
type relistSnapshot struct {
	// startedAt is when the listing began: it shows every change a worker
	// finished before that time.
	startedAt  time.Time
	sandboxes  map[string][]*runtimeapi.PodSandbox
	containers map[string][]*runtimeapi.Container
}

func newNodeRelist(rt cri.Service, c clock.Clock, period time.Duration) *nodeRelist {
	if period <= 0 {
		return nil
	}
	return &nodeRelist{rt: rt, clock: c, period: period}
}

// since returns a listing that began after t and is younger than the
// period, listing the node again when the current one is not; nil when
// there is none (the caller then lists its pod itself).
func (r *nodeRelist) since(ctx context.Context, t time.Time) *relistSnapshot {
	if r == nil {
		return nil
	}
	if s := r.snap.Load(); r.fits(s, t) {
		return s
	}
	r.refresh.Lock()
	defer r.refresh.Unlock()
	if s := r.snap.Load(); r.fits(s, t) {
		return s // another worker listed meanwhile
	}
	if !r.clock.Now().After(t) {
		return nil // a listing now could not show the end of t's pass
	}
	s, err := r.list(ctx)
	if err != nil {
		return nil
	}
	r.snap.Store(s)
	return s
}

func (r *nodeRelist) fits(s *relistSnapshot, t time.Time) bool {
	return s != nil && s.startedAt.After(t) && r.clock.Now().Sub(s.startedAt) < r.period
}

func (r *nodeRelist) list(ctx context.Context) (*relistSnapshot, error) {
	s := &relistSnapshot{startedAt: r.clock.Now(), sandboxes: map[string][]*runtimeapi.PodSandbox{}, containers: map[string][]*runtimeapi.Container{}}
	sbs, err := r.rt.ListPodSandbox(ctx, &runtimeapi.ListPodSandboxRequest{})
	if err != nil {
		return nil, err
	}
	for _, sb := range sbs.Items {
		uid := sb.Labels[cri.LabelPodUID]
		s.sandboxes[uid] = append(s.sandboxes[uid], sb)
	}
	cs, err := r.rt.ListContainers(ctx, &runtimeapi.ListContainersRequest{})
	if err != nil {
		return nil, err
	}
	for _, c := range cs.Containers {
		uid := c.Labels[cri.LabelPodUID]
		s.containers[uid] = append(s.containers[uid], c)
	}
	return s, nil
}

package queue

import (
	"context"
	"fmt"
	"sync"
	"time"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/keel/pkg/scheduler/framework"
)

// Clock gives the queue the time; tests inject a fake.
type Clock interface {
	Now() time.Time
}

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

// Defaults as in Kubernetes.
const (
	DefaultPodInitialBackoff                 = 1 * time.Second
	DefaultPodMaxBackoff                     = 10 * time.Second
	DefaultPodMaxInUnschedulablePodsDuration = 5 * time.Minute
	backoffFlushInterval                     = 1 * time.Second
	unschedulableFlushInterval               = 30 * time.Second
)

// Options configure a PriorityQueue.
type Options struct {
	// Less orders the active queue (the QueueSort plugin's Less). Required.
	Less func(a, b *framework.QueuedPodInfo) bool
	// PreEnqueue runs the PreEnqueue plugins of the pod's profile; nil admits every pod.
	PreEnqueue func(ctx context.Context, pod *corev1.Pod) *framework.Status
	// Events maps plugin names to the cluster events that may requeue pods they rejected.
	Events map[string][]framework.ClusterEvent
	// Clock defaults to the wall clock.
	Clock Clock
	// PodInitialBackoff and PodMaxBackoff default to 1 s and 10 s.
	PodInitialBackoff, PodMaxBackoff time.Duration
	// PodMaxInUnschedulablePodsDuration defaults to 5 minutes.
	PodMaxInUnschedulablePodsDuration time.Duration
}

// PriorityQueue is the scheduling queue. Safe for concurrent use.
type PriorityQueue struct {
	*Nominator
	opts Options

	mu            sync.Mutex
	cond          *sync.Cond
	active        *podHeap
	backoff       *podHeap
	unschedulable map[string]*framework.QueuedPodInfo
	gated         map[string]*framework.QueuedPodInfo
	// inFlight maps popped pods to their latest version seen while in flight
	// (nil if none); deleted marks in-flight pods deleted meanwhile.
	inFlight map[string]*corev1.Pod
	deleted  map[string]struct{}

	schedulingCycle  int64
	moveRequestCycle int64
	closed           bool
}

// New returns an empty queue.
func New(opts Options) *PriorityQueue {
	if opts.Clock == nil {
		opts.Clock = realClock{}
	}
	if opts.PodInitialBackoff == 0 {
		opts.PodInitialBackoff = DefaultPodInitialBackoff
	}
	if opts.PodMaxBackoff == 0 {
		opts.PodMaxBackoff = DefaultPodMaxBackoff
	}
	if opts.PodMaxInUnschedulablePodsDuration == 0 {
		opts.PodMaxInUnschedulablePodsDuration = DefaultPodMaxInUnschedulablePodsDuration
	}
	q := &PriorityQueue{
		Nominator:        NewNominator(),
		opts:             opts,
		active:           newPodHeap(opts.Less),
		unschedulable:    map[string]*framework.QueuedPodInfo{},
		gated:            map[string]*framework.QueuedPodInfo{},
		inFlight:         map[string]*corev1.Pod{},
		deleted:          map[string]struct{}{},
		moveRequestCycle: -1,
	}
	q.backoff = newPodHeap(func(a, b *framework.QueuedPodInfo) bool {
		return q.backoffExpiry(a).Before(q.backoffExpiry(b))
	})
	q.cond = sync.NewCond(&q.mu)
	return q
}

// Run flushes the backoff queue every second and the unschedulable pool
// every 30 seconds until ctx is done, then closes the queue.
func (q *PriorityQueue) Run(ctx context.Context) {
	b := time.NewTicker(backoffFlushInterval)
	u := time.NewTicker(unschedulableFlushInterval)
	defer b.Stop()
	defer u.Stop()
	for {
		select {
		case <-ctx.Done():
			q.Close()
			return
		case <-b.C:
			q.FlushBackoffQCompleted()
		case <-u.C:
			q.FlushUnschedulablePodsLeftover()
		}
	}
}

// Close wakes blocked Pop calls, which then return an error.
func (q *PriorityQueue) Close() {
	q.mu.Lock()
	q.closed = true
	q.cond.Broadcast()
	q.mu.Unlock()
}

func (q *PriorityQueue) newQueuedPodInfo(pod *corev1.Pod) *framework.QueuedPodInfo {
	now := q.opts.Clock.Now()
	return &framework.QueuedPodInfo{PodInfo: framework.NewPodInfo(pod), Timestamp: now, InitialAttemptTimestamp: now}
}

// admit runs PreEnqueue and places p in activeQ or the gated set. Caller holds mu.
func (q *PriorityQueue) admit(ctx context.Context, p *framework.QueuedPodInfo) bool {
	if q.opts.PreEnqueue != nil {
		if s := q.opts.PreEnqueue(ctx, p.Pod); !s.IsSuccess() {
			p.GatingPlugin = s.Plugin()
			q.gated[key(p)] = p
			return false
		}
	}
	p.GatingPlugin = ""
	delete(q.gated, key(p))
	q.active.addOrUpdate(p)
	q.cond.Broadcast()
	return true
}

// Add enqueues a new pending pod.
func (q *PriorityQueue) Add(ctx context.Context, pod *corev1.Pod) {
	q.mu.Lock()
	defer q.mu.Unlock()
	p := q.newQueuedPodInfo(pod)
	k := key(p)
	delete(q.deleted, k)
	q.backoff.remove(k)
	delete(q.unschedulable, k)
	q.admit(ctx, p)
	q.Nominator.AddNominatedPod(p.PodInfo, "")
}

// Update replaces a pending pod. A pod waiting in the unschedulable pool or
// behind a gate is re-evaluated: it moves to backoffQ or activeQ.
func (q *PriorityQueue) Update(ctx context.Context, _, pod *corev1.Pod) {
	q.mu.Lock()
	defer q.mu.Unlock()
	k := framework.PodKey(pod)
	if p := q.active.get(k); p != nil {
		p.PodInfo = framework.NewPodInfo(pod)
		q.active.addOrUpdate(p)
		q.Nominator.AddNominatedPod(p.PodInfo, "")
		return
	}
	if p := q.backoff.get(k); p != nil {
		p.PodInfo = framework.NewPodInfo(pod)
		q.backoff.addOrUpdate(p)
		q.Nominator.AddNominatedPod(p.PodInfo, "")
		return
	}
	if p, ok := q.gated[k]; ok {
		p.PodInfo = framework.NewPodInfo(pod)
		q.admit(ctx, p)
		q.Nominator.AddNominatedPod(p.PodInfo, "")
		return
	}
	if p, ok := q.unschedulable[k]; ok {
		p.PodInfo = framework.NewPodInfo(pod)
		delete(q.unschedulable, k)
		q.Nominator.AddNominatedPod(p.PodInfo, "")
		if q.isBackingOff(p) {
			q.backoff.addOrUpdate(p)
			return
		}
		q.admit(ctx, p)
		return
	}
	if _, ok := q.inFlight[k]; ok {
		q.inFlight[k] = pod
		return
	}
	p := q.newQueuedPodInfo(pod)
	q.admit(ctx, p)
	q.Nominator.AddNominatedPod(p.PodInfo, "")
}

// Delete removes a pod from every sub-queue and forgets its nomination.
func (q *PriorityQueue) Delete(pod *corev1.Pod) {
	q.mu.Lock()
	defer q.mu.Unlock()
	k := framework.PodKey(pod)
	q.active.remove(k)
	q.backoff.remove(k)
	delete(q.unschedulable, k)
	delete(q.gated, k)
	if _, ok := q.inFlight[k]; ok {
		q.deleted[k] = struct{}{}
	}
	q.Nominator.DeleteNominatedPodIfExists(pod)
}

// Pop blocks until a pod is active, then returns it with Attempts
// incremented. It returns an error when ctx ends or the queue is closed.
func (q *PriorityQueue) Pop(ctx context.Context) (*framework.QueuedPodInfo, error) {
	stop := context.AfterFunc(ctx, func() {
		q.mu.Lock()
		q.cond.Broadcast()
		q.mu.Unlock()
	})
	defer stop()
	q.mu.Lock()
	defer q.mu.Unlock()
	for q.active.Len() == 0 {
		if q.closed {
			return nil, fmt.Errorf("scheduling queue is closed")
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		q.cond.Wait()
	}
	p := q.active.pop()
	p.Attempts++
	q.schedulingCycle++
	q.inFlight[key(p)] = nil
	return p, nil
}

// SchedulingCycle returns the number of pods popped so far.
func (q *PriorityQueue) SchedulingCycle() int64 {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.schedulingCycle
}

// Done marks a popped pod's cycle as finished.
func (q *PriorityQueue) Done(pod *corev1.Pod) {
	q.mu.Lock()
	delete(q.inFlight, framework.PodKey(pod))
	delete(q.deleted, framework.PodKey(pod))
	q.mu.Unlock()
}

// AddUnschedulableIfNotPresent returns a pod that failed its cycle to the
// queue: to backoffQ when it failed with an error or a move request
// happened since podSchedulingCycle, otherwise to the unschedulable pool.
func (q *PriorityQueue) AddUnschedulableIfNotPresent(p *framework.QueuedPodInfo, podSchedulingCycle int64) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	k := key(p)
	latest := q.inFlight[k]
	delete(q.inFlight, k)
	if _, gone := q.deleted[k]; gone {
		delete(q.deleted, k)
		return nil
	}
	if q.active.get(k) != nil || q.backoff.get(k) != nil {
		return fmt.Errorf("pod %s is already present in the active or backoff queue", k)
	}
	if _, ok := q.unschedulable[k]; ok {
		return fmt.Errorf("pod %s is already present in the unschedulable pool", k)
	}
	p.Timestamp = q.opts.Clock.Now()
	if latest != nil {
		p.PodInfo = framework.NewPodInfo(latest)
	}
	q.Nominator.AddNominatedPod(p.PodInfo, "")
	if len(p.UnschedulablePlugins) == 0 || q.moveRequestCycle >= podSchedulingCycle || latest != nil {
		q.backoff.addOrUpdate(p)
		return nil
	}
	q.unschedulable[k] = p
	return nil
}

// backoffDuration is initial * 2^(attempts-1), capped at max.
func (q *PriorityQueue) backoffDuration(p *framework.QueuedPodInfo) time.Duration {
	d := q.opts.PodInitialBackoff
	for i := 1; i < p.Attempts; i++ {
		if d > q.opts.PodMaxBackoff-d {
			return q.opts.PodMaxBackoff
		}
		d += d
	}
	return min(d, q.opts.PodMaxBackoff)
}

func (q *PriorityQueue) backoffExpiry(p *framework.QueuedPodInfo) time.Time {
	return p.Timestamp.Add(q.backoffDuration(p))
}

func (q *PriorityQueue) isBackingOff(p *framework.QueuedPodInfo) bool {
	return q.backoffExpiry(p).After(q.opts.Clock.Now())
}

// FlushBackoffQCompleted moves pods whose backoff expired to activeQ.
func (q *PriorityQueue) FlushBackoffQCompleted() {
	q.mu.Lock()
	defer q.mu.Unlock()
	for {
		p := q.backoff.peek()
		if p == nil || q.isBackingOff(p) {
			return
		}
		q.backoff.pop()
		q.active.addOrUpdate(p)
		q.cond.Broadcast()
	}
}

// FlushUnschedulablePodsLeftover moves pods that sat in the unschedulable pool too long.
func (q *PriorityQueue) FlushUnschedulablePodsLeftover() {
	q.mu.Lock()
	defer q.mu.Unlock()
	now := q.opts.Clock.Now()
	var move []*framework.QueuedPodInfo
	for _, p := range q.unschedulable {
		if now.Sub(p.Timestamp) > q.opts.PodMaxInUnschedulablePodsDuration {
			move = append(move, p)
		}
	}
	q.moveLocked(move, framework.EventUnschedulableTimeout)
}

// MoveAllToActiveOrBackoffQueue moves the unschedulable pods whose rejecting
// plugins registered an event matching ev (and that pass preCheck, when set).
func (q *PriorityQueue) MoveAllToActiveOrBackoffQueue(ev framework.ClusterEvent, preCheck func(*corev1.Pod) bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	var move []*framework.QueuedPodInfo
	for _, p := range q.unschedulable {
		if (preCheck == nil || preCheck(p.Pod)) && q.matchesEvent(p, ev) {
			move = append(move, p)
		}
	}
	q.moveLocked(move, ev)
}

// matchesEvent reports whether any plugin that rejected p registered ev.
func (q *PriorityQueue) matchesEvent(p *framework.QueuedPodInfo, ev framework.ClusterEvent) bool {
	if ev.IsWildCard() || len(p.UnschedulablePlugins) == 0 {
		return true
	}
	for name := range p.UnschedulablePlugins {
		for _, reg := range q.opts.Events[name] {
			if reg.Match(ev) {
				return true
			}
		}
	}
	return false
}

func (q *PriorityQueue) moveLocked(pods []*framework.QueuedPodInfo, _ framework.ClusterEvent) {
	for _, p := range pods {
		delete(q.unschedulable, key(p))
		if q.isBackingOff(p) {
			q.backoff.addOrUpdate(p)
		} else {
			q.active.addOrUpdate(p)
		}
	}
	if len(pods) > 0 {
		q.cond.Broadcast()
	}
	q.moveRequestCycle = q.schedulingCycle
}

// Sizes returns the number of pods in activeQ, backoffQ, the unschedulable pool and behind gates.
func (q *PriorityQueue) Sizes() (active, backoff, unschedulable, gated int) {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.active.Len(), q.backoff.Len(), len(q.unschedulable), len(q.gated)
}

// Where reports which sub-queue holds the pod: "active", "backoff", "unschedulable", "gated" or "".
func (q *PriorityQueue) Where(pod *corev1.Pod) string {
	q.mu.Lock()
	defer q.mu.Unlock()
	k := framework.PodKey(pod)
	switch {
	case q.active.get(k) != nil:
		return "active"
	case q.backoff.get(k) != nil:
		return "backoff"
	case q.unschedulable[k] != nil:
		return "unschedulable"
	case q.gated[k] != nil:
		return "gated"
	}
	return ""
}

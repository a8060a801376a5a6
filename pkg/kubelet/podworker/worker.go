package podworker

import (
	"context"
	"fmt"
	"reflect"
	"sync"
	"sync/atomic"
	"time"

	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"

	corev1 "keel.dev/api/core/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/types"
	"keel.dev/keel/pkg/kubelet/lifecycle"
	"keel.dev/keel/pkg/kubelet/prober"
	"keel.dev/keel/pkg/kubelet/status"
)

// Worker drives one pod.
type Worker struct {
	cfg    *Config
	probes *prober.Manager
	hooks  *lifecycle.Runner

	uid types.UID

	mu          sync.Mutex
	pod         *corev1.Pod
	waiting     map[string]status.Waiting
	last        *corev1.PodStatus
	terminal    bool // the pod reached Succeeded/Failed and is never restarted
	terminated  bool // a deleted pod's sandbox is gone
	volumesDone bool
	failReason  string // pod-level failure such as DeadlineExceeded
	failMessage string
	failCond    *corev1.PodCondition // added to the status of a killed pod
	kill        *KillRequest         // pending KillPod request
	updates     chan struct{}
	// acted counts the runtime changes (sandbox runs and stops, container
	// starts and stops) the worker asked for; a sync pass that made none
	// reuses its observation instead of asking the runtime again.
	acted atomic.Uint64
	cache statusCache
	// startSlot frees the start slot the current sync pass holds (nil when none).
	startSlot func()
	// volumesAt is when the pod's volume contents were last refreshed.
	volumesAt time.Time
	// lastPassEnd is when the previous Sync ended: a node-wide listing
	// that began later shows everything that pass did to the runtime.
	lastPassEnd time.Time
}

// NewWorker returns a worker for pod; cfg is shared by all workers.
func NewWorker(cfg *Config, pod *corev1.Pod) *Worker {
	cfg.complete()
	return &Worker{
		cfg:     cfg,
		probes:  prober.NewManager(cfg.Runtime, cfg.Clock),
		hooks:   &lifecycle.Runner{Exec: cfg.Runtime, Clock: cfg.Clock},
		uid:     pod.UID,
		pod:     pod.DeepCopy(),
		waiting: map[string]status.Waiting{},
		updates: make(chan struct{}, 1),
	}
}

// Update replaces the desired pod and wakes the worker.
func (w *Worker) Update(pod *corev1.Pod) {
	w.mu.Lock()
	w.pod = pod.DeepCopy()
	w.mu.Unlock()
	select {
	case w.updates <- struct{}{}:
	default:
	}
}

// Status returns the last status the worker computed.
func (w *Worker) Status() *corev1.PodStatus {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.last == nil {
		return nil
	}
	return w.last.DeepCopy()
}

// Terminated reports whether a deleted pod has been fully torn down.
func (w *Worker) Terminated() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.terminated
}

// Run syncs on every update and every resync period until ctx ends or the
// pod is torn down.
func (w *Worker) Run(ctx context.Context) {
	for {
		if _, err := w.Sync(ctx); err != nil {
			w.mu.Lock()
			pod := w.pod
			w.mu.Unlock()
			w.cfg.Recorder.Eventf(pod, EventWarning, "FailedSync", "error syncing pod: %v", err)
		}
		if w.Terminated() {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-w.updates:
		case <-w.cfg.Clock.After(w.cfg.ResyncPeriod):
		}
	}
}

// Sync makes one level-triggered pass: it observes the runtime, acts on the
// difference with the spec and publishes the pod status.
func (w *Worker) Sync(ctx context.Context) (corev1.PodStatus, error) {
	w.mu.Lock()
	pod := w.pod
	w.mu.Unlock()
	if w.Terminated() {
		return *w.Status(), nil
	}
	defer func() { w.lastPassEnd = w.cfg.Clock.Now() }()
	obs, err := w.observeShared(ctx)
	if err != nil {
		return corev1.PodStatus{}, err
	}
	if pod.DeletionTimestamp != nil {
		if k := w.takeKill(); k != nil {
			defer close(k.done)
		}
		return w.terminate(ctx, pod, obs)
	}
	if !w.terminal && w.deadlineExceeded(pod) {
		w.cfg.Recorder.Eventf(pod, EventWarning, "DeadlineExceeded", "Pod was active on the node longer than the specified deadline")
		w.stopAll(ctx, pod, obs, gracePeriod(pod))
		w.terminal = true
		w.failReason, w.failMessage = "DeadlineExceeded", "Pod was active on the node longer than the specified deadline"
		if obs, err = w.observe(ctx); err != nil {
			return corev1.PodStatus{}, err
		}
	}
	if k := w.takeKill(); k != nil {
		// KillPod returns once the failed status is published.
		defer close(k.done)
		if !w.terminal {
			w.stopAll(ctx, pod, obs, k.GracePeriod)
			w.terminal = true
			w.failReason, w.failMessage = k.Reason, k.Message
			if k.Condition.Type != "" {
				c := k.Condition
				c.LastTransitionTime = metav1.NewTime(w.cfg.Clock.Now())
				w.failCond = &c
			}
			obs, err = w.observe(ctx)
		}
		if err != nil {
			return corev1.PodStatus{}, err
		}
	}
	var syncErr error
	if !w.terminal {
		before := w.acted.Load()
		syncErr = w.syncRunning(ctx, pod, obs)
		w.collectGarbage(ctx, pod, obs)
		if w.acted.Load() != before {
			if obs, err = w.observe(ctx); err != nil {
				return corev1.PodStatus{}, err
			}
		}
	}
	st := w.compute(pod, obs)
	if !w.terminal && (st.Phase == corev1.PodSucceeded || st.Phase == corev1.PodFailed) {
		w.terminal = true
		phase := st.Phase
		w.stopAll(ctx, pod, obs, gracePeriod(pod))
		if obs2, err := w.observe(ctx); err == nil {
			obs = obs2
		}
		st = w.compute(pod, obs)
		st.Phase = phase
	}
	if w.failReason != "" {
		st.Phase, st.Reason, st.Message = corev1.PodFailed, w.failReason, w.failMessage
	}
	if w.failCond != nil {
		if i, _ := corev1.GetPodCondition(&st, w.failCond.Type); i >= 0 {
			st.Conditions[i] = *w.failCond
		} else {
			st.Conditions = append(st.Conditions, *w.failCond)
		}
	}
	w.publish(pod, st)
	return st, syncErr
}

func (w *Worker) publish(pod *corev1.Pod, st corev1.PodStatus) {
	w.mu.Lock()
	if w.terminal && w.last != nil && (w.last.Phase == corev1.PodSucceeded || w.last.Phase == corev1.PodFailed) {
		st.Phase = w.last.Phase
	}
	changed := w.last == nil || !reflect.DeepEqual(*w.last, st)
	cp := st
	w.last = &cp
	w.mu.Unlock()
	if changed {
		w.cfg.Sink.SetPodStatus(pod, st)
	}
}

// compute builds the pod status from the observation and worker state.
func (w *Worker) compute(pod *corev1.Pod, obs *observed) corev1.PodStatus {
	w.fillTerminationMessages(pod, obs)
	in := status.Input{
		RuntimeName:  w.cfg.RuntimeName,
		SandboxReady: obs.ready(),
		PodIPs:       obs.podIPs(),
		HostIPs:      w.cfg.HostIPs,
		Containers:   obs.containers,
		Waiting:      map[string]status.Waiting{},
		Ready:        map[string]bool{},
		Started:      map[string]bool{},
		Now:          w.cfg.Clock.Now(),
	}
	w.mu.Lock()
	for k, v := range w.waiting {
		in.Waiting[k] = v
	}
	prev := w.last
	w.mu.Unlock()
	corev1.VisitContainers(&pod.Spec, func(c *corev1.Container) bool {
		if l := obs.latest(c.Name); l != nil && l.State == runtimeapi.ContainerState_CONTAINER_RUNNING {
			in.Ready[l.ID] = w.probes.Ready(l.ID, c)
			if c.StartupProbe != nil {
				in.Started[l.ID] = w.probes.Started(l.ID, c)
			}
		}
		return true
	})
	base := pod
	if prev != nil {
		base = pod.DeepCopy()
		base.Status = *prev
		// keep conditions others own from the pod object.
		for _, c := range pod.Status.Conditions {
			if _, have := corev1.GetPodCondition(&base.Status, c.Type); have == nil {
				base.Status.Conditions = append(base.Status.Conditions, c)
			}
		}
	}
	return status.Compute(base, in)
}

func gracePeriod(pod *corev1.Pod) int64 {
	if pod.DeletionGracePeriodSeconds != nil {
		return *pod.DeletionGracePeriodSeconds
	}
	if pod.Spec.TerminationGracePeriodSeconds != nil {
		return *pod.Spec.TerminationGracePeriodSeconds
	}
	return corev1.DefaultTerminationGracePeriodSeconds
}

func (w *Worker) setWaiting(name, reason, msg string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if reason == "" {
		delete(w.waiting, name)
		return
	}
	w.waiting[name] = status.Waiting{Reason: reason, Message: msg}
}

func podDesc(pod *corev1.Pod) string {
	return fmt.Sprintf("%s_%s(%s)", pod.Name, pod.Namespace, pod.UID)
}

// deadlineExceeded reports whether the pod outlived spec.activeDeadlineSeconds.
func (w *Worker) deadlineExceeded(pod *corev1.Pod) bool {
	if pod.Spec.ActiveDeadlineSeconds == nil {
		return false
	}
	start := pod.Status.StartTime
	if start == nil {
		if last := w.Status(); last != nil {
			start = last.StartTime
		}
	}
	if start == nil {
		return false
	}
	return w.cfg.Clock.Now().Sub(start.Time) >= time.Duration(*pod.Spec.ActiveDeadlineSeconds)*time.Second
}

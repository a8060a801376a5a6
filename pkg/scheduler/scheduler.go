package scheduler

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	corev1 "keel.dev/api/core/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/keel/pkg/scheduler/apis/config"
	"keel.dev/keel/pkg/scheduler/cache"
	"keel.dev/keel/pkg/scheduler/framework"
	"keel.dev/keel/pkg/scheduler/framework/plugins"
	fwruntime "keel.dev/keel/pkg/scheduler/framework/runtime"
	"keel.dev/keel/pkg/scheduler/queue"
	"keel.dev/keel/pkg/scheduler/schedule"
)

// PodStatusUpdater writes scheduling feedback to a pod's status.
type PodStatusUpdater interface {
	// UpdatePodStatus sets cond on the pod and, when nominatedNodeName is
	// non-nil, status.nominatedNodeName ("" clears it).
	UpdatePodStatus(ctx context.Context, pod *corev1.Pod, cond *corev1.PodCondition, nominatedNodeName *string) error
}

// EventRecorder records Scheduled and FailedScheduling events.
type EventRecorder interface {
	Eventf(pod *corev1.Pod, eventType, reason, messageFmt string, args ...any)
}

// Metrics observes scheduling; every method must be cheap and concurrency-safe.
type Metrics interface {
	// ObserveAttempt records one cycle: result is "scheduled", "unschedulable" or "error".
	ObserveAttempt(profile, result string, d time.Duration)
	// ObservePodScheduled records the time from the pod's first attempt to its binding.
	ObservePodScheduled(profile string, e2e time.Duration)
}

// Clock is the time source of the queue, the cache and the loop.
type Clock interface{ Now() time.Time }

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

// Options are the scheduler's inputs.
type Options struct {
	// Config is the configuration; nil means defaults. It is defaulted in place.
	Config *config.KubeSchedulerConfiguration
	// OutOfTree adds plugins to the in-tree registry.
	OutOfTree framework.Registry
	Binder    framework.Binder
	Evictor   framework.Evictor
	PDBs      framework.PDBLister
	// Volumes and Claims serve VolumeBinding; nil when the scheduler
	// watches no claims (pods with claims then fail their cycle).
	Volumes framework.VolumeLister
	Claims  framework.ClaimWriter
	// Workloads gives PodTopologySpread the selectors of default spreading;
	// nil means pods get no default constraints.
	Workloads framework.WorkloadLister
	Status    PodStatusUpdater
	Recorder  EventRecorder
	Metrics   Metrics
	Clock     Clock
	// AssumedPodTTL defaults to cache.DefaultAssumedPodTTL; negative means never expire.
	AssumedPodTTL time.Duration
	// MaxInFlightBindings bounds the binding cycles running at once; the
	// loop waits for a free slot before starting another (0: the default,
	// DefaultMaxInFlightBindings). Pods parked by a Permit plugin take their
	// slot only once allowed, so gangs can still assemble.
	MaxInFlightBindings int
	Logger              *slog.Logger
}

// DefaultMaxInFlightBindings is the default bound on concurrent binding
// cycles. Scheduling faster than the apiserver accepts bindings gains
// nothing: the excess goroutines only hold stacks, requests and pod copies
// (at 5,000 pending pods they were most of the scheduler's memory), and
// past the apiserver's 250 HTTP/2 streams they open more connections.
const DefaultMaxInFlightBindings = 200

// Scheduler is the scheduling loop with its cache, queue and profiles.
type Scheduler struct {
	Cache    *cache.Cache
	Queue    *queue.PriorityQueue
	Profiles map[string]*fwruntime.Framework

	opts      Options
	snapshot  *framework.Snapshot
	algorithm *schedule.Algorithm
	bindWG    sync.WaitGroup
	bindSlots chan struct{}
	log       *slog.Logger
}

// New builds the profiles from the registry and config, and the queue and cache.
func New(ctx context.Context, opts Options) (*Scheduler, error) {
	if opts.Config == nil {
		opts.Config = &config.KubeSchedulerConfiguration{}
	}
	config.SetDefaults(opts.Config)
	if err := config.Validate(opts.Config); err != nil {
		return nil, fmt.Errorf("scheduler config: %w", err)
	}
	if opts.Clock == nil {
		opts.Clock = realClock{}
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	ttl := opts.AssumedPodTTL
	if ttl == 0 {
		ttl = cache.DefaultAssumedPodTTL
	}
	if opts.MaxInFlightBindings <= 0 {
		opts.MaxInFlightBindings = DefaultMaxInFlightBindings
	}
	registry := plugins.NewInTreeRegistry()
	if err := registry.Merge(opts.OutOfTree); err != nil {
		return nil, err
	}
	s := &Scheduler{
		Cache:     cache.New(ttl, opts.Clock),
		Profiles:  map[string]*fwruntime.Framework{},
		opts:      opts,
		bindSlots: make(chan struct{}, opts.MaxInFlightBindings),
		snapshot:  framework.NewEmptySnapshot(),
		algorithm: schedule.New(opts.Config.PercentageOfNodesToScore),
		log:       opts.Logger,
	}
	nominator := queue.NewNominator()
	fwOpts := fwruntime.Options{
		Snapshot:     s.snapshot,
		Parallelizer: framework.NewParallelizer(int(opts.Config.Parallelism)),
		Nominator:    nominator,
		API: framework.ClusterAPI{
			Binder: opts.Binder, Evictor: opts.Evictor, PDBs: opts.PDBs,
			Volumes: opts.Volumes, Claims: opts.Claims, Workloads: opts.Workloads,
		},
	}
	events := map[string][]framework.ClusterEvent{}
	var less func(a, b *framework.QueuedPodInfo) bool
	for i := range opts.Config.Profiles {
		p := &opts.Config.Profiles[i]
		fwk, err := fwruntime.New(ctx, registry, p, fwOpts)
		if err != nil {
			return nil, err
		}
		s.Profiles[p.SchedulerName] = fwk
		evs, err := fwk.EventsToRegister(ctx)
		if err != nil {
			return nil, err
		}
		for k, v := range evs {
			events[k] = append(events[k], v...)
		}
		if less == nil {
			less = fwk.QueueSortFunc()
		}
	}
	s.Queue = queue.New(queue.Options{
		Less:              less,
		PreEnqueue:        s.preEnqueue,
		Events:            events,
		Clock:             opts.Clock,
		PodInitialBackoff: time.Duration(opts.Config.PodInitialBackoffSeconds) * time.Second,
		PodMaxBackoff:     time.Duration(opts.Config.PodMaxBackoffSeconds) * time.Second,
	})
	s.Queue.Nominator = nominator
	return s, nil
}

func (s *Scheduler) preEnqueue(ctx context.Context, pod *corev1.Pod) *framework.Status {
	if fwk := s.profileFor(pod); fwk != nil {
		return fwk.RunPreEnqueuePlugins(ctx, pod)
	}
	return nil
}

func (s *Scheduler) profileFor(pod *corev1.Pod) *fwruntime.Framework {
	name := pod.Spec.SchedulerName
	if name == "" {
		name = config.DefaultSchedulerName
	}
	return s.Profiles[name]
}

// Responsible reports whether a profile of this scheduler handles pod.
func (s *Scheduler) Responsible(pod *corev1.Pod) bool { return s.profileFor(pod) != nil }

// Run schedules pods until ctx is done, then waits for in-flight bindings.
func (s *Scheduler) Run(ctx context.Context) {
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		s.Queue.Run(ctx)
	}()
	go func() {
		defer wg.Done()
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				s.Cache.CleanupAssumedPods()
			}
		}
	}()
	for ctx.Err() == nil {
		s.ScheduleOne(ctx)
	}
	wg.Wait()
	s.bindWG.Wait()
}

// WaitForBindings blocks until the asynchronous binding cycles started so far finish.
func (s *Scheduler) WaitForBindings() { s.bindWG.Wait() }

// ScheduleOne pops one pod and runs its scheduling cycle; binding continues
// asynchronously. It returns the pod attempted, nil when the queue yielded none.
func (s *Scheduler) ScheduleOne(ctx context.Context) *corev1.Pod {
	qp, err := s.Queue.Pop(ctx)
	if err != nil {
		return nil
	}
	pod := qp.Pod
	fwk := s.profileFor(pod)
	if fwk == nil || pod.DeletionTimestamp != nil {
		s.Queue.Done(pod)
		return pod
	}
	if _, err := s.Cache.GetPod(pod); err == nil {
		s.Queue.Done(pod)
		return pod
	}
	start := s.opts.Clock.Now()
	cycle := s.Queue.SchedulingCycle()
	if err := s.Cache.UpdateSnapshot(s.snapshot); err != nil {
		s.fail(ctx, fwk, qp, err, nil, cycle, start)
		return pod
	}
	state := framework.NewCycleState()
	result, err := s.algorithm.Schedule(ctx, fwk, state, pod, s.snapshot)
	if err != nil {
		var nominated *string
		var fitErr *framework.FitError
		if errors.As(err, &fitErr) && fwk.HasPostFilterPlugins() {
			res, st := fwk.RunPostFilterPlugins(ctx, state, pod, fitErr.Diagnosis.NodeToStatus)
			if st.Code() == framework.Error {
				s.log.Error("PostFilter failed", "pod", framework.PodKey(pod), "err", st.AsError())
			} else {
				fitErr.Diagnosis.PostFilterMsg = st.Message()
			}
			if res != nil {
				n := res.NominatedNodeName
				nominated = &n
			}
		}
		s.fail(ctx, fwk, qp, err, nominated, cycle, start)
		return pod
	}
	// A shallow copy: nothing in the scheduler writes to a pod, so the
	// assumed pod shares the informer's maps and slices (a deep copy per
	// pending pod was a large part of the heap while clearing a backlog).
	shallow := *pod
	assumed := &shallow
	assumed.Spec.NodeName = result.SuggestedHost
	if err := s.Cache.AssumePod(assumed); err != nil {
		s.fail(ctx, fwk, qp, err, nil, cycle, start)
		return pod
	}
	host := result.SuggestedHost
	undo := func() {
		fwk.RunReservePluginsUnreserve(ctx, state, assumed, host)
		if err := s.Cache.ForgetPod(assumed); err != nil {
			s.log.Error("forget assumed pod", "pod", framework.PodKey(pod), "err", err)
		}
	}
	if st := fwk.RunReservePluginsReserve(ctx, state, assumed, host); !st.IsSuccess() {
		undo()
		s.fail(ctx, fwk, qp, statusError(st, qp), nil, cycle, start)
		return pod
	}
	permit := fwk.RunPermitPlugins(ctx, state, assumed, host)
	if !permit.IsSuccess() && !permit.IsWait() {
		undo()
		s.fail(ctx, fwk, qp, statusError(permit, qp), nil, cycle, start)
		return pod
	}
	// A pod allowed right away takes its binding slot here, holding the
	// loop back while every slot is busy; a waiting pod takes it once allowed.
	holdsSlot := !permit.IsWait()
	if holdsSlot && !s.acquireBindSlot(ctx) {
		// Only when the scheduler stops: the pod stays pending for the next leader.
		undo()
		s.Queue.Done(pod)
		return pod
	}
	s.Queue.DeleteNominatedPodIfExists(pod)
	s.bindWG.Add(1)
	go func() {
		defer s.bindWG.Done()
		s.bindingCycle(ctx, fwk, state, qp, assumed, host, cycle, start, undo, holdsSlot)
	}()
	return pod
}

// acquireBindSlot waits for a free binding slot; false when ctx ended first.
func (s *Scheduler) acquireBindSlot(ctx context.Context) bool {
	select {
	case s.bindSlots <- struct{}{}:
		return true
	case <-ctx.Done():
		return false
	}
}

func (s *Scheduler) releaseBindSlot() { <-s.bindSlots }

func (s *Scheduler) bindingCycle(ctx context.Context, fwk *fwruntime.Framework, state *framework.CycleState, qp *framework.QueuedPodInfo, assumed *corev1.Pod, host string, cycle int64, start time.Time, undo func(), holdsSlot bool) {
	defer func() {
		if holdsSlot {
			s.releaseBindSlot()
		}
	}()
	failBinding := func(st *framework.Status) {
		undo()
		s.Queue.MoveAllToActiveOrBackoffQueue(framework.EventAssignedPodDelete, nil)
		s.fail(ctx, fwk, qp, statusError(st, qp), nil, cycle, start)
	}
	if st := fwk.WaitOnPermit(ctx, assumed); !st.IsSuccess() {
		failBinding(st)
		return
	}
	if !holdsSlot {
		if holdsSlot = s.acquireBindSlot(ctx); !holdsSlot {
			failBinding(framework.AsStatus(ctx.Err()))
			return
		}
	}
	if st := fwk.RunPreBindPlugins(ctx, state, assumed, host); !st.IsSuccess() {
		failBinding(st)
		return
	}
	if st := fwk.RunBindPlugins(ctx, state, assumed, host); !st.IsSuccess() {
		failBinding(st)
		return
	}
	if err := s.Cache.FinishBinding(assumed); err != nil {
		s.log.Error("finish binding", "pod", framework.PodKey(assumed), "err", err)
	}
	s.Queue.Done(assumed)
	fwk.RunPostBindPlugins(ctx, state, assumed, host)
	if m := s.opts.Metrics; m != nil {
		m.ObserveAttempt(fwk.ProfileName(), "scheduled", s.opts.Clock.Now().Sub(start))
		m.ObservePodScheduled(fwk.ProfileName(), s.opts.Clock.Now().Sub(qp.InitialAttemptTimestamp))
	}
	if r := s.opts.Recorder; r != nil {
		r.Eventf(assumed, corev1.EventTypeNormal, "Scheduled", "Successfully assigned %v/%v to %v", assumed.Namespace, assumed.Name, host)
	}
}

// statusError turns a rejecting status into an error, recording the plugin
// as the pod's unschedulable plugin so matching events requeue it.
func statusError(st *framework.Status, qp *framework.QueuedPodInfo) error {
	if st.IsRejected() {
		if p := st.Plugin(); p != "" {
			qp.UnschedulablePlugins = map[string]struct{}{p: {}}
		}
		return &rejectedError{st}
	}
	return st.AsError()
}

type rejectedError struct{ st *framework.Status }

func (e *rejectedError) Error() string { return e.st.Message() }

// fail requeues the pod and reports the failure on its status and events.
func (s *Scheduler) fail(ctx context.Context, fwk *fwruntime.Framework, qp *framework.QueuedPodInfo, err error, nominated *string, cycle int64, start time.Time) {
	pod := qp.Pod
	reason := corev1.PodReasonSchedulerError
	result := "error"
	var fitErr *framework.FitError
	var rej *rejectedError
	switch {
	case errors.As(err, &fitErr):
		reason, result = corev1.PodReasonUnschedulable, "unschedulable"
		qp.UnschedulablePlugins = fitErr.Diagnosis.UnschedulablePlugins
	case errors.As(err, &rej):
		reason, result = corev1.PodReasonUnschedulable, "unschedulable"
	default:
		qp.UnschedulablePlugins = nil
	}
	if m := s.opts.Metrics; m != nil {
		m.ObserveAttempt(fwk.ProfileName(), result, s.opts.Clock.Now().Sub(start))
	}
	if qerr := s.Queue.AddUnschedulableIfNotPresent(qp, cycle); qerr != nil {
		s.log.Error("requeue pod", "pod", framework.PodKey(pod), "err", qerr)
	}
	if nominated != nil && *nominated != "" {
		s.Queue.AddNominatedPod(qp.PodInfo, *nominated)
	}
	msg := err.Error()
	if r := s.opts.Recorder; r != nil {
		r.Eventf(pod, corev1.EventTypeWarning, "FailedScheduling", "%v", msg)
	}
	if u := s.opts.Status; u != nil {
		cond := &corev1.PodCondition{
			Type:               corev1.PodScheduled,
			Status:             corev1.ConditionFalse,
			Reason:             reason,
			Message:            msg,
			LastTransitionTime: metav1.Time{Time: s.opts.Clock.Now()},
		}
		if uerr := u.UpdatePodStatus(ctx, pod, cond, nominated); uerr != nil {
			s.log.Error("update pod status", "pod", framework.PodKey(pod), "err", uerr)
		}
	}
}

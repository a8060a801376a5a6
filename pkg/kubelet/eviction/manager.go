package eviction

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"time"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/apimachinery/pkg/types"
	"keel.dev/keel/pkg/kubelet/clock"
)

// Reason is the status reason of evicted and rejected pods.
const Reason = "Evicted"

// Wire texts Kubernetes uses for eviction messages and events.
const (
	nodeLowMessageFmt       = "The node was low on resource: %v. "
	nodeConditionMessageFmt = "The node had condition: %v. "
	thresholdMetMessageFmt  = "Threshold quantity: %v, available: %v. "
	containerMessageFmt     = "Container %s was using %s, request is %s, has larger consumption of %v. "
	// hardEvictionGraceSeconds is how long pods evicted for a hard
	// threshold get to stop.
	hardEvictionGraceSeconds = 1
)

// Annotations that mark static and mirror pods, which are critical.
const (
	annotationConfigSource = "kubernetes.io/config.source"
	annotationConfigMirror = "kubernetes.io/config.mirror"
	// systemCriticalPriority is the lowest priority of critical pods.
	systemCriticalPriority = 2000000000
)

// PodKiller stops a pod for the manager.
type PodKiller interface {
	// KillPod stops the pod's containers within gracePeriod seconds and
	// fails it with reason and message, adding cond to its status. It
	// returns once the containers are stopped, or with ctx's error.
	KillPod(ctx context.Context, pod *corev1.Pod, gracePeriod int64, reason, message string, cond corev1.PodCondition) error
}

// Recorder records events about pods and the node.
type Recorder interface {
	PodEvent(pod *corev1.Pod, eventType, reason, message string)
	NodeEvent(eventType, reason, message string)
}

// dedicatedImageFs is implemented by signal sources that know whether the
// image filesystem is separate from the node filesystem.
type dedicatedImageFs interface {
	DedicatedImageFs() bool
}

// Config configures a Manager.
type Config struct {
	Thresholds []Threshold
	// PressureTransitionPeriod is how long a pressure condition stays
	// true after its threshold was last met (5 min).
	PressureTransitionPeriod time.Duration
	// MaxPodGracePeriodSeconds caps the grace period of soft evictions.
	MaxPodGracePeriodSeconds int64
	// MonitoringInterval is the time between passes (10 s).
	MonitoringInterval time.Duration
	// CleanupTimeout bounds the wait for an evicted pod to stop (30 s).
	CleanupTimeout time.Duration

	Signals  SignalSource
	PodStats PodStatsSource
	// LocalStorage measures pods for their local ephemeral storage limits
	// (emptyDir sizeLimit, container and pod ephemeral-storage limits),
	// which are enforced every interval without node pressure; nil
	// enforces none, as localStorageCapacityIsolation=false does.
	LocalStorage LocalStorageSource
	// DisableLocalStorageLimits tells the kubelet not to fill in
	// LocalStorage (localStorageCapacityIsolation=false).
	DisableLocalStorageLimits bool
	// ActivePods lists the pods running on the node that may be evicted.
	ActivePods func() []*corev1.Pod
	Killer     PodKiller
	// Images frees disk by removing unused images before pods are
	// evicted for disk pressure; nil skips that step.
	Images   ImageReclaimer
	Recorder Recorder
	Clock    clock.Clock
	Logger   *slog.Logger
}

// Manager evicts pods when the node runs low on a resource or when they
// exceed their local ephemeral storage limits, and reports the pressure
// conditions. Admit and Pressure are safe for concurrent use;
// Synchronize and Run are called from one goroutine.
type Manager struct {
	cfg Config

	mu sync.RWMutex
	// conditions are the pressure conditions currently reported.
	conditions []corev1.NodeConditionType
	// firstMet records when each threshold (by index) started being met.
	firstMet map[int]time.Time
	// condLastSeen records when each condition's threshold was last met.
	condLastSeen map[corev1.NodeConditionType]time.Time
	// active are the thresholds past their grace period and not yet resolved.
	active []int
}

// New returns a manager, filling in defaults.
func New(cfg Config) *Manager {
	if cfg.PressureTransitionPeriod == 0 {
		cfg.PressureTransitionPeriod = DefaultPressureTransitionPeriod
	}
	if cfg.MonitoringInterval == 0 {
		cfg.MonitoringInterval = DefaultMonitoringInterval
	}
	if cfg.CleanupTimeout == 0 {
		cfg.CleanupTimeout = 30 * time.Second
	}
	if cfg.Clock == nil {
		cfg.Clock = clock.Real{}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Recorder == nil {
		cfg.Recorder = nopRecorder{}
	}
	return &Manager{cfg: cfg, firstMet: map[int]time.Time{}, condLastSeen: map[corev1.NodeConditionType]time.Time{}}
}

type nopRecorder struct{}

func (nopRecorder) PodEvent(*corev1.Pod, string, string, string) {}
func (nopRecorder) NodeEvent(string, string, string)             {}

// Pressure reports whether the node currently has condition t (one of
// MemoryPressure, DiskPressure, PIDPressure).
func (m *Manager) Pressure(t corev1.NodeConditionType) bool {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return hasCondition(m.conditions, t)
}

// Conditions returns the pressure conditions currently reported.
func (m *Manager) Conditions() []corev1.NodeConditionType {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return append([]corev1.NodeConditionType(nil), m.conditions...)
}

func hasCondition(list []corev1.NodeConditionType, t corev1.NodeConditionType) bool {
	for _, c := range list {
		if c == t {
			return true
		}
	}
	return false
}

// IsCritical reports whether pod is never evicted nor rejected: static
// and mirror pods and pods of system-critical priority.
func IsCritical(pod *corev1.Pod) bool {
	if src, ok := pod.Annotations[annotationConfigSource]; ok && src != "api" {
		return true
	}
	if _, ok := pod.Annotations[annotationConfigMirror]; ok {
		return true
	}
	return pod.Spec.Priority != nil && *pod.Spec.Priority >= systemCriticalPriority
}

// Admit decides whether a new pod may start under the current pressure:
// under memory pressure alone, pods other than BestEffort are admitted,
// and BestEffort ones only when they tolerate the memory-pressure taint;
// under disk or PID pressure no pod is. Critical pods are always admitted.
// A rejected pod fails with reason Evicted; the returned message is the
// event's, the pod status message prefixes it with "Pod was rejected: ".
func (m *Manager) Admit(pod *corev1.Pod) (ok bool, reason, message string) {
	conds := m.Conditions()
	if len(conds) == 0 || IsCritical(pod) {
		return true, "", ""
	}
	if len(conds) == 1 && conds[0] == corev1.NodeMemoryPressure {
		if corev1.ComputePodQOS(pod) != corev1.PodQOSBestEffort {
			return true, "", ""
		}
		if toleratesNoSchedule(pod.Spec.Tolerations, "node.kubernetes.io/memory-pressure") {
			return true, "", ""
		}
	}
	return false, Reason, fmt.Sprintf(nodeConditionMessageFmt, conds)
}

// toleratesNoSchedule reports whether tolerations tolerate the NoSchedule
// taint key (with an empty value).
func toleratesNoSchedule(tols []corev1.Toleration, key string) bool {
	for _, t := range tols {
		if t.Effect != "" && t.Effect != corev1.TaintEffectNoSchedule {
			continue
		}
		if t.Key != "" && t.Key != key {
			continue
		}
		switch t.Operator {
		case corev1.TolerationOpExists:
			return true
		case corev1.TolerationOpEqual, "":
			if t.Key != "" && t.Value == "" {
				return true
			}
		}
	}
	return false
}

// Run synchronizes every monitoring interval until ctx ends; after an
// eviction it synchronizes again at once.
func (m *Manager) Run(ctx context.Context) {
	for {
		evicted, err := m.Synchronize(ctx)
		if err != nil && ctx.Err() == nil {
			m.cfg.Logger.Warn("eviction manager: synchronize failed", "err", err)
		}
		if evicted != nil && err == nil {
			continue
		}
		select {
		case <-ctx.Done():
			return
		case <-m.cfg.Clock.After(m.cfg.MonitoringInterval):
		}
	}
}

// Synchronize makes one pass: it observes the signals, updates the
// pressure conditions, evicts a pod over its local storage limits if any
// is, else evicts at most one pod for a threshold met; it returns the
// evicted pod.
func (m *Manager) Synchronize(ctx context.Context) (*corev1.Pod, error) {
	active, obs, err := m.observePressure(ctx)
	if p := m.enforceStorageLimits(ctx); p != nil {
		return p, nil
	}
	if err != nil || len(active) == 0 {
		return nil, err
	}
	return m.evictOne(ctx, active, obs)
}

// observePressure observes the signals and updates the pressure
// conditions; it returns the thresholds past their grace period.
func (m *Manager) observePressure(ctx context.Context) ([]int, Observations, error) {
	if len(m.cfg.Thresholds) == 0 {
		return nil, nil, nil
	}
	obs, err := m.cfg.Signals.Observe(ctx)
	if err != nil {
		return nil, nil, err
	}
	now := m.cfg.Clock.Now()
	m.mu.Lock()
	met := m.thresholdsMet(obs, false)
	// thresholds that drove evictions stay until their minimum reclaim is met.
	for _, i := range m.thresholdsMetWithReclaim(obs, m.active) {
		if !containsInt(met, i) {
			met = append(met, i)
		}
	}
	firstMet := map[int]time.Time{}
	for _, i := range met {
		if at, ok := m.firstMet[i]; ok {
			firstMet[i] = at
		} else {
			firstMet[i] = now
		}
	}
	for _, i := range met {
		if c := m.cfg.Thresholds[i].Signal.Condition(); c != "" {
			m.condLastSeen[c] = now
		}
	}
	var conds []corev1.NodeConditionType
	for c, at := range m.condLastSeen {
		if now.Sub(at) < m.cfg.PressureTransitionPeriod {
			conds = append(conds, c)
		} else {
			delete(m.condLastSeen, c)
		}
	}
	sort.Slice(conds, func(i, j int) bool { return conds[i] < conds[j] })
	var active []int
	for i, at := range firstMet {
		if now.Sub(at) >= m.cfg.Thresholds[i].GracePeriod {
			active = append(active, i)
		}
	}
	sort.Ints(active)
	changed := fmt.Sprint(conds) != fmt.Sprint(m.conditions)
	m.conditions, m.firstMet, m.active = conds, firstMet, active
	m.mu.Unlock()
	if changed {
		m.cfg.Logger.Info("eviction manager: node pressure conditions", "conditions", conds)
	}
	return active, obs, nil
}

// thresholdsMet returns the indices of the thresholds whose signal is
// below the threshold (plus its minimum reclaim when withReclaim).
func (m *Manager) thresholdsMet(obs Observations, withReclaim bool) []int {
	all := make([]int, len(m.cfg.Thresholds))
	for i := range all {
		all[i] = i
	}
	if withReclaim {
		return m.thresholdsMetWithReclaim(obs, all)
	}
	var out []int
	for _, i := range all {
		if m.isMet(i, obs, false) {
			out = append(out, i)
		}
	}
	return out
}

func (m *Manager) thresholdsMetWithReclaim(obs Observations, idx []int) []int {
	var out []int
	for _, i := range idx {
		if m.isMet(i, obs, true) {
			out = append(out, i)
		}
	}
	return out
}

func (m *Manager) isMet(i int, obs Observations, withReclaim bool) bool {
	t := m.cfg.Thresholds[i]
	o, ok := obs[t.Signal]
	if !ok {
		return false
	}
	q := t.Value.Of(t.Signal, o.Capacity)
	if withReclaim && t.MinReclaim != nil {
		q.Add(*t.MinReclaim.Of(t.Signal, o.Capacity))
	}
	return q.CmpInt64(o.Available) > 0
}

func containsInt(list []int, v int) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// evictOne picks the threshold to reclaim (memory first) and fails the
// first evictable pod of the ranking.
func (m *Manager) evictOne(ctx context.Context, active []int, obs Observations) (*corev1.Pod, error) {
	pick := active[0]
	for _, i := range active {
		if m.cfg.Thresholds[i].Signal == SignalMemoryAvailable {
			pick = i
			break
		}
	}
	t := m.cfg.Thresholds[pick]
	res := t.Signal.Resource()
	m.cfg.Recorder.NodeEvent(corev1.EventTypeWarning, "EvictionThresholdMet", fmt.Sprintf("Attempting to reclaim %s", res))
	if m.reclaimNodeLevel(ctx, t.Signal) {
		return nil, nil
	}
	pods := m.cfg.ActivePods()
	if len(pods) == 0 {
		m.cfg.Logger.Warn("eviction manager: thresholds met but no pods are active to evict", "threshold", t.String())
		return nil, nil
	}
	pods = append([]*corev1.Pod(nil), pods...)
	stats := map[types.UID]PodUsage{}
	if m.cfg.PodStats != nil {
		withDisk := res == corev1.ResourceEphemeralStorage || res == ResourceInodes
		s, err := m.cfg.PodStats.PodStats(ctx, pods, withDisk)
		if err != nil {
			m.cfg.Logger.Warn("eviction manager: no pod stats, ranking by priority only", "err", err)
		} else {
			stats = s
		}
	}
	dedicated := false
	if d, ok := m.cfg.Signals.(dedicatedImageFs); ok {
		dedicated = d.DedicatedImageFs()
	}
	rankPods(pods, t.Signal, usageFor(t.Signal, stats, dedicated))
	for _, pod := range pods {
		if IsCritical(pod) {
			m.cfg.Logger.Warn("eviction manager: cannot evict a critical pod", "pod", pod.Namespace+"/"+pod.Name)
			continue
		}
		grace := int64(hardEvictionGraceSeconds)
		if !t.Hard() {
			grace = m.cfg.MaxPodGracePeriodSeconds
			if own := podGrace(pod); own < grace {
				grace = own
			}
		}
		msg := evictionMessage(res, pod, stats, m.cfg.Thresholds, active, obs)
		m.cfg.Recorder.PodEvent(pod, corev1.EventTypeWarning, Reason, msg)
		m.cfg.Logger.Info("eviction manager: evicting pod", "pod", pod.Namespace+"/"+pod.Name, "resource", res, "grace", grace)
		cond := corev1.PodCondition{Type: corev1.DisruptionTarget, Status: corev1.ConditionTrue,
			Reason: corev1.PodReasonTerminationByKubelet, Message: msg}
		kctx, cancel := context.WithTimeout(ctx, m.cfg.CleanupTimeout+time.Duration(grace)*time.Second)
		err := m.cfg.Killer.KillPod(kctx, pod, grace, Reason, msg, cond)
		cancel()
		if err != nil {
			m.cfg.Logger.Warn("eviction manager: pod did not stop in time", "pod", pod.Namespace+"/"+pod.Name, "err", err)
		}
		return pod, nil
	}
	m.cfg.Logger.Warn("eviction manager: unable to evict any pod from the node")
	return nil, nil
}

func podGrace(pod *corev1.Pod) int64 {
	if pod.Spec.TerminationGracePeriodSeconds != nil {
		return *pod.Spec.TerminationGracePeriodSeconds
	}
	return corev1.DefaultTerminationGracePeriodSeconds
}

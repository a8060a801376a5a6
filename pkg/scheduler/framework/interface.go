package framework

import (
	"context"
	"time"

	corev1 "keel.dev/api/core/v1"
	policyv1 "keel.dev/api/policy/v1"
)

// Score bounds every Score plugin normalizes into.
const (
	MaxNodeScore int64 = 100
	MinNodeScore int64 = 0
)

// Plugin is the base every plugin implements.
type Plugin interface {
	// Name returns the name the plugin is registered and configured under.
	Name() string
}

// PreEnqueuePlugin gates a pod before it enters the active queue. Called by
// the queue on add and update, under the queue lock: it must be fast and pure.
type PreEnqueuePlugin interface {
	Plugin
	PreEnqueue(ctx context.Context, pod *corev1.Pod) *Status
}

// QueueSortPlugin orders the active queue. Exactly one is enabled per scheduler.
type QueueSortPlugin interface {
	Plugin
	// Less reports whether a pops before b.
	Less(a, b *QueuedPodInfo) bool
}

// EnqueueExtensions lets a plugin that rejects pods declare which cluster
// events may make them schedulable again. Called once at startup.
type EnqueueExtensions interface {
	Plugin
	EventsToRegister(ctx context.Context) ([]ClusterEvent, error)
}

// PreFilterResult narrows the nodes to evaluate; nil NodeNames means all nodes.
type PreFilterResult struct {
	NodeNames map[string]struct{}
}

// AllNodes reports whether the result does not narrow the nodes.
func (r *PreFilterResult) AllNodes() bool { return r == nil || r.NodeNames == nil }

// Merge intersects two results.
func (r *PreFilterResult) Merge(o *PreFilterResult) *PreFilterResult {
	if r.AllNodes() {
		return o
	}
	if o.AllNodes() {
		return r
	}
	out := &PreFilterResult{NodeNames: map[string]struct{}{}}
	for n := range r.NodeNames {
		if _, ok := o.NodeNames[n]; ok {
			out.NodeNames[n] = struct{}{}
		}
	}
	return out
}

// PreFilterPlugin runs once per cycle before filtering, to precompute per-pod
// data into CycleState or reject the pod outright. Called sequentially.
type PreFilterPlugin interface {
	Plugin
	PreFilter(ctx context.Context, state *CycleState, pod *corev1.Pod, nodes []*NodeInfo) (*PreFilterResult, *Status)
	// PreFilterExtensions returns the incremental updater, or nil.
	PreFilterExtensions() PreFilterExtensions
}

// PreFilterExtensions updates a plugin's PreFilter state when preemption and
// nominated-pod evaluation add or remove pods on a node.
type PreFilterExtensions interface {
	AddPod(ctx context.Context, state *CycleState, podToSchedule *corev1.Pod, podInfoToAdd *PodInfo, nodeInfo *NodeInfo) *Status
	RemovePod(ctx context.Context, state *CycleState, podToSchedule *corev1.Pod, podInfoToRemove *PodInfo, nodeInfo *NodeInfo) *Status
}

// FilterPlugin decides whether the pod fits one node. Called concurrently
// for different nodes; must not write CycleState or the NodeInfo.
type FilterPlugin interface {
	Plugin
	Filter(ctx context.Context, state *CycleState, pod *corev1.Pod, nodeInfo *NodeInfo) *Status
}

// NodeToStatusReader gives PostFilter plugins the filter verdict per node.
type NodeToStatusReader interface {
	// Get returns the status of a node; nodes absent were not evaluated.
	Get(name string) *Status
	// Len returns the number of rejected nodes recorded.
	Len() int
}

// PostFilterResult is what PostFilter decided, e.g. a nominated node.
type PostFilterResult struct {
	NominatedNodeName string
}

// PostFilterPlugin runs when no node fits, typically to preempt. Called sequentially.
type PostFilterPlugin interface {
	Plugin
	PostFilter(ctx context.Context, state *CycleState, pod *corev1.Pod, statuses NodeToStatusReader) (*PostFilterResult, *Status)
}

// PreScorePlugin runs once before scoring with the feasible nodes.
type PreScorePlugin interface {
	Plugin
	PreScore(ctx context.Context, state *CycleState, pod *corev1.Pod, nodes []*NodeInfo) *Status
}

// NodeScore is one node's score.
type NodeScore struct {
	Name  string
	Score int64
}

// NodeScoreList is the scores of one plugin over the feasible nodes.
type NodeScoreList []NodeScore

// ScorePlugin ranks feasible nodes. Score is called concurrently per node.
type ScorePlugin interface {
	Plugin
	Score(ctx context.Context, state *CycleState, pod *corev1.Pod, nodeInfo *NodeInfo) (int64, *Status)
	// ScoreExtensions returns the normalizer, or nil.
	ScoreExtensions() ScoreExtensions
}

// ScoreExtensions normalizes a plugin's scores into [MinNodeScore, MaxNodeScore].
type ScoreExtensions interface {
	NormalizeScore(ctx context.Context, state *CycleState, pod *corev1.Pod, scores NodeScoreList) *Status
}

// ReservePlugin updates plugin state when a pod is assumed on a node, and
// undoes it (Unreserve, which must be idempotent) when the cycle later fails.
type ReservePlugin interface {
	Plugin
	Reserve(ctx context.Context, state *CycleState, pod *corev1.Pod, nodeName string) *Status
	Unreserve(ctx context.Context, state *CycleState, pod *corev1.Pod, nodeName string)
}

// PermitPlugin approves, rejects or holds (Wait with a timeout) a reserved pod before binding.
type PermitPlugin interface {
	Plugin
	Permit(ctx context.Context, state *CycleState, pod *corev1.Pod, nodeName string) (*Status, time.Duration)
}

// PreBindPlugin runs before binding, e.g. to provision volumes.
type PreBindPlugin interface {
	Plugin
	PreBind(ctx context.Context, state *CycleState, pod *corev1.Pod, nodeName string) *Status
}

// BindPlugin binds the pod; returning Skip passes to the next bind plugin.
type BindPlugin interface {
	Plugin
	Bind(ctx context.Context, state *CycleState, pod *corev1.Pod, nodeName string) *Status
}

// PostBindPlugin is informed after a successful bind.
type PostBindPlugin interface {
	Plugin
	PostBind(ctx context.Context, state *CycleState, pod *corev1.Pod, nodeName string)
}

// Binder posts a pods/binding for pod to nodeName.
type Binder interface {
	Bind(ctx context.Context, pod *corev1.Pod, nodeName string) error
}

// BinderFunc adapts a function to Binder.
type BinderFunc func(ctx context.Context, pod *corev1.Pod, nodeName string) error

// Bind calls f.
func (f BinderFunc) Bind(ctx context.Context, pod *corev1.Pod, nodeName string) error {
	return f(ctx, pod, nodeName)
}

// Evictor removes a preemption victim on behalf of preemptor.
type Evictor interface {
	Evict(ctx context.Context, victim, preemptor *corev1.Pod) error
}

// EvictorFunc adapts a function to Evictor.
type EvictorFunc func(ctx context.Context, victim, preemptor *corev1.Pod) error

// Evict calls f.
func (f EvictorFunc) Evict(ctx context.Context, victim, preemptor *corev1.Pod) error {
	return f(ctx, victim, preemptor)
}

// PDBLister lists the PodDisruptionBudgets preemption must respect.
type PDBLister interface {
	List() ([]*policyv1.PodDisruptionBudget, error)
}

// PDBListerFunc adapts a function to PDBLister.
type PDBListerFunc func() ([]*policyv1.PodDisruptionBudget, error)

// List calls f.
func (f PDBListerFunc) List() ([]*policyv1.PodDisruptionBudget, error) { return f() }

// ClusterAPI bundles the side-effecting dependencies plugins get injected.
type ClusterAPI struct {
	Binder  Binder
	Evictor Evictor
	PDBs    PDBLister
	// Volumes reads claims, volumes and classes (VolumeBinding); nil when
	// the scheduler watches none.
	Volumes VolumeLister
	// Claims writes claim annotations (VolumeBinding's PreBind).
	Claims ClaimWriter
	// Workloads lists the Services and controllers whose selectors give
	// pods default topology spreading; nil means none.
	Workloads WorkloadLister
}

// PodNominator tracks pods nominated to nodes by preemption.
type PodNominator interface {
	// NominatedPodsForNode returns the pods nominated to a node.
	NominatedPodsForNode(nodeName string) []*PodInfo
}

// PluginsRunner lets plugins (preemption) run other plugins of the profile.
type PluginsRunner interface {
	RunFilterPluginsWithNominatedPods(ctx context.Context, state *CycleState, pod *corev1.Pod, info *NodeInfo) *Status
	RunPreFilterExtensionAddPod(ctx context.Context, state *CycleState, podToSchedule *corev1.Pod, podInfoToAdd *PodInfo, nodeInfo *NodeInfo) *Status
	RunPreFilterExtensionRemovePod(ctx context.Context, state *CycleState, podToSchedule *corev1.Pod, podInfoToRemove *PodInfo, nodeInfo *NodeInfo) *Status
}

// Handle is what plugin factories receive from the framework.
type Handle interface {
	PluginsRunner
	// SnapshotSharedLister returns the snapshot of the current cycle.
	SnapshotSharedLister() SharedLister
	// Parallelizer runs work over nodes in parallel.
	Parallelizer() Parallelizer
	// PodNominator returns the nominated-pods tracker.
	PodNominator() PodNominator
	// ClusterAPI returns the injected side-effecting dependencies.
	ClusterAPI() ClusterAPI
	// WaitingPods returns the pods held at Permit.
	WaitingPods() WaitingPods
}

// WaitingPod is a pod held by a Permit plugin's Wait.
type WaitingPod interface {
	// GetPod returns the waiting pod.
	GetPod() *corev1.Pod
	// Allow records plugin's approval; the pod proceeds once every waiting plugin allowed.
	Allow(pluginName string)
	// Reject fails the pod's permit with msg.
	Reject(pluginName, msg string)
}

// WaitingPods looks up pods held at Permit.
type WaitingPods interface {
	// GetWaitingPod returns the waiting pod with uid, or nil.
	GetWaitingPod(uid string) WaitingPod
	// IterateOverWaitingPods calls fn for every waiting pod.
	IterateOverWaitingPods(fn func(WaitingPod))
}

package framework

// EventResource is the kind of object a cluster event is about.
type EventResource string

// Event resources the queue reacts to.
const (
	Pod                   EventResource = "Pod"
	AssignedPod           EventResource = "AssignedPod"
	UnscheduledPod        EventResource = "UnscheduledPod"
	Node                  EventResource = "Node"
	PersistentVolumeClaim EventResource = "PersistentVolumeClaim"
	PersistentVolume      EventResource = "PersistentVolume"
	StorageClass          EventResource = "storage.k8s.io/StorageClass"
	WildCard              EventResource = "*"
)

// ActionType is a bit set of what changed.
type ActionType int64

// Actions; the Update* bits narrow an update to the fields that changed.
const (
	Add ActionType = 1 << iota
	Delete
	UpdateNodeAllocatable
	UpdateNodeLabel
	UpdateNodeTaint
	UpdateNodeCondition
	UpdateNodeAnnotation
	UpdatePodLabel
	UpdatePodScaleDown
	UpdatePodTolerations
	UpdatePodSchedulingGatesEliminated

	// Update is any update.
	Update = UpdateNodeAllocatable | UpdateNodeLabel | UpdateNodeTaint | UpdateNodeCondition |
		UpdateNodeAnnotation | UpdatePodLabel | UpdatePodScaleDown | UpdatePodTolerations |
		UpdatePodSchedulingGatesEliminated
	// All is every action.
	All ActionType = 1<<iota - 1
)

// ClusterEvent is a change in the cluster that may make pods schedulable.
type ClusterEvent struct {
	Resource   EventResource
	ActionType ActionType
	// Label names the event in logs and metrics.
	Label string
}

// Match reports whether the registered event r covers the observed event ev.
func (r ClusterEvent) Match(ev ClusterEvent) bool {
	if r.Resource == WildCard {
		return r.ActionType&ev.ActionType != 0
	}
	res := r.Resource == ev.Resource ||
		(r.Resource == Pod && (ev.Resource == AssignedPod || ev.Resource == UnscheduledPod))
	return res && r.ActionType&ev.ActionType != 0
}

// IsWildCard reports whether the event matches everything.
func (r ClusterEvent) IsWildCard() bool { return r.Resource == WildCard && r.ActionType == All }

// Well-known events the scheduler emits.
var (
	EventAssignedPodAdd       = ClusterEvent{Resource: AssignedPod, ActionType: Add, Label: "AssignedPodAdd"}
	EventAssignedPodUpdate    = ClusterEvent{Resource: AssignedPod, ActionType: Update, Label: "AssignedPodUpdate"}
	EventAssignedPodDelete    = ClusterEvent{Resource: AssignedPod, ActionType: Delete, Label: "AssignedPodDelete"}
	EventNodeAdd              = ClusterEvent{Resource: Node, ActionType: Add, Label: "NodeAdd"}
	EventUnschedulableTimeout = ClusterEvent{Resource: WildCard, ActionType: All, Label: "UnschedulableTimeout"}
	EventForceActivate        = ClusterEvent{Resource: WildCard, ActionType: All, Label: "ForceActivate"}
)

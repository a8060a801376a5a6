package config

import (
	"encoding/json"

	corev1 "keel.dev/api/core/v1"
)

// KubeSchedulerConfiguration is the scheduler's configuration file.
type KubeSchedulerConfiguration struct {
	APIVersion string `json:"apiVersion,omitempty"`
	Kind       string `json:"kind,omitempty"`
	// Parallelism is the number of workers filtering and scoring; 0 means GOMAXPROCS.
	Parallelism int32 `json:"parallelism,omitempty"`
	// PercentageOfNodesToScore bounds how many feasible nodes a cycle looks for;
	// 0 or unset means adaptive (50% minus 1% per 125 nodes, at least 5%).
	PercentageOfNodesToScore *int32 `json:"percentageOfNodesToScore,omitempty"`
	// PodInitialBackoffSeconds is the first backoff of an unschedulable pod (default 1).
	PodInitialBackoffSeconds int64 `json:"podInitialBackoffSeconds,omitempty"`
	// PodMaxBackoffSeconds caps the backoff (default 10).
	PodMaxBackoffSeconds int64 `json:"podMaxBackoffSeconds,omitempty"`
	// Profiles are the scheduling profiles, selected by spec.schedulerName.
	Profiles []Profile `json:"profiles,omitempty"`
}

// Profile is one scheduler name with its plugins.
type Profile struct {
	SchedulerName            string         `json:"schedulerName,omitempty"`
	PercentageOfNodesToScore *int32         `json:"percentageOfNodesToScore,omitempty"`
	Plugins                  *Plugins       `json:"plugins,omitempty"`
	PluginConfig             []PluginConfig `json:"pluginConfig,omitempty"`
}

// Plugins lists enabled and disabled plugins per extension point; MultiPoint
// enables a plugin at every extension point it implements.
type Plugins struct {
	PreEnqueue PluginSet `json:"preEnqueue,omitempty"`
	QueueSort  PluginSet `json:"queueSort,omitempty"`
	PreFilter  PluginSet `json:"preFilter,omitempty"`
	Filter     PluginSet `json:"filter,omitempty"`
	PostFilter PluginSet `json:"postFilter,omitempty"`
	PreScore   PluginSet `json:"preScore,omitempty"`
	Score      PluginSet `json:"score,omitempty"`
	Reserve    PluginSet `json:"reserve,omitempty"`
	Permit     PluginSet `json:"permit,omitempty"`
	PreBind    PluginSet `json:"preBind,omitempty"`
	Bind       PluginSet `json:"bind,omitempty"`
	PostBind   PluginSet `json:"postBind,omitempty"`
	MultiPoint PluginSet `json:"multiPoint,omitempty"`
}

// PluginSet is the enabled and disabled plugins of one extension point.
// Disabled "*" disables every default plugin there.
type PluginSet struct {
	Enabled  []Plugin `json:"enabled,omitempty"`
	Disabled []Plugin `json:"disabled,omitempty"`
}

// Plugin names a plugin and, for Score, its weight.
type Plugin struct {
	Name   string `json:"name"`
	Weight int32  `json:"weight,omitempty"`
}

// PluginConfig holds one plugin's args; Args is decoded into the plugin's
// typed args struct by Load (raw JSON is kept for outside plugins).
type PluginConfig struct {
	Name    string          `json:"name"`
	RawArgs json.RawMessage `json:"args,omitempty"`
	Args    any             `json:"-"`
}

// ScoringStrategyType names a NodeResourcesFit scoring strategy.
type ScoringStrategyType string

// Scoring strategies.
const (
	LeastAllocated           ScoringStrategyType = "LeastAllocated"
	MostAllocated            ScoringStrategyType = "MostAllocated"
	RequestedToCapacityRatio ScoringStrategyType = "RequestedToCapacityRatio"
)

// ResourceSpec is a resource and its weight in scoring.
type ResourceSpec struct {
	Name   string `json:"name"`
	Weight int64  `json:"weight,omitempty"`
}

// UtilizationShapePoint is a point of the RequestedToCapacityRatio curve:
// utilization 0-100 maps to score 0-10.
type UtilizationShapePoint struct {
	Utilization int32 `json:"utilization"`
	Score       int32 `json:"score"`
}

// RequestedToCapacityRatioParam is the curve of RequestedToCapacityRatio.
type RequestedToCapacityRatioParam struct {
	Shape []UtilizationShapePoint `json:"shape,omitempty"`
}

// ScoringStrategy configures NodeResourcesFit scoring.
type ScoringStrategy struct {
	Type                     ScoringStrategyType            `json:"type,omitempty"`
	Resources                []ResourceSpec                 `json:"resources,omitempty"`
	RequestedToCapacityRatio *RequestedToCapacityRatioParam `json:"requestedToCapacityRatio,omitempty"`
}

// NodeResourcesFitArgs are the args of NodeResourcesFit.
type NodeResourcesFitArgs struct {
	IgnoredResources      []string         `json:"ignoredResources,omitempty"`
	IgnoredResourceGroups []string         `json:"ignoredResourceGroups,omitempty"`
	ScoringStrategy       *ScoringStrategy `json:"scoringStrategy,omitempty"`
}

// NodeResourcesBalancedAllocationArgs are the args of NodeResourcesBalancedAllocation.
type NodeResourcesBalancedAllocationArgs struct {
	Resources []ResourceSpec `json:"resources,omitempty"`
}

// InterPodAffinityArgs are the args of InterPodAffinity.
type InterPodAffinityArgs struct {
	HardPodAffinityWeight              *int32 `json:"hardPodAffinityWeight,omitempty"`
	IgnorePreferredTermsOfExistingPods bool   `json:"ignorePreferredTermsOfExistingPods,omitempty"`
}

// PodTopologySpreadConstraintsDefaulting says where default constraints come from.
type PodTopologySpreadConstraintsDefaulting string

// Defaulting modes.
const (
	SystemDefaulting PodTopologySpreadConstraintsDefaulting = "System"
	ListDefaulting   PodTopologySpreadConstraintsDefaulting = "List"
)

// PodTopologySpreadArgs are the args of PodTopologySpread. Pods without
// constraints of their own that belong to a Service, ReplicationController,
// ReplicaSet or StatefulSet get default constraints, their label selector
// being derived from those objects' selectors.
type PodTopologySpreadArgs struct {
	// DefaultConstraints are the default constraints with List defaulting;
	// they must not set a labelSelector.
	DefaultConstraints []corev1.TopologySpreadConstraint `json:"defaultConstraints,omitempty"`
	// DefaultingType is System (the built-in constraints, the default) or
	// List (DefaultConstraints; an empty list disables defaulting).
	DefaultingType PodTopologySpreadConstraintsDefaulting `json:"defaultingType,omitempty"`
}

// SystemDefaultConstraints are Kubernetes' built-in default spreading:
// ScheduleAnyway over hostnames (maxSkew 3) and zones (maxSkew 5).
func SystemDefaultConstraints() []corev1.TopologySpreadConstraint {
	return []corev1.TopologySpreadConstraint{
		{MaxSkew: 3, TopologyKey: "kubernetes.io/hostname", WhenUnsatisfiable: corev1.ScheduleAnyway},
		{MaxSkew: 5, TopologyKey: "topology.kubernetes.io/zone", WhenUnsatisfiable: corev1.ScheduleAnyway},
	}
}

// DefaultBindTimeoutSeconds is VolumeBinding's default bindTimeoutSeconds.
const DefaultBindTimeoutSeconds = 600

// VolumeBindingArgs are the args of VolumeBinding.
type VolumeBindingArgs struct {
	// BindTimeoutSeconds bounds PreBind's wait for the pod's claims to be
	// bound (default 600).
	BindTimeoutSeconds *int64 `json:"bindTimeoutSeconds,omitempty"`
}

// DefaultPreemptionArgs are the args of DefaultPreemption.
type DefaultPreemptionArgs struct {
	MinCandidateNodesPercentage *int32 `json:"minCandidateNodesPercentage,omitempty"`
	MinCandidateNodesAbsolute   *int32 `json:"minCandidateNodesAbsolute,omitempty"`
}

package names

// In-tree plugin names, as Kubernetes spells them.
const (
	PrioritySort                    = "PrioritySort"
	SchedulingGates                 = "SchedulingGates"
	NodeName                        = "NodeName"
	NodeUnschedulable               = "NodeUnschedulable"
	NodePorts                       = "NodePorts"
	NodeResourcesFit                = "NodeResourcesFit"
	NodeResourcesBalancedAllocation = "NodeResourcesBalancedAllocation"
	NodeAffinity                    = "NodeAffinity"
	TaintToleration                 = "TaintToleration"
	InterPodAffinity                = "InterPodAffinity"
	PodTopologySpread               = "PodTopologySpread"
	ImageLocality                   = "ImageLocality"
	DefaultBinder                   = "DefaultBinder"
	DefaultPreemption               = "DefaultPreemption"
	VolumeBinding                   = "VolumeBinding"
)

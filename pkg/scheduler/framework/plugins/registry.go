package plugins

import (
	"keel.dev/keel/pkg/scheduler/framework"
	"keel.dev/keel/pkg/scheduler/framework/plugins/defaultbinder"
	"keel.dev/keel/pkg/scheduler/framework/plugins/defaultpreemption"
	"keel.dev/keel/pkg/scheduler/framework/plugins/imagelocality"
	"keel.dev/keel/pkg/scheduler/framework/plugins/interpodaffinity"
	"keel.dev/keel/pkg/scheduler/framework/plugins/names"
	"keel.dev/keel/pkg/scheduler/framework/plugins/nodeaffinity"
	"keel.dev/keel/pkg/scheduler/framework/plugins/nodename"
	"keel.dev/keel/pkg/scheduler/framework/plugins/nodeports"
	"keel.dev/keel/pkg/scheduler/framework/plugins/noderesources"
	"keel.dev/keel/pkg/scheduler/framework/plugins/nodeunschedulable"
	"keel.dev/keel/pkg/scheduler/framework/plugins/podtopologyspread"
	"keel.dev/keel/pkg/scheduler/framework/plugins/queuesort"
	"keel.dev/keel/pkg/scheduler/framework/plugins/schedulinggates"
	"keel.dev/keel/pkg/scheduler/framework/plugins/tainttoleration"
	"keel.dev/keel/pkg/scheduler/framework/plugins/volumebinding"
)

// NewInTreeRegistry returns the factories of every built-in plugin.
func NewInTreeRegistry() framework.Registry {
	return framework.Registry{
		names.PrioritySort:                    queuesort.New,
		names.SchedulingGates:                 schedulinggates.New,
		names.NodeName:                        nodename.New,
		names.NodeUnschedulable:               nodeunschedulable.New,
		names.NodePorts:                       nodeports.New,
		names.NodeResourcesFit:                noderesources.NewFit,
		names.NodeResourcesBalancedAllocation: noderesources.NewBalancedAllocation,
		names.NodeAffinity:                    nodeaffinity.New,
		names.TaintToleration:                 tainttoleration.New,
		names.InterPodAffinity:                interpodaffinity.New,
		names.PodTopologySpread:               podtopologyspread.New,
		names.ImageLocality:                   imagelocality.New,
		names.DefaultBinder:                   defaultbinder.New,
		names.DefaultPreemption:               defaultpreemption.New,
		names.VolumeBinding:                   volumebinding.New,
	}
}

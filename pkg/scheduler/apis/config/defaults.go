package config

import (
	"keel.dev/keel/pkg/scheduler/framework/plugins/names"
)

// DefaultSchedulerName is the profile used by pods without spec.schedulerName.
const DefaultSchedulerName = "default-scheduler"

// Defaults of the queue.
const (
	DefaultPodInitialBackoffSeconds = 1
	DefaultPodMaxBackoffSeconds     = 10
)

// DefaultPlugins returns Kubernetes' default plugin set and score weights, as
// MultiPoint, in Kubernetes' order (which is also the filter order).
func DefaultPlugins() *Plugins {
	return &Plugins{MultiPoint: PluginSet{Enabled: []Plugin{
		{Name: names.SchedulingGates},
		{Name: names.PrioritySort},
		{Name: names.NodeUnschedulable},
		{Name: names.NodeName},
		{Name: names.TaintToleration, Weight: 3},
		{Name: names.NodeAffinity, Weight: 2},
		{Name: names.NodePorts},
		{Name: names.NodeResourcesFit, Weight: 1},
		{Name: names.VolumeBinding},
		{Name: names.PodTopologySpread, Weight: 2},
		{Name: names.InterPodAffinity, Weight: 2},
		{Name: names.DefaultPreemption},
		{Name: names.NodeResourcesBalancedAllocation, Weight: 1},
		{Name: names.ImageLocality, Weight: 1},
		{Name: names.DefaultBinder},
	}}}
}

// SetDefaults fills unset fields: one default profile, backoff 1 s and 10 s,
// each profile's plugins merged over the defaults, and default plugin args.
func SetDefaults(c *KubeSchedulerConfiguration) {
	if c.PodInitialBackoffSeconds == 0 {
		c.PodInitialBackoffSeconds = DefaultPodInitialBackoffSeconds
	}
	if c.PodMaxBackoffSeconds == 0 {
		c.PodMaxBackoffSeconds = DefaultPodMaxBackoffSeconds
	}
	if len(c.Profiles) == 0 {
		c.Profiles = []Profile{{}}
	}
	for i := range c.Profiles {
		p := &c.Profiles[i]
		if p.SchedulerName == "" {
			p.SchedulerName = DefaultSchedulerName
		}
		p.Plugins = MergePlugins(DefaultPlugins(), p.Plugins)
		if p.PercentageOfNodesToScore == nil {
			p.PercentageOfNodesToScore = c.PercentageOfNodesToScore
		}
		for _, name := range []string{names.NodeResourcesFit, names.NodeResourcesBalancedAllocation, names.InterPodAffinity, names.PodTopologySpread, names.DefaultPreemption, names.VolumeBinding} {
			if findArgs(p.PluginConfig, name) == nil {
				p.PluginConfig = append(p.PluginConfig, PluginConfig{Name: name})
			}
		}
		for j := range p.PluginConfig {
			defaultArgs(&p.PluginConfig[j])
		}
	}
}

func findArgs(pcs []PluginConfig, name string) *PluginConfig {
	for i := range pcs {
		if pcs[i].Name == name {
			return &pcs[i]
		}
	}
	return nil
}

// Enables reports whether some profile of a defaulted configuration
// enables the named plugin at any extension point.
func (c *KubeSchedulerConfiguration) Enables(name string) bool {
	for i := range c.Profiles {
		pl := c.Profiles[i].Plugins
		if pl == nil {
			pl = DefaultPlugins()
		}
		for _, set := range []PluginSet{pl.MultiPoint, pl.PreEnqueue, pl.QueueSort, pl.PreFilter, pl.Filter, pl.PostFilter,
			pl.PreScore, pl.Score, pl.Reserve, pl.Permit, pl.PreBind, pl.Bind, pl.PostBind} {
			for _, p := range set.Enabled {
				if p.Name == name {
					return true
				}
			}
		}
	}
	return false
}

// Args returns the decoded args of a plugin in a profile, nil when none.
func (p *Profile) Args(name string) any {
	if pc := findArgs(p.PluginConfig, name); pc != nil {
		return pc.Args
	}
	return nil
}

func defaultArgs(pc *PluginConfig) {
	switch a := pc.Args.(type) {
	case nil:
		switch pc.Name {
		case names.NodeResourcesFit:
			pc.Args = &NodeResourcesFitArgs{}
		case names.NodeResourcesBalancedAllocation:
			pc.Args = &NodeResourcesBalancedAllocationArgs{}
		case names.InterPodAffinity:
			pc.Args = &InterPodAffinityArgs{}
		case names.PodTopologySpread:
			pc.Args = &PodTopologySpreadArgs{}
		case names.DefaultPreemption:
			pc.Args = &DefaultPreemptionArgs{}
		case names.VolumeBinding:
			pc.Args = &VolumeBindingArgs{}
		default:
			return
		}
		defaultArgs(pc)
	case *NodeResourcesFitArgs:
		if a.ScoringStrategy == nil {
			a.ScoringStrategy = &ScoringStrategy{}
		}
		if a.ScoringStrategy.Type == "" {
			a.ScoringStrategy.Type = LeastAllocated
		}
		if len(a.ScoringStrategy.Resources) == 0 {
			a.ScoringStrategy.Resources = []ResourceSpec{{Name: "cpu", Weight: 1}, {Name: "memory", Weight: 1}}
		}
		for i := range a.ScoringStrategy.Resources {
			if a.ScoringStrategy.Resources[i].Weight == 0 {
				a.ScoringStrategy.Resources[i].Weight = 1
			}
		}
	case *NodeResourcesBalancedAllocationArgs:
		if len(a.Resources) == 0 {
			a.Resources = []ResourceSpec{{Name: "cpu", Weight: 1}, {Name: "memory", Weight: 1}}
		}
	case *InterPodAffinityArgs:
		if a.HardPodAffinityWeight == nil {
			w := int32(1)
			a.HardPodAffinityWeight = &w
		}
	case *PodTopologySpreadArgs:
		if a.DefaultingType == "" {
			a.DefaultingType = SystemDefaulting
		}
	case *VolumeBindingArgs:
		if a.BindTimeoutSeconds == nil {
			v := int64(DefaultBindTimeoutSeconds)
			a.BindTimeoutSeconds = &v
		}
	case *DefaultPreemptionArgs:
		if a.MinCandidateNodesPercentage == nil {
			v := int32(10)
			a.MinCandidateNodesPercentage = &v
		}
		if a.MinCandidateNodesAbsolute == nil {
			v := int32(100)
			a.MinCandidateNodesAbsolute = &v
		}
	}
}

// MergePlugins applies custom over defaults: custom MultiPoint enables are
// appended to (or override the weight of) the default MultiPoint and its
// disables remove defaults ("*" removes all); the per-extension-point sets of
// custom are kept as given and applied after MultiPoint expansion.
func MergePlugins(defaults, custom *Plugins) *Plugins {
	if custom == nil {
		return defaults
	}
	out := *custom
	out.MultiPoint = mergeSet(defaults.MultiPoint, custom.MultiPoint)
	return &out
}

func mergeSet(def, custom PluginSet) PluginSet {
	disabled := map[string]bool{}
	for _, p := range custom.Disabled {
		disabled[p.Name] = true
	}
	var out PluginSet
	out.Disabled = custom.Disabled
	overrides := map[string]Plugin{}
	for _, p := range custom.Enabled {
		overrides[p.Name] = p
	}
	for _, p := range def.Enabled {
		if disabled["*"] || disabled[p.Name] {
			continue
		}
		if o, ok := overrides[p.Name]; ok {
			p = o
			delete(overrides, p.Name)
		}
		out.Enabled = append(out.Enabled, p)
	}
	for _, p := range custom.Enabled {
		if _, ok := overrides[p.Name]; ok {
			out.Enabled = append(out.Enabled, p)
		}
	}
	return out
}

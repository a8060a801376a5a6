package runtime

import (
	"context"
	"fmt"
	"slices"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/keel/pkg/scheduler/apis/config"
	"keel.dev/keel/pkg/scheduler/framework"
)

// Options are the framework's injected dependencies.
type Options struct {
	// Snapshot is the lister plugins read; the scheduler refreshes it before each cycle.
	Snapshot framework.SharedLister
	// Parallelizer runs per-node work; zero value means GOMAXPROCS workers.
	Parallelizer framework.Parallelizer
	// Nominator tracks nominated pods; nil means none.
	Nominator framework.PodNominator
	// API carries the Binder, Evictor and PDB lister.
	API framework.ClusterAPI
}

type scorePlugin struct {
	framework.ScorePlugin
	weight int64
}

// Framework runs the plugins of one profile.
type Framework struct {
	profileName string
	opts        Options
	plugins     map[string]framework.Plugin

	preEnqueue []framework.PreEnqueuePlugin
	queueSort  framework.QueueSortPlugin
	preFilter  []framework.PreFilterPlugin
	filter     []framework.FilterPlugin
	postFilter []framework.PostFilterPlugin
	preScore   []framework.PreScorePlugin
	score      []scorePlugin
	reserve    []framework.ReservePlugin
	permit     []framework.PermitPlugin
	preBind    []framework.PreBindPlugin
	bind       []framework.BindPlugin
	postBind   []framework.PostBindPlugin

	percentageOfNodesToScore *int32
	waiting                  *waitingPods
}

var _ framework.Handle = (*Framework)(nil)

// New builds the framework of profile from registry. The profile must be
// defaulted (config.SetDefaults).
func New(ctx context.Context, registry framework.Registry, profile *config.Profile, opts Options) (*Framework, error) {
	f := &Framework{
		profileName:              profile.SchedulerName,
		opts:                     opts,
		plugins:                  map[string]framework.Plugin{},
		percentageOfNodesToScore: profile.PercentageOfNodesToScore,
		waiting:                  newWaitingPods(),
	}
	if f.opts.Snapshot == nil {
		f.opts.Snapshot = framework.NewEmptySnapshot()
	}
	plugins := profile.Plugins
	if plugins == nil {
		plugins = config.DefaultPlugins()
	}
	instance := func(name string) (framework.Plugin, error) {
		if p, ok := f.plugins[name]; ok {
			return p, nil
		}
		factory, ok := registry[name]
		if !ok {
			return nil, fmt.Errorf("profile %q: plugin %q is not registered", profile.SchedulerName, name)
		}
		p, err := factory(ctx, profile.Args(name), f)
		if err != nil {
			return nil, fmt.Errorf("profile %q: build plugin %q: %w", profile.SchedulerName, name, err)
		}
		f.plugins[name] = p
		return p, nil
	}
	type point struct {
		set *config.PluginSet
		add func(framework.Plugin, int32) bool
		del func(name string)
	}
	points := []point{
		{&plugins.PreEnqueue, func(p framework.Plugin, _ int32) bool { return addAs(&f.preEnqueue, p) }, func(n string) { f.preEnqueue = drop(f.preEnqueue, n) }},
		{&plugins.QueueSort, func(p framework.Plugin, _ int32) bool {
			if q, ok := p.(framework.QueueSortPlugin); ok {
				f.queueSort = q
				return true
			}
			return false
		}, func(n string) {
			if f.queueSort != nil && (n == "*" || f.queueSort.Name() == n) {
				f.queueSort = nil
			}
		}},
		{&plugins.PreFilter, func(p framework.Plugin, _ int32) bool { return addAs(&f.preFilter, p) }, func(n string) { f.preFilter = drop(f.preFilter, n) }},
		{&plugins.Filter, func(p framework.Plugin, _ int32) bool { return addAs(&f.filter, p) }, func(n string) { f.filter = drop(f.filter, n) }},
		{&plugins.PostFilter, func(p framework.Plugin, _ int32) bool { return addAs(&f.postFilter, p) }, func(n string) { f.postFilter = drop(f.postFilter, n) }},
		{&plugins.PreScore, func(p framework.Plugin, _ int32) bool { return addAs(&f.preScore, p) }, func(n string) { f.preScore = drop(f.preScore, n) }},
		{&plugins.Score, func(p framework.Plugin, w int32) bool {
			s, ok := p.(framework.ScorePlugin)
			if !ok {
				return false
			}
			if w == 0 {
				w = 1
			}
			for i := range f.score {
				if f.score[i].Name() == s.Name() {
					f.score[i].weight = int64(w)
					return true
				}
			}
			f.score = append(f.score, scorePlugin{s, int64(w)})
			return true
		}, func(n string) {
			f.score = slices.DeleteFunc(f.score, func(s scorePlugin) bool { return n == "*" || s.Name() == n })
		}},
		{&plugins.Reserve, func(p framework.Plugin, _ int32) bool { return addAs(&f.reserve, p) }, func(n string) { f.reserve = drop(f.reserve, n) }},
		{&plugins.Permit, func(p framework.Plugin, _ int32) bool { return addAs(&f.permit, p) }, func(n string) { f.permit = drop(f.permit, n) }},
		{&plugins.PreBind, func(p framework.Plugin, _ int32) bool { return addAs(&f.preBind, p) }, func(n string) { f.preBind = drop(f.preBind, n) }},
		{&plugins.Bind, func(p framework.Plugin, _ int32) bool { return addAs(&f.bind, p) }, func(n string) { f.bind = drop(f.bind, n) }},
		{&plugins.PostBind, func(p framework.Plugin, _ int32) bool { return addAs(&f.postBind, p) }, func(n string) { f.postBind = drop(f.postBind, n) }},
	}
	for _, mp := range plugins.MultiPoint.Enabled {
		p, err := instance(mp.Name)
		if err != nil {
			return nil, err
		}
		for _, pt := range points {
			pt.add(p, mp.Weight)
		}
	}
	for _, pt := range points {
		for _, d := range pt.set.Disabled {
			pt.del(d.Name)
		}
		for _, e := range pt.set.Enabled {
			p, err := instance(e.Name)
			if err != nil {
				return nil, err
			}
			if !pt.add(p, e.Weight) {
				return nil, fmt.Errorf("profile %q: plugin %q does not implement the extension point it is enabled at", profile.SchedulerName, e.Name)
			}
		}
	}
	if f.queueSort == nil {
		return nil, fmt.Errorf("profile %q: no QueueSort plugin enabled", profile.SchedulerName)
	}
	if len(f.bind) == 0 {
		return nil, fmt.Errorf("profile %q: no Bind plugin enabled", profile.SchedulerName)
	}
	return f, nil
}

func addAs[T framework.Plugin](list *[]T, p framework.Plugin) bool {
	t, ok := p.(T)
	if !ok {
		return false
	}
	for _, e := range *list {
		if e.Name() == p.Name() {
			return true
		}
	}
	*list = append(*list, t)
	return true
}

func drop[T framework.Plugin](list []T, name string) []T {
	return slices.DeleteFunc(list, func(p T) bool { return name == "*" || p.Name() == name })
}

// ProfileName returns the scheduler name of the profile.
func (f *Framework) ProfileName() string { return f.profileName }

// PercentageOfNodesToScore returns the profile's setting, nil when unset.
func (f *Framework) PercentageOfNodesToScore() *int32 { return f.percentageOfNodesToScore }

// SetSnapshot replaces the lister plugins read.
func (f *Framework) SetSnapshot(s framework.SharedLister) { f.opts.Snapshot = s }

// SnapshotSharedLister implements framework.Handle.
func (f *Framework) SnapshotSharedLister() framework.SharedLister { return f.opts.Snapshot }

// Parallelizer implements framework.Handle.
func (f *Framework) Parallelizer() framework.Parallelizer { return f.opts.Parallelizer }

// PodNominator implements framework.Handle.
func (f *Framework) PodNominator() framework.PodNominator { return f.opts.Nominator }

// ClusterAPI implements framework.Handle.
func (f *Framework) ClusterAPI() framework.ClusterAPI { return f.opts.API }

// WaitingPods implements framework.Handle.
func (f *Framework) WaitingPods() framework.WaitingPods { return f.waiting }

// QueueSortFunc returns the Less of the QueueSort plugin.
func (f *Framework) QueueSortFunc() func(a, b *framework.QueuedPodInfo) bool { return f.queueSort.Less }

// HasFilterPlugins reports whether any Filter plugin is enabled.
func (f *Framework) HasFilterPlugins() bool { return len(f.filter) > 0 }

// HasScorePlugins reports whether any Score plugin is enabled.
func (f *Framework) HasScorePlugins() bool { return len(f.score) > 0 }

// HasPostFilterPlugins reports whether any PostFilter plugin is enabled.
func (f *Framework) HasPostFilterPlugins() bool { return len(f.postFilter) > 0 }

// PreEnqueuePlugins returns the PreEnqueue plugins, for the queue.
func (f *Framework) PreEnqueuePlugins() []framework.PreEnqueuePlugin { return f.preEnqueue }

// ListPlugins returns the enabled plugin names per extension point, for tests and logs.
func (f *Framework) ListPlugins() map[string][]string {
	out := map[string][]string{}
	add := func(point string, p framework.Plugin) { out[point] = append(out[point], p.Name()) }
	for _, p := range f.preEnqueue {
		add("PreEnqueue", p)
	}
	add("QueueSort", f.queueSort)
	for _, p := range f.preFilter {
		add("PreFilter", p)
	}
	for _, p := range f.filter {
		add("Filter", p)
	}
	for _, p := range f.postFilter {
		add("PostFilter", p)
	}
	for _, p := range f.preScore {
		add("PreScore", p)
	}
	for _, p := range f.score {
		out["Score"] = append(out["Score"], fmt.Sprintf("%s:%d", p.Name(), p.weight))
	}
	for _, p := range f.reserve {
		add("Reserve", p)
	}
	for _, p := range f.permit {
		add("Permit", p)
	}
	for _, p := range f.preBind {
		add("PreBind", p)
	}
	for _, p := range f.bind {
		add("Bind", p)
	}
	for _, p := range f.postBind {
		add("PostBind", p)
	}
	return out
}

// EventsToRegister returns, per plugin that can reject pods, the events
// that may make its rejected pods schedulable. Plugins that reject without
// declaring events get the wildcard event.
func (f *Framework) EventsToRegister(ctx context.Context) (map[string][]framework.ClusterEvent, error) {
	out := map[string][]framework.ClusterEvent{}
	for name, p := range f.plugins {
		ext, ok := p.(framework.EnqueueExtensions)
		if !ok {
			out[name] = []framework.ClusterEvent{{Resource: framework.WildCard, ActionType: framework.All}}
			continue
		}
		evs, err := ext.EventsToRegister(ctx)
		if err != nil {
			return nil, fmt.Errorf("plugin %q events: %w", name, err)
		}
		out[name] = evs
	}
	return out, nil
}

// RunPreEnqueuePlugins runs the PreEnqueue plugins; the first rejection gates the pod.
func (f *Framework) RunPreEnqueuePlugins(ctx context.Context, pod *corev1.Pod) *framework.Status {
	for _, p := range f.preEnqueue {
		if s := p.PreEnqueue(ctx, pod); !s.IsSuccess() {
			return s.WithPlugin(p.Name())
		}
	}
	return nil
}

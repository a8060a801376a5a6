package queuesort

import (
	"context"

	"keel.dev/keel/pkg/scheduler/framework"
	"keel.dev/keel/pkg/scheduler/framework/plugins/names"
)

// PrioritySort orders the active queue by priority, then by timestamp.
type PrioritySort struct{}

var _ framework.QueueSortPlugin = (*PrioritySort)(nil)

// Name is the plugin name.
const Name = names.PrioritySort

// New builds the plugin.
func New(context.Context, any, framework.Handle) (framework.Plugin, error) {
	return &PrioritySort{}, nil
}

// Name returns the plugin name.
func (*PrioritySort) Name() string { return Name }

// Less reports whether a pops before b.
func (*PrioritySort) Less(a, b *framework.QueuedPodInfo) bool {
	pa, pb := framework.PodPriority(a.Pod), framework.PodPriority(b.Pod)
	return pa > pb || (pa == pb && a.Timestamp.Before(b.Timestamp))
}

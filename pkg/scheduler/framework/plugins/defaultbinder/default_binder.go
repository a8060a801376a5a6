package defaultbinder

import (
	"context"
	"errors"
	"fmt"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/keel/pkg/scheduler/framework"
	"keel.dev/keel/pkg/scheduler/framework/plugins/names"
)

// Name is the plugin name.
const Name = names.DefaultBinder

// DefaultBinder binds pods with the framework's Binder.
type DefaultBinder struct{ h framework.Handle }

var _ framework.BindPlugin = (*DefaultBinder)(nil)

// New builds the plugin.
func New(_ context.Context, _ any, h framework.Handle) (framework.Plugin, error) {
	return &DefaultBinder{h: h}, nil
}

// Name returns the plugin name.
func (*DefaultBinder) Name() string { return Name }

// Bind posts the binding.
func (b *DefaultBinder) Bind(ctx context.Context, _ *framework.CycleState, pod *corev1.Pod, nodeName string) *framework.Status {
	binder := b.h.ClusterAPI().Binder
	if binder == nil {
		return framework.AsStatus(errors.New("no Binder configured"))
	}
	if err := binder.Bind(ctx, pod, nodeName); err != nil {
		return framework.AsStatus(fmt.Errorf("bind pod %q to node %q: %w", framework.PodKey(pod), nodeName, err))
	}
	return nil
}

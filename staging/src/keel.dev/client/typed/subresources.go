package typed

import (
	"context"
	"fmt"
	"io"

	autoscalingv1 "keel.dev/api/autoscaling/v1"
	corev1 "keel.dev/api/core/v1"
	policyv1 "keel.dev/api/policy/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
)

// GetScale reads the scale subresource of the named object.
func (c *Client[T, L]) GetScale(ctx context.Context, name string) (*autoscalingv1.Scale, error) {
	out := &autoscalingv1.Scale{}
	if err := c.GetSubresource(ctx, name, "scale", out); err != nil {
		return nil, err
	}
	return out, nil
}

// UpdateScale writes the scale subresource of the named object.
func (c *Client[T, L]) UpdateScale(ctx context.Context, name string, scale *autoscalingv1.Scale, opts metav1.UpdateOptions) (*autoscalingv1.Scale, error) {
	out := &autoscalingv1.Scale{}
	if err := c.UpdateSubresource(ctx, name, "scale", scale, out, opts); err != nil {
		return nil, err
	}
	return out, nil
}

// Bind binds a pod to binding.Target (pods/binding; the scheduler's write).
func (c *Client[T, L]) Bind(ctx context.Context, binding *corev1.Binding, opts metav1.CreateOptions) error {
	if binding.Name == "" {
		return fmt.Errorf("bind: binding has no pod name")
	}
	return c.InNamespace(c.nsFor(binding)).CreateSubresource(ctx, binding.Name, "binding", binding, nil, opts)
}

// Evict evicts a pod through the eviction API (PDB-aware).
func (c *Client[T, L]) Evict(ctx context.Context, eviction *policyv1.Eviction) error {
	if eviction.Name == "" {
		return fmt.Errorf("evict: eviction has no pod name")
	}
	return c.InNamespace(c.nsFor(eviction)).CreateSubresource(ctx, eviction.Name, "eviction", eviction, nil, metav1.CreateOptions{})
}

// GetLogs streams a pod's log; the caller closes the stream.
func (c *Client[T, L]) GetLogs(ctx context.Context, name string, opts *corev1.PodLogOptions) (io.ReadCloser, error) {
	if opts == nil {
		opts = &corev1.PodLogOptions{}
	}
	return c.StreamSubresource(ctx, name, "log", opts)
}

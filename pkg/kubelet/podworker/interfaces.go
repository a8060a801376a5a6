package podworker

import (
	"context"

	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"

	corev1 "keel.dev/api/core/v1"
)

// StatusSink receives the pod status the worker computes and learns when a
// deleted pod's containers and sandbox are gone (the lead deletes the pod
// object with grace 0 then).
type StatusSink interface {
	SetPodStatus(pod *corev1.Pod, status corev1.PodStatus)
	PodTerminated(pod *corev1.Pod)
}

// EventRecorder records Kubernetes events about a pod.
type EventRecorder interface {
	Eventf(pod *corev1.Pod, eventType, reason, messageFmt string, args ...any)
}

// Volumes prepares a pod's volumes and the mounts of its containers.
type Volumes interface {
	SetUp(ctx context.Context, pod *corev1.Pod) error
	Mounts(pod *corev1.Pod, c *corev1.Container) ([]*runtimeapi.Mount, error)
	TearDown(pod *corev1.Pod) error
}

// Event types.
const (
	EventNormal  = "Normal"
	EventWarning = "Warning"
)

type nopRecorder struct{}

func (nopRecorder) Eventf(*corev1.Pod, string, string, string, ...any) {}

type nopSink struct{}

func (nopSink) SetPodStatus(*corev1.Pod, corev1.PodStatus) {}
func (nopSink) PodTerminated(*corev1.Pod)                  {}

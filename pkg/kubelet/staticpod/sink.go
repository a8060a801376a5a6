package staticpod

import (
	"context"
	"sort"
	"time"

	corev1 "keel.dev/api/core/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/keel/pkg/kubelet/podworker"
)

// sinkTimeout bounds the mirror lookup of one status write.
const sinkTimeout = 30 * time.Second

// Sink wraps the kubelet's status sink: a static pod's status goes to its
// mirror pod (and is remembered for the mirror created next), and its
// termination deletes nothing, since SyncMirrors owns the mirror. Other pods
// pass through.
func (m *Manager) Sink(inner podworker.StatusSink) podworker.StatusSink {
	return &sink{m: m, inner: inner}
}

type sink struct {
	m     *Manager
	inner podworker.StatusSink
}

// SetPodStatus writes a static pod's status to its mirror, if there is one.
func (s *sink) SetPodStatus(pod *corev1.Pod, st corev1.PodStatus) {
	if !IsStatic(pod) {
		s.inner.SetPodStatus(pod, st)
		return
	}
	s.m.mu.Lock()
	_, current := s.m.pods[pod.UID]
	if current {
		s.m.statuses[pod.UID] = *st.DeepCopy()
	}
	s.m.mu.Unlock()
	if !current || s.m.cfg.Client == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), sinkTimeout)
	defer cancel()
	mirror, err := s.m.cfg.Client.CoreV1().Pods(pod.Namespace).Get(ctx, pod.Name, metav1.GetOptions{})
	if err != nil || mirror.Annotations[AnnotationConfigMirror] != string(pod.UID) || mirror.DeletionTimestamp != nil {
		return // SyncMirrors creates it with this status
	}
	s.inner.SetPodStatus(mirror, st)
}

// PodTerminated forgets a removed static pod; API pods pass through.
func (s *sink) PodTerminated(pod *corev1.Pod) {
	if !IsStatic(pod) {
		s.inner.PodTerminated(pod)
		return
	}
	s.m.Kick()
}

// PodLister is the pod lookup of the kubelet API server.
type PodLister interface {
	ListPods() []*corev1.Pod
	GetPod(namespace, name string) (*corev1.Pod, bool)
}

// Overlay returns api with the static pods in place of their mirrors, so
// that logs, exec and port-forward of a mirror pod reach the running pod.
func (m *Manager) Overlay(api PodLister) PodLister { return overlay{m: m, api: api} }

type overlay struct {
	m   *Manager
	api PodLister
}

// ListPods lists the API's pods, mirrors replaced by their static pods.
func (o overlay) ListPods() []*corev1.Pod {
	static := o.m.Pods()
	names := map[string]bool{}
	for _, p := range static {
		names[p.Namespace+"/"+p.Name] = true
	}
	out := static
	for _, p := range o.api.ListPods() {
		if IsMirror(p) && names[p.Namespace+"/"+p.Name] {
			continue
		}
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Namespace+"/"+out[i].Name < out[j].Namespace+"/"+out[j].Name })
	return out
}

// GetPod prefers the static pod of that name.
func (o overlay) GetPod(namespace, name string) (*corev1.Pod, bool) {
	if p, ok := o.m.Get(namespace, name); ok {
		return p, true
	}
	return o.api.GetPod(namespace, name)
}

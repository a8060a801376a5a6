package kubelet

import (
	"context"
	"log/slog"
	"time"

	corev1 "keel.dev/api/core/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/labels"
	"keel.dev/client/informers"
	"keel.dev/client/record"
	"keel.dev/client/typed"
)

// apiTimeout bounds one API call made on behalf of a pod worker.
const apiTimeout = 30 * time.Second

// apiGetter reads ConfigMaps, Secrets and claims straight from the
// apiserver; pods read ConfigMaps and Secrets through objcache, which falls
// back to such GETs for objects no registered pod refers to.
type apiGetter struct{ cs *typed.Clientset }

// trackObjects registers the ConfigMaps and Secrets p refers to with the
// object cache while p may still start containers or refresh volumes, and
// releases them once p is terminal (its deletion releases them too).
func (k *Kubelet) trackObjects(p *corev1.Pod) {
	if p.Status.Phase == corev1.PodSucceeded || p.Status.Phase == corev1.PodFailed {
		k.objects.UnregisterPod(p)
		return
	}
	k.objects.RegisterPod(p)
}

// GetConfigMap fetches a ConfigMap.
func (g apiGetter) GetConfigMap(namespace, name string) (*corev1.ConfigMap, error) {
	ctx, cancel := context.WithTimeout(context.Background(), apiTimeout)
	defer cancel()
	return g.cs.CoreV1().ConfigMaps(namespace).Get(ctx, name, metav1.GetOptions{})
}

// GetSecret fetches a Secret.
func (g apiGetter) GetSecret(namespace, name string) (*corev1.Secret, error) {
	ctx, cancel := context.WithTimeout(context.Background(), apiTimeout)
	defer cancel()
	return g.cs.CoreV1().Secrets(namespace).Get(ctx, name, metav1.GetOptions{})
}

// serviceLister lists Services from the informer cache.
type serviceLister struct{ l *informers.ServiceLister }

// ListServices returns the Services of namespace.
func (s serviceLister) ListServices(namespace string) ([]*corev1.Service, error) {
	return s.l.Namespace(namespace).List(labels.Everything())
}

// eventRecorder adapts the client's recorder to the pod worker's.
type eventRecorder struct{ r record.EventRecorder }

// Eventf records an event about pod.
func (e eventRecorder) Eventf(pod *corev1.Pod, eventType, reason, messageFmt string, args ...any) {
	e.r.Eventf(pod, eventType, reason, messageFmt, args...)
}

// apiSink writes pod status through pods/status and deletes terminated pods.
type apiSink struct {
	cs  *typed.Clientset
	log *slog.Logger
}

// SetPodStatus writes status, re-reading the pod on conflicts.
func (s *apiSink) SetPodStatus(pod *corev1.Pod, status corev1.PodStatus) {
	ctx, cancel := context.WithTimeout(context.Background(), apiTimeout)
	defer cancel()
	pods := s.cs.CoreV1().Pods(pod.Namespace)
	cur := pod.DeepCopy()
	for attempt := 0; attempt < 5; attempt++ {
		next := cur.DeepCopy()
		next.Status = mergeStatus(&cur.Status, status)
		_, err := pods.UpdateStatus(ctx, next, metav1.UpdateOptions{})
		switch {
		case err == nil, apierrors.IsNotFound(err):
			return
		case apierrors.IsConflict(err):
			fresh, gerr := pods.Get(ctx, pod.Name, metav1.GetOptions{})
			if gerr != nil || fresh.UID != pod.UID {
				return
			}
			cur = fresh
		default:
			s.log.Warn("pod status update failed", "pod", pod.Namespace+"/"+pod.Name, "err", err)
			return
		}
	}
	s.log.Warn("pod status update kept conflicting", "pod", pod.Namespace+"/"+pod.Name)
}

// mergeStatus keeps what other components own (conditions the kubelet does
// not compute, nominatedNodeName) and takes the rest from the worker.
func mergeStatus(old *corev1.PodStatus, st corev1.PodStatus) corev1.PodStatus {
	out := *st.DeepCopy()
	have := map[corev1.PodConditionType]bool{}
	for _, c := range out.Conditions {
		have[c.Type] = true
	}
	for _, c := range old.Conditions {
		if !have[c.Type] {
			out.Conditions = append(out.Conditions, c)
		}
	}
	if out.NominatedNodeName == "" {
		out.NominatedNodeName = old.NominatedNodeName
	}
	return out
}

// PodTerminated deletes the pod object with grace 0 once its containers are gone.
func (s *apiSink) PodTerminated(pod *corev1.Pod) {
	ctx, cancel := context.WithTimeout(context.Background(), apiTimeout)
	defer cancel()
	zero := int64(0)
	uid := pod.UID
	err := s.cs.CoreV1().Pods(pod.Namespace).Delete(ctx, pod.Name, metav1.DeleteOptions{
		GracePeriodSeconds: &zero, Preconditions: &metav1.Preconditions{UID: &uid}})
	if err != nil && !apierrors.IsNotFound(err) && !apierrors.IsConflict(err) {
		s.log.Warn("pod deletion failed", "pod", pod.Namespace+"/"+pod.Name, "err", err)
	}
}

// simplifyProbes drops every probe and hook that needs the pod's network,
// so they count as succeeding under the fake runtime.
func simplifyProbes(p *corev1.Pod) {
	fix := func(cs []corev1.Container) {
		for i := range cs {
			c := &cs[i]
			for _, pr := range []**corev1.Probe{&c.LivenessProbe, &c.ReadinessProbe, &c.StartupProbe} {
				if *pr != nil && (*pr).Exec == nil {
					*pr = nil
				}
			}
			if c.Lifecycle != nil {
				for _, h := range []**corev1.LifecycleHandler{&c.Lifecycle.PostStart, &c.Lifecycle.PreStop} {
					if *h != nil && ((*h).HTTPGet != nil || (*h).TCPSocket != nil) {
						*h = nil
					}
				}
			}
		}
	}
	fix(p.Spec.InitContainers)
	fix(p.Spec.Containers)
}

// podSource serves the kubelet API's pod lookups from the pod informer.
type podSource struct{ l *informers.PodLister }

// ListPods returns the pods bound to the node.
func (p podSource) ListPods() []*corev1.Pod {
	pods, _ := p.l.List(labels.Everything())
	return pods
}

// GetPod returns one pod bound to the node.
func (p podSource) GetPod(namespace, name string) (*corev1.Pod, bool) {
	pod, err := p.l.Get(namespace, name)
	return pod, err == nil
}

package kubelet

import (
	"context"
	"sync"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/apimachinery/pkg/labels"
	"keel.dev/apimachinery/pkg/types"
	"keel.dev/client/record"
	"keel.dev/keel/pkg/kubelet/eviction"
	"keel.dev/keel/pkg/kubelet/podworker"
)

// rejectedPrefix starts the status message of a pod rejected at admission.
const rejectedPrefix = "Pod was rejected: "

// admission tracks the pods the kubelet rejected, so they never start.
type admission struct {
	mu       sync.Mutex
	rejected map[types.UID]bool
}

// pressure feeds the node status's pressure conditions from the eviction
// manager once it runs.
func (k *Kubelet) pressure(t corev1.NodeConditionType) bool {
	if m := k.evictionManager(); m != nil {
		return m.Pressure(t)
	}
	return false
}

func (k *Kubelet) evictionManager() *eviction.Manager {
	k.admit.mu.Lock()
	defer k.admit.mu.Unlock()
	return k.evict
}

// startEviction builds the eviction manager over the node's real signals
// and the CRI's container stats (unless the config brings its own sources)
// and the pod workers, and runs it until ctx ends. Local ephemeral storage
// limits are enforced unless the config disables them.
func (k *Kubelet) startEviction(ctx context.Context, recorder record.EventRecorder, node *corev1.Node) {
	if k.cfg.Eviction == nil {
		return
	}
	cfg := *k.cfg.Eviction
	if cfg.Signals == nil {
		cfg.Signals = &eviction.NodeSignals{RootDir: k.cfg.RootDir, Runtime: k.cfg.Runtime}
	}
	criStats := &eviction.CRIPodStats{Runtime: k.cfg.Runtime, RootDir: k.cfg.RootDir,
		LogDir: func(p *corev1.Pod) string { return podworker.LogDirectory(k.cfg.PodLogsDir, p) }}
	if cfg.PodStats == nil {
		cfg.PodStats = criStats
	}
	if cfg.LocalStorage == nil && !cfg.DisableLocalStorageLimits {
		cfg.LocalStorage = criStats
	}
	cfg.ActivePods = k.activePods
	cfg.Killer = podKiller{k.pods}
	cfg.Recorder = evictionRecorder{r: recorder, node: node}
	cfg.Logger = k.log
	m := eviction.New(cfg)
	k.admit.mu.Lock()
	k.evict = m
	k.admit.mu.Unlock()
	go m.Run(ctx)
}

// activePods lists the node's pods that run and may be evicted.
func (k *Kubelet) activePods() []*corev1.Pod {
	pods, _ := k.podInf.Lister().List(labels.Everything())
	var out []*corev1.Pod
	for _, p := range pods {
		if p.DeletionTimestamp != nil || corev1.IsPodTerminal(p) {
			continue
		}
		w := k.pods.Worker(p.UID)
		if w == nil {
			continue
		}
		if st := w.Status(); st != nil && (st.Phase == corev1.PodFailed || st.Phase == corev1.PodSucceeded) {
			continue
		}
		out = append(out, p)
	}
	return out
}

// admitAndUpdate hands a pod to its worker, first running admission for a
// pod the kubelet does not run yet: under node pressure the eviction
// manager may reject it, and the pod then fails with reason Evicted.
func (k *Kubelet) admitAndUpdate(p *corev1.Pod) {
	if p.DeletionTimestamp == nil && k.pods.Worker(p.UID) == nil {
		k.admit.mu.Lock()
		rejected := k.admit.rejected[p.UID]
		m := k.evict
		k.admit.mu.Unlock()
		if rejected || (p.Status.Phase == corev1.PodFailed && p.Status.Reason == eviction.Reason) {
			return
		}
		if m != nil {
			if ok, reason, msg := m.Admit(p); !ok {
				k.reject(p, reason, msg)
				return
			}
		}
	}
	k.pods.UpdatePod(k.prepare(p))
}

// forget drops the admission record of a deleted pod.
func (k *Kubelet) forget(p *corev1.Pod) {
	k.admit.mu.Lock()
	delete(k.admit.rejected, p.UID)
	k.admit.mu.Unlock()
}

// reject fails a pod that is not admitted, as Kubernetes does: a warning
// event and a Failed status whose message says the pod was rejected.
func (k *Kubelet) reject(p *corev1.Pod, reason, msg string) {
	k.admit.mu.Lock()
	if k.admit.rejected == nil {
		k.admit.rejected = map[types.UID]bool{}
	}
	k.admit.rejected[p.UID] = true
	k.admit.mu.Unlock()
	k.log.Info("pod rejected at admission", "pod", p.Namespace+"/"+p.Name, "reason", reason, "message", msg)
	if k.recorder != nil {
		k.recorder.Eventf(p, corev1.EventTypeWarning, reason, "%s", msg)
	}
	st := corev1.PodStatus{Phase: corev1.PodFailed, Reason: reason, Message: rejectedPrefix + msg, QOSClass: corev1.ComputePodQOS(p)}
	go k.sink.SetPodStatus(p.DeepCopy(), st)
}

// podKiller evicts through the pod workers.
type podKiller struct{ m *podworker.Manager }

// KillPod stops the pod through its worker and waits for it.
func (k podKiller) KillPod(ctx context.Context, pod *corev1.Pod, grace int64, reason, msg string, cond corev1.PodCondition) error {
	return k.m.KillPod(ctx, pod.UID, podworker.KillRequest{GracePeriod: grace, Reason: reason, Message: msg, Condition: cond})
}

// evictionRecorder records the eviction manager's events.
type evictionRecorder struct {
	r    record.EventRecorder
	node *corev1.Node
}

// PodEvent records an event about pod.
func (e evictionRecorder) PodEvent(pod *corev1.Pod, eventType, reason, msg string) {
	e.r.Eventf(pod, eventType, reason, "%s", msg)
}

// NodeEvent records an event about the node.
func (e evictionRecorder) NodeEvent(eventType, reason, msg string) {
	e.r.Eventf(e.node, eventType, reason, "%s", msg)
}

package queue

import (
	"sync"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/keel/pkg/scheduler/framework"
)

// Nominator tracks pods nominated to nodes by preemption. Safe for concurrent use.
type Nominator struct {
	mu     sync.RWMutex
	byNode map[string][]*framework.PodInfo
	byPod  map[string]string
}

var _ framework.PodNominator = (*Nominator)(nil)

// NewNominator returns an empty nominator.
func NewNominator() *Nominator {
	return &Nominator{byNode: map[string][]*framework.PodInfo{}, byPod: map[string]string{}}
}

// AddNominatedPod nominates pi to nodeName (or to its status.nominatedNodeName when empty).
func (n *Nominator) AddNominatedPod(pi *framework.PodInfo, nodeName string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.deleteLocked(pi.Pod)
	if nodeName == "" {
		nodeName = pi.Pod.Status.NominatedNodeName
	}
	if nodeName == "" || pi.Pod.Spec.NodeName != "" {
		return
	}
	n.byPod[framework.PodKey(pi.Pod)] = nodeName
	n.byNode[nodeName] = append(n.byNode[nodeName], pi)
}

// DeleteNominatedPodIfExists forgets the pod's nomination.
func (n *Nominator) DeleteNominatedPodIfExists(pod *corev1.Pod) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.deleteLocked(pod)
}

func (n *Nominator) deleteLocked(pod *corev1.Pod) {
	k := framework.PodKey(pod)
	node, ok := n.byPod[k]
	if !ok {
		return
	}
	delete(n.byPod, k)
	list := n.byNode[node]
	for i, pi := range list {
		if framework.PodKey(pi.Pod) == k {
			list = append(list[:i:i], list[i+1:]...)
			break
		}
	}
	if len(list) == 0 {
		delete(n.byNode, node)
	} else {
		n.byNode[node] = list
	}
}

// NominatedPodsForNode returns the pods nominated to nodeName.
func (n *Nominator) NominatedPodsForNode(nodeName string) []*framework.PodInfo {
	n.mu.RLock()
	defer n.mu.RUnlock()
	if len(n.byNode) == 0 {
		return nil
	}
	return n.byNode[nodeName]
}

// NominatedNodeName returns the node pod is nominated to.
func (n *Nominator) NominatedNodeName(pod *corev1.Pod) string {
	n.mu.RLock()
	defer n.mu.RUnlock()
	return n.byPod[framework.PodKey(pod)]
}

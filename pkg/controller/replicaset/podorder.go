package replicaset

import (
	"sort"
	"time"

	corev1 "keel.dev/api/core/v1"
)

// phaseRank orders phases so that pods in earlier phases are deleted first.
func phaseRank(p corev1.PodPhase) int {
	switch p {
	case corev1.PodPending:
		return 0
	case corev1.PodUnknown:
		return 1
	case corev1.PodRunning:
		return 2
	}
	return 3
}

// readySince returns when pod became ready, or the zero time.
func readySince(pod *corev1.Pod) time.Time {
	_, c := corev1.GetPodCondition(&pod.Status, corev1.PodReady)
	if c == nil || c.Status != corev1.ConditionTrue {
		return time.Time{}
	}
	return c.LastTransitionTime.Time
}

// restarts is the highest restart count among the pod's containers.
func restarts(pod *corev1.Pod) int32 {
	var n int32
	for _, s := range pod.Status.ContainerStatuses {
		n = max(n, s.RestartCount)
	}
	return n
}

// deletionOrder sorts pods so that the ones best deleted first come first:
// unscheduled before scheduled, Pending before Unknown before Running,
// not ready before ready, pods sharing a node with more siblings first,
// more recently ready first, more restarts first, newer first.
func deletionOrder(pods []*corev1.Pod) {
	perNode := map[string]int{}
	for _, p := range pods {
		if p.Spec.NodeName != "" {
			perNode[p.Spec.NodeName]++
		}
	}
	sort.SliceStable(pods, func(i, j int) bool {
		a, b := pods[i], pods[j]
		if (a.Spec.NodeName == "") != (b.Spec.NodeName == "") {
			return a.Spec.NodeName == ""
		}
		if ra, rb := phaseRank(a.Status.Phase), phaseRank(b.Status.Phase); ra != rb {
			return ra < rb
		}
		if ra, rb := corev1.IsPodReady(a), corev1.IsPodReady(b); ra != rb {
			return !ra
		}
		if na, nb := perNode[a.Spec.NodeName], perNode[b.Spec.NodeName]; na != nb {
			return na > nb
		}
		if ta, tb := readySince(a), readySince(b); !ta.Equal(tb) {
			return ta.After(tb)
		}
		if ra, rb := restarts(a), restarts(b); ra != rb {
			return ra > rb
		}
		if ca, cb := a.CreationTimestamp.Time, b.CreationTimestamp.Time; !ca.Equal(cb) {
			return ca.After(cb)
		}
		return a.Name < b.Name
	})
}

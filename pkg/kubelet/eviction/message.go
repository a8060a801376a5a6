package eviction

import (
	"fmt"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/apimachinery/pkg/api/resource"
	"keel.dev/apimachinery/pkg/types"
)

// evictionMessage explains an eviction the way Kubernetes words it: the
// starved resource, the threshold and what was available, and every
// container whose usage exceeded its request.
func evictionMessage(res corev1.ResourceName, pod *corev1.Pod, stats map[types.UID]PodUsage, thresholds []Threshold, active []int, obs Observations) string {
	msg := fmt.Sprintf(nodeLowMessageFmt, res)
	for _, i := range active {
		t := thresholds[i]
		if t.Signal.Resource() != res {
			continue
		}
		if o, ok := obs[t.Signal]; ok {
			avail := resource.NewQuantity(o.Available, signals[t.Signal].format)
			msg += fmt.Sprintf(thresholdMetMessageFmt, t.Value.Of(t.Signal, o.Capacity), avail)
			break
		}
	}
	u, ok := stats[pod.UID]
	if !ok {
		return msg
	}
	containers := append(append([]corev1.Container(nil), pod.Spec.Containers...), pod.Spec.InitContainers...)
	for _, c := range containers {
		cu, ok := u.Containers[c.Name]
		if !ok {
			continue
		}
		var used *resource.Quantity
		switch res {
		case corev1.ResourceMemory:
			used = resource.NewQuantity(cu.WorkingSet, resource.BinarySI)
		case corev1.ResourceEphemeralStorage:
			used = resource.NewQuantity(cu.RootFS.Bytes+cu.Logs.Bytes, resource.BinarySI)
		default:
			continue
		}
		req := c.Resources.Requests[res]
		if used.Cmp(req) > 0 {
			msg += fmt.Sprintf(containerMessageFmt, c.Name, used.String(), req.String(), res)
		}
	}
	return msg
}

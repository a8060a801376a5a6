package eviction

import (
	"sort"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/apimachinery/pkg/types"
)

// podRequest is the pod's effective request of name: the larger of its
// regular containers plus sidecars and its largest init container, plus
// the pod overhead; pod-level requests win when set.
func podRequest(pod *corev1.Pod, name corev1.ResourceName) int64 {
	if r := pod.Spec.Resources; r != nil {
		if q, ok := r.Requests[name]; ok {
			return q.Value()
		}
	}
	var sum, sidecars, initMax int64
	for i := range pod.Spec.Containers {
		if q, ok := pod.Spec.Containers[i].Resources.Requests[name]; ok {
			sum += q.Value()
		}
	}
	for i := range pod.Spec.InitContainers {
		c := &pod.Spec.InitContainers[i]
		q, ok := c.Resources.Requests[name]
		if !ok {
			continue
		}
		if corev1.IsRestartableInitContainer(c) {
			sidecars += q.Value()
			continue
		}
		if v := q.Value() + sidecars; v > initMax {
			initMax = v
		}
	}
	total := sum + sidecars
	if initMax > total {
		total = initMax
	}
	if q, ok := pod.Spec.Overhead[name]; ok {
		total += q.Value()
	}
	return total
}

func podPriority(pod *corev1.Pod) int32 {
	if pod.Spec.Priority != nil {
		return *pod.Spec.Priority
	}
	return 0
}

// diskKinds selects which disk usage counts for a signal.
type diskKinds struct{ rootfs, logs, volumes bool }

// measureFor returns what the ranking of signal measures: memory, disk
// bytes or inodes (with the kinds of disk usage), or processes.
func diskKindsFor(s Signal, dedicatedImageFs bool) diskKinds {
	if !dedicatedImageFs {
		return diskKinds{rootfs: true, logs: true, volumes: true}
	}
	switch s {
	case SignalImageFsAvailable, SignalImageFsInodesFree:
		return diskKinds{rootfs: true}
	}
	return diskKinds{logs: true, volumes: true}
}

func diskOf(u PodUsage, k diskKinds) DiskUsage {
	var d DiskUsage
	for _, c := range u.Containers {
		if k.rootfs {
			d.add(c.RootFS)
		}
		if k.logs {
			d.add(c.Logs)
		}
	}
	if k.volumes {
		d.add(u.Volumes)
	}
	return d
}

// usageFunc returns a pod's usage of the reclaimed resource and whether
// stats were found.
type usageFunc func(pod *corev1.Pod) (int64, bool)

// usageFor builds the usage function of signal over the measured stats.
func usageFor(s Signal, stats map[types.UID]PodUsage, dedicatedImageFs bool) usageFunc {
	return func(pod *corev1.Pod) (int64, bool) {
		u, ok := stats[pod.UID]
		if !ok {
			return 0, false
		}
		switch s.Resource() {
		case corev1.ResourceMemory:
			return u.Memory(), true
		case corev1.ResourceEphemeralStorage:
			return diskOf(u, diskKindsFor(s, dedicatedImageFs)).Bytes, true
		case ResourceInodes:
			return diskOf(u, diskKindsFor(s, dedicatedImageFs)).Inodes, true
		default:
			return u.Processes, true
		}
	}
}

// rankPods orders pods for eviction on signal, first to evict first. For
// memory and disk: pods whose usage exceeds their request, then lower
// priority, then larger usage above request. For PIDs: lower priority,
// then more processes. Pods without stats go first within each tier.
func rankPods(pods []*corev1.Pod, s Signal, usage usageFunc) {
	res := s.Resource()
	request := func(p *corev1.Pod) int64 {
		if res == corev1.ResourceMemory || res == corev1.ResourceEphemeralStorage {
			return podRequest(p, res)
		}
		return 0
	}
	type key struct {
		noStats, exceeds bool
		priority         int32
		above            int64
	}
	keys := make(map[*corev1.Pod]key, len(pods))
	for _, p := range pods {
		u, ok := usage(p)
		r := request(p)
		keys[p] = key{noStats: !ok, exceeds: ok && u > r, priority: podPriority(p), above: u - r}
	}
	usesRequests := res != ResourcePIDs
	// each comparison returns <0 when a goes first, >0 when b does.
	cmps := []func(a, b key) int{
		func(a, b key) int {
			if !usesRequests {
				return 0
			}
			if a.noStats || b.noStats {
				return trueFirst(a.noStats, b.noStats)
			}
			return trueFirst(a.exceeds, b.exceeds)
		},
		func(a, b key) int { return cmpInt(int64(a.priority), int64(b.priority)) },
		func(a, b key) int {
			if a.noStats || b.noStats {
				return trueFirst(a.noStats, b.noStats)
			}
			return cmpInt(b.above, a.above)
		},
	}
	sort.SliceStable(pods, func(i, j int) bool {
		a, b := keys[pods[i]], keys[pods[j]]
		for _, c := range cmps {
			if r := c(a, b); r != 0 {
				return r < 0
			}
		}
		return false
	})
}

// trueFirst orders true before false.
func trueFirst(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return -1
	}
	return 1
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

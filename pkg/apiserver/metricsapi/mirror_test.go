package metricsapi

import (
	"testing"
	"time"

	corev1 "keel.dev/api/core/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
)

func TestPodMetricsMatchesMirrorPodsByTheirStaticPodUID(t *testing.T) {
	cpu, mem := uint64(5_000_000), uint64(1<<20)
	now := time.Unix(1700000000, 0)
	sum := &Summary{Pods: []PodStats{{
		PodRef: PodReference{Name: "web-node1", Namespace: "kube-system", UID: "c0ffee"},
		Containers: []ContainerStats{{Name: "web",
			CPU:    &CPUStats{Time: now, UsageNanoCores: &cpu},
			Memory: &MemoryStats{Time: now, WorkingSetBytes: &mem}}},
	}}}
	s := &source{window: DefaultWindow, now: func() time.Time { return now }}
	pod := func(mirror string) *corev1.Pod {
		p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "web-node1", Namespace: "kube-system", UID: "api-uid"}}
		if mirror != "" {
			p.Annotations = map[string]string{mirrorAnnotation: mirror}
		}
		return p
	}
	if _, ok := s.podMetrics(pod("c0ffee"), sum); !ok {
		t.Error("the mirror of the static pod in the summary got no metrics")
	}
	if _, ok := s.podMetrics(pod(""), sum); ok {
		t.Error("a pod with another UID and no mirror annotation was matched")
	}
	if _, ok := s.podMetrics(pod("other"), sum); ok {
		t.Error("a mirror of another static pod was matched")
	}
}

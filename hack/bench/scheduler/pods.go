package main

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"time"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/apimachinery/pkg/api/resource"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
)

func podName(i int) string { return "pod-" + strconv.Itoa(i) }

func basicPod(i int) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: podName(i), Namespace: namespace, Labels: map[string]string{"app": "bench"}},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{
			Name: "pause", Image: "keel.local/pause:3",
			Resources: corev1.ResourceRequirements{Requests: corev1.ResourceList{
				corev1.ResourceCPU: resource.MustParse("100m"), corev1.ResourceMemory: resource.MustParse("100Mi"),
			}},
		}}},
	}
}

// antiAffinityPod repels every other pod of the scenario from its host.
func antiAffinityPod(i int) *corev1.Pod {
	p := basicPod(i)
	p.Labels = map[string]string{"app": "anti"}
	p.Spec.Affinity = &corev1.Affinity{PodAntiAffinity: &corev1.PodAntiAffinity{
		RequiredDuringSchedulingIgnoredDuringExecution: []corev1.PodAffinityTerm{{
			LabelSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "anti"}},
			TopologyKey:   "kubernetes.io/hostname",
		}},
	}}
	return p
}

// spreadPod spreads the scenario's pods over the zones with maxSkew 1.
func spreadPod(i int) *corev1.Pod {
	p := basicPod(i)
	p.Labels = map[string]string{"app": "spread"}
	p.Spec.TopologySpreadConstraints = []corev1.TopologySpreadConstraint{{
		MaxSkew: 1, TopologyKey: "topology.kubernetes.io/zone", WhenUnsatisfiable: corev1.DoNotSchedule,
		LabelSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "spread"}},
	}}
	return p
}

func percentile(ds []time.Duration, q float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	slices.Sort(ds)
	i := int(q*float64(len(ds))+0.5) - 1
	return ds[max(0, min(i, len(ds)-1))]
}

func printResults(out io.Writer, rs []result, header bool) {
	if header {
		fmt.Fprintf(out, "%-28s %6s %6s %7s %9s %9s %9s %10s %10s  %s\n", "scenario", "nodes", "pods", "bound", "pods/s", "p50", "p99", "rss(MiB)", "peak(MiB)", "target")
	}
	for _, r := range rs {
		target := "-"
		if r.target > 0 {
			verdict := "MET"
			if r.podsPerSecond() < r.target {
				verdict = "MISSED"
			}
			target = fmt.Sprintf(">= %.0f pods/s: %s", r.target, verdict)
		}
		if r.nodes >= 5000 {
			verdict := "MET"
			if r.rssMax > 120<<20 {
				verdict = "MISSED"
			}
			target += fmt.Sprintf("; RSS <= 120 MiB: %s", verdict)
		}
		if r.err != nil {
			target += " (FAILED)"
		}
		fmt.Fprintf(out, "%-28s %6d %6d %7d %9.0f %9s %9s %10.1f %10.1f  %s\n", r.name, r.nodes, r.pods, r.bound, r.podsPerSecond(),
			r.p50.Round(time.Millisecond), r.p99.Round(time.Millisecond), float64(r.rssEnd)/(1<<20), float64(r.rssMax)/(1<<20), target)
	}
}

package registry

import (
	"testing"

	corev1 "keel.dev/api/core/v1"
)

func TestDefaultTolerationsAreAddedOnce(t *testing.T) {
	cases := []struct {
		name string
		in   []corev1.Toleration
		want int
	}{
		{"a pod without tolerations gets both defaults", nil, 2},
		{"a pod tolerating everything gets none", []corev1.Toleration{{Operator: corev1.TolerationOpExists}}, 1},
		{"a pod tolerating not-ready keeps its own and gets unreachable", []corev1.Toleration{{Key: "node.kubernetes.io/not-ready", Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoExecute}}, 2},
		{"a NoSchedule toleration does not count", []corev1.Toleration{{Key: "node.kubernetes.io/not-ready", Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoSchedule}}, 3},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := &corev1.Pod{Spec: corev1.PodSpec{Tolerations: c.in}}
			addDefaultTolerations(p)
			if len(p.Spec.Tolerations) != c.want {
				t.Fatalf("tolerations = %+v", p.Spec.Tolerations)
			}
			for _, tol := range p.Spec.Tolerations[len(c.in):] {
				if tol.TolerationSeconds == nil || *tol.TolerationSeconds != 300 || tol.Effect != corev1.TaintEffectNoExecute {
					t.Fatalf("default toleration = %+v", tol)
				}
			}
		})
	}
}

package v1

import corev1 "keel.dev/api/core/v1"

// SetDefaults_PriorityClass defaults the preemption policy to
// PreemptLowerPriority.
func SetDefaults_PriorityClass(pc *PriorityClass) {
	if pc.PreemptionPolicy == nil {
		p := corev1.PreemptLowerPriority
		pc.PreemptionPolicy = &p
	}
}

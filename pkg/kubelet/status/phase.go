package status

import corev1 "keel.dev/api/core/v1"

// Phase computes the pod phase from its container statuses the way the
// Kubernetes kubelet does.
func Phase(pod *corev1.Pod, initStatuses, statuses []corev1.ContainerStatus) corev1.PodPhase {
	policy := pod.Spec.RestartPolicy
	pendingInit, failedInit := false, false
	for i := range pod.Spec.InitContainers {
		c, s := &pod.Spec.InitContainers[i], initStatuses[i]
		if corev1.IsRestartableInitContainer(c) {
			if s.State.Running == nil || s.Started == nil || !*s.Started {
				pendingInit = true
			}
			continue
		}
		switch {
		case s.State.Running != nil:
			pendingInit = true
		case s.State.Terminated != nil:
			if s.State.Terminated.ExitCode != 0 {
				failedInit = true
			}
		case s.State.Waiting != nil:
			if t := s.LastTerminationState.Terminated; t != nil && t.ExitCode != 0 {
				failedInit = true
			} else {
				pendingInit = true
			}
		default:
			pendingInit = true
		}
	}
	if failedInit && policy == corev1.RestartPolicyNever {
		return corev1.PodFailed
	}
	if failedInit || pendingInit {
		// Sidecars that run while regular containers already do belong to a
		// pod that is past initialization (e.g. a restarted sidecar).
		if failedInit || !anyAppStarted(statuses) {
			return corev1.PodPending
		}
	}
	running, waiting, stopped, succeeded := 0, 0, 0, 0
	for _, s := range statuses {
		switch {
		case s.State.Running != nil:
			running++
		case s.State.Terminated != nil:
			stopped++
			if s.State.Terminated.ExitCode == 0 {
				succeeded++
			}
		case s.State.Waiting != nil:
			if s.LastTerminationState.Terminated != nil {
				stopped++
			} else {
				waiting++
			}
		}
	}
	switch {
	case waiting > 0:
		return corev1.PodPending
	case running > 0:
		return corev1.PodRunning
	case stopped > 0:
		switch {
		case policy == corev1.RestartPolicyAlways:
			return corev1.PodRunning
		case stopped == succeeded:
			return corev1.PodSucceeded
		case policy == corev1.RestartPolicyNever:
			return corev1.PodFailed
		default:
			return corev1.PodRunning
		}
	}
	return corev1.PodPending
}

func anyAppStarted(statuses []corev1.ContainerStatus) bool {
	for _, s := range statuses {
		if s.State.Running != nil || s.State.Terminated != nil || s.LastTerminationState.Terminated != nil {
			return true
		}
	}
	return false
}

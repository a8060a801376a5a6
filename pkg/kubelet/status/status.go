package status

import (
	"fmt"
	"strings"
	"time"

	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"

	corev1 "keel.dev/api/core/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/keel/pkg/kubelet/cri"
)

// Waiting reasons and condition reasons Kubernetes reports.
const (
	ReasonContainerCreating = "ContainerCreating"
	ReasonPodInitializing   = "PodInitializing"
	ReasonCrashLoopBackOff  = "CrashLoopBackOff"
	ReasonErrImagePull      = "ErrImagePull"
	ReasonImagePullBackOff  = "ImagePullBackOff"
	ReasonErrImageNeverPull = "ErrImageNeverPull"
	ReasonCompleted         = "Completed"
	ReasonError             = "Error"
	ReasonOOMKilled         = "OOMKilled"
	ReasonContainersNotInit = "ContainersNotInitialized"
	ReasonContainersNotRdy  = "ContainersNotReady"
	ReasonPodCompleted      = "PodCompleted"
)

// Compute builds the status of pod from in, keeping transition times and
// fields the kubelet does not own from pod.Status.
func Compute(pod *corev1.Pod, in Input) corev1.PodStatus {
	old := pod.Status
	st := corev1.PodStatus{
		ObservedGeneration: pod.Generation,
		NominatedNodeName:  old.NominatedNodeName,
		QOSClass:           corev1.ComputePodQOS(pod),
		StartTime:          old.StartTime,
	}
	if st.StartTime == nil {
		t := metav1.NewTime(in.Now)
		st.StartTime = &t
	}
	if len(in.HostIPs) > 0 {
		st.HostIP = in.HostIPs[0]
		for _, ip := range in.HostIPs {
			st.HostIPs = append(st.HostIPs, corev1.HostIP{IP: ip})
		}
	}
	podIPs := in.PodIPs
	if pod.Spec.HostNetwork && len(podIPs) == 0 {
		podIPs = in.HostIPs
	}
	if len(podIPs) > 0 {
		st.PodIP = podIPs[0]
		for _, ip := range podIPs {
			st.PodIPs = append(st.PodIPs, corev1.PodIP{IP: ip})
		}
	}
	defaultReason := ReasonContainerCreating
	if len(pod.Spec.InitContainers) > 0 {
		defaultReason = ReasonPodInitializing
	}
	st.InitContainerStatuses = containerStatuses(pod.Spec.InitContainers, in, defaultReason)
	st.ContainerStatuses = containerStatuses(pod.Spec.Containers, in, defaultReason)
	st.Phase = Phase(pod, st.InitContainerStatuses, st.ContainerStatuses)

	initialized, notInit := initState(pod, st.InitContainerStatuses)
	var notReady []string
	for i, c := range pod.Spec.InitContainers {
		if corev1.IsRestartableInitContainer(&pod.Spec.InitContainers[i]) && !st.InitContainerStatuses[i].Ready {
			notReady = append(notReady, c.Name)
		}
	}
	for i, c := range pod.Spec.Containers {
		if !st.ContainerStatuses[i].Ready {
			notReady = append(notReady, c.Name)
		}
	}
	conds := []corev1.PodCondition{
		cond(corev1.PodReadyToStartContainers, in.SandboxReady, "", ""),
		cond(corev1.PodInitialized, initialized, ReasonContainersNotInit, listMsg("incomplete", notInit)),
	}
	switch {
	case st.Phase == corev1.PodSucceeded:
		conds = append(conds, cond(corev1.ContainersReady, false, ReasonPodCompleted, ""), cond(corev1.PodReady, false, ReasonPodCompleted, ""))
	case st.Phase == corev1.PodFailed && len(notReady) == 0:
		conds = append(conds, cond(corev1.ContainersReady, false, ReasonContainersNotRdy, ""), cond(corev1.PodReady, false, ReasonContainersNotRdy, ""))
	default:
		ready := len(notReady) == 0
		conds = append(conds, cond(corev1.ContainersReady, ready, ReasonContainersNotRdy, listMsg("unready", notReady)))
		podReady, gateMsg := ready, ""
		if ready {
			var missing []string
			for _, g := range pod.Spec.ReadinessGates {
				if _, c := corev1.GetPodCondition(&old, g.ConditionType); c == nil || c.Status != corev1.ConditionTrue {
					missing = append(missing, string(g.ConditionType))
				}
			}
			if len(missing) > 0 {
				podReady = false
				gateMsg = "corresponding condition of pod readiness gate " + strings.Join(quoteAll(missing), ", ") + " does not exist."
			}
		}
		rc := cond(corev1.PodReady, podReady, ReasonContainersNotRdy, listMsg("unready", notReady))
		if gateMsg != "" {
			rc.Reason, rc.Message = "ReadinessGatesNotReady", gateMsg
		}
		conds = append(conds, rc)
	}
	if _, c := corev1.GetPodCondition(&old, corev1.PodScheduled); c != nil {
		conds = append(conds, *c)
	} else {
		conds = append(conds, cond(corev1.PodScheduled, true, "", ""))
	}
	// keep conditions owned by others (readiness gates, DisruptionTarget ...).
	for _, c := range old.Conditions {
		switch c.Type {
		case corev1.PodReadyToStartContainers, corev1.PodInitialized, corev1.ContainersReady, corev1.PodReady, corev1.PodScheduled:
		default:
			conds = append(conds, c)
		}
	}
	for i := range conds {
		c := &conds[i]
		c.ObservedGeneration = pod.Generation
		if _, prev := corev1.GetPodCondition(&old, c.Type); prev != nil && prev.Status == c.Status {
			c.LastTransitionTime = prev.LastTransitionTime
		} else if c.LastTransitionTime.IsZero() {
			c.LastTransitionTime = metav1.NewTime(in.Now)
		}
	}
	st.Conditions = conds
	return st
}

func quoteAll(s []string) []string {
	out := make([]string, len(s))
	for i, v := range s {
		out[i] = fmt.Sprintf("%q", v)
	}
	return out
}

func listMsg(what string, names []string) string {
	if len(names) == 0 {
		return ""
	}
	return fmt.Sprintf("containers with %s status: [%s]", what, strings.Join(names, " "))
}

func cond(t corev1.PodConditionType, ok bool, reason, msg string) corev1.PodCondition {
	if ok {
		return corev1.PodCondition{Type: t, Status: corev1.ConditionTrue}
	}
	return corev1.PodCondition{Type: t, Status: corev1.ConditionFalse, Reason: reason, Message: msg}
}

// initState reports whether every init container is done (sidecars
// started) and which are not.
func initState(pod *corev1.Pod, statuses []corev1.ContainerStatus) (bool, []string) {
	var pending []string
	for i := range pod.Spec.InitContainers {
		c, s := &pod.Spec.InitContainers[i], statuses[i]
		if corev1.IsRestartableInitContainer(c) {
			if s.Started == nil || !*s.Started {
				pending = append(pending, c.Name)
			}
			continue
		}
		if s.State.Terminated == nil || s.State.Terminated.ExitCode != 0 {
			pending = append(pending, c.Name)
		}
	}
	return len(pending) == 0, pending
}

// TerminatedReason maps a runtime's exit to Kubernetes' terminated reason.
func TerminatedReason(c Container) string {
	if c.Reason != "" {
		return c.Reason
	}
	if c.ExitCode == 0 {
		return ReasonCompleted
	}
	return ReasonError
}

func terminated(c Container, runtimeName string) *corev1.ContainerStateTerminated {
	return &corev1.ContainerStateTerminated{
		ExitCode:    c.ExitCode,
		Reason:      TerminatedReason(c),
		Message:     c.Message,
		StartedAt:   timeOrZero(c.StartedAt),
		FinishedAt:  timeOrZero(c.FinishedAt),
		ContainerID: cri.FormatContainerID(runtimeName, c.ID),
	}
}

func containerStatuses(specs []corev1.Container, in Input, defaultReason string) []corev1.ContainerStatus {
	out := make([]corev1.ContainerStatus, 0, len(specs))
	for i := range specs {
		spec := &specs[i]
		cs := corev1.ContainerStatus{Name: spec.Name, Image: spec.Image}
		inst := in.Containers[spec.Name]
		w, hasWaiting := in.Waiting[spec.Name]
		f := false
		cs.Started = &f
		if len(inst) == 0 {
			reason := defaultReason
			msg := ""
			if hasWaiting {
				reason, msg = w.Reason, w.Message
			}
			cs.State.Waiting = &corev1.ContainerStateWaiting{Reason: reason, Message: msg}
			out = append(out, cs)
			continue
		}
		cur := inst[0]
		cs.ContainerID = cri.FormatContainerID(in.RuntimeName, cur.ID)
		cs.ImageID = cur.ImageRef
		cs.RestartCount = cur.RestartCount
		var prev *Container
		if len(inst) > 1 {
			prev = &inst[1]
		}
		switch cur.State {
		case runtimeapi.ContainerState_CONTAINER_RUNNING:
			cs.State.Running = &corev1.ContainerStateRunning{StartedAt: timeOrZero(cur.StartedAt)}
			started, hasStarted := in.Started[cur.ID]
			cs.Started = &started
			if !hasStarted {
				t := true
				cs.Started = &t
			}
			cs.Ready = *cs.Started && in.Ready[cur.ID]
			if prev != nil {
				cs.LastTerminationState.Terminated = terminated(*prev, in.RuntimeName)
			}
		case runtimeapi.ContainerState_CONTAINER_EXITED:
			if hasWaiting {
				cs.State.Waiting = &corev1.ContainerStateWaiting{Reason: w.Reason, Message: w.Message}
				cs.LastTerminationState.Terminated = terminated(cur, in.RuntimeName)
			} else {
				cs.State.Terminated = terminated(cur, in.RuntimeName)
				if prev != nil {
					cs.LastTerminationState.Terminated = terminated(*prev, in.RuntimeName)
				}
			}
		default:
			reason, msg := defaultReason, ""
			if hasWaiting {
				reason, msg = w.Reason, w.Message
			} else if cur.State == runtimeapi.ContainerState_CONTAINER_CREATED {
				reason = ReasonContainerCreating
			}
			cs.State.Waiting = &corev1.ContainerStateWaiting{Reason: reason, Message: msg}
			if prev != nil {
				cs.LastTerminationState.Terminated = terminated(*prev, in.RuntimeName)
			}
		}
		out = append(out, cs)
	}
	return out
}

func timeOrZero(t time.Time) metav1.Time {
	if t.IsZero() {
		return metav1.Time{}
	}
	return metav1.NewTime(t)
}

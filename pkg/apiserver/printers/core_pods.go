package printers

import (
	"fmt"
	"strconv"

	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/labels"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"

	corev1 "keel.dev/api/core/v1"
)

// nodeLostReason is the pod status reason the node lifecycle controller sets
// on pods of an unreachable node.
const nodeLostReason = "NodeLost"

// schedulingGatedReason is the PodScheduled reason of a pod held by gates.
const schedulingGatedReason = "SchedulingGated"

var podColumns = []metav1.TableColumnDefinition{
	nameColumn,
	str("Ready", "Ready containers out of all containers of the pod."),
	str("Status", "A one-word summary of the pod's containers and phase."),
	str("Restarts", "Container restarts, with the time of the last one."),
	ageColumn,
	wide(str("IP", "The pod's primary IP address.")),
	wide(str("Node", "The node the pod is bound to.")),
	wide(str("Nominated Node", "The node the scheduler nominated after preempting pods.")),
	wide(str("Readiness Gates", "Readiness gates whose condition is True, out of all gates.")),
}

// Row conditions of finished pods.
var (
	podSucceededConditions = []metav1.TableRowCondition{{Type: metav1.RowCompleted, Status: metav1.ConditionTrue, Reason: string(corev1.PodSucceeded), Message: "The pod has completed successfully."}}
	podFailedConditions    = []metav1.TableRowCondition{{Type: metav1.RowCompleted, Status: metav1.ConditionTrue, Reason: string(corev1.PodFailed), Message: "The pod failed."}}
)

func addPodHandlers(p *Printers) {
	p.handlers[schema.GroupResource{Resource: "pods"}] = &handler{columns: podColumns, row: func(p *Printers, obj runtime.Object) ([]any, []metav1.TableRowCondition, error) {
		pod, ok := obj.(*corev1.Pod)
		if !ok {
			return nil, nil, fmt.Errorf("printing pods: unexpected object type %T", obj)
		}
		cells, conds := p.podRow(pod)
		return cells, conds, nil
	}}
	add(p, schema.GroupResource{Resource: "podtemplates"}, []metav1.TableColumnDefinition{
		nameColumn,
		str("Containers", "Names of the template's containers."),
		str("Images", "Images of the template's containers."),
		str("Pod Labels", "Labels of the pods made from the template."),
	}, func(_ *Printers, t *corev1.PodTemplate) ([]any, error) {
		names, images := containerCells(t.Template.Spec.Containers)
		return []any{t.Name, names, images, labels.FormatLabels(t.Template.Labels)}, nil
	})
}

func isSidecar(c *corev1.Container) bool {
	return c != nil && c.RestartPolicy != nil && *c.RestartPolicy == corev1.ContainerRestartPolicyAlways
}

func podConditionTrue(st *corev1.PodStatus, t corev1.PodConditionType) bool {
	for _, c := range st.Conditions {
		if c.Type == t && c.Status == corev1.ConditionTrue {
			return true
		}
	}
	return false
}

// laterTermination returns the later of last and the finish time of the
// container's previous termination.
func laterTermination(last metav1.Time, cs *corev1.ContainerStatus) metav1.Time {
	if t := cs.LastTerminationState.Terminated; t != nil && last.Time.Before(t.FinishedAt.Time) {
		return t.FinishedAt
	}
	return last
}

// podRow computes the cells of a pod the way kubectl shows them.
func (p *Printers) podRow(pod *corev1.Pod) ([]any, []metav1.TableRowCondition) {
	var conds []metav1.TableRowCondition
	switch pod.Status.Phase {
	case corev1.PodSucceeded:
		conds = append(conds, podSucceededConditions...)
	case corev1.PodFailed:
		conds = append(conds, podFailedConditions...)
	}

	total := len(pod.Spec.Containers)
	ready := 0
	reason := string(pod.Status.Phase)
	if pod.Status.Reason != "" {
		reason = pod.Status.Reason
	}
	for _, c := range pod.Status.Conditions {
		if c.Type == corev1.PodScheduled && c.Reason == schedulingGatedReason {
			reason = schedulingGatedReason
		}
	}

	inits := map[string]*corev1.Container{}
	for i := range pod.Spec.InitContainers {
		c := &pod.Spec.InitContainers[i]
		inits[c.Name] = c
		if isSidecar(c) {
			total++
		}
	}

	restarts, sidecarRestarts := 0, 0
	var lastRestart, lastSidecarRestart metav1.Time
	initializing := false
	for i := range pod.Status.InitContainerStatuses {
		cs := &pod.Status.InitContainerStatuses[i]
		restarts += int(cs.RestartCount)
		lastRestart = laterTermination(lastRestart, cs)
		sidecar := isSidecar(inits[cs.Name])
		if sidecar {
			sidecarRestarts += int(cs.RestartCount)
			lastSidecarRestart = laterTermination(lastSidecarRestart, cs)
		}
		term, wait := cs.State.Terminated, cs.State.Waiting
		switch {
		case term != nil && term.ExitCode == 0:
			continue
		case sidecar && cs.Started != nil && *cs.Started:
			if cs.Ready {
				ready++
			}
			continue
		case term != nil:
			switch {
			case term.Reason != "":
				reason = "Init:" + term.Reason
			case term.Signal != 0:
				reason = fmt.Sprintf("Init:Signal:%d", term.Signal)
			default:
				reason = fmt.Sprintf("Init:ExitCode:%d", term.ExitCode)
			}
		case wait != nil && wait.Reason != "" && wait.Reason != "PodInitializing":
			reason = "Init:" + wait.Reason
		default:
			reason = fmt.Sprintf("Init:%d/%d", i, len(pod.Spec.InitContainers))
		}
		initializing = true
		break
	}

	if !initializing || podConditionTrue(&pod.Status, corev1.PodInitialized) {
		restarts, lastRestart = sidecarRestarts, lastSidecarRestart
		running := false
		for i := len(pod.Status.ContainerStatuses) - 1; i >= 0; i-- {
			cs := &pod.Status.ContainerStatuses[i]
			restarts += int(cs.RestartCount)
			lastRestart = laterTermination(lastRestart, cs)
			term, wait := cs.State.Terminated, cs.State.Waiting
			switch {
			case wait != nil && wait.Reason != "":
				reason = wait.Reason
			case term != nil && term.Reason != "":
				reason = term.Reason
			case term != nil && term.Signal != 0:
				reason = fmt.Sprintf("Signal:%d", term.Signal)
			case term != nil:
				reason = fmt.Sprintf("ExitCode:%d", term.ExitCode)
			case cs.Ready && cs.State.Running != nil:
				running = true
				ready++
			}
		}
		if reason == "Completed" && running {
			if podConditionTrue(&pod.Status, corev1.PodReady) {
				reason = "Running"
			} else {
				reason = "NotReady"
			}
		}
	}

	terminal := pod.Status.Phase == corev1.PodSucceeded || pod.Status.Phase == corev1.PodFailed
	switch {
	case pod.DeletionTimestamp != nil && pod.Status.Reason == nodeLostReason:
		reason = "Unknown"
	case pod.DeletionTimestamp != nil && !terminal:
		reason = "Terminating"
	}

	restartStr := strconv.Itoa(restarts)
	if restarts != 0 && !lastRestart.IsZero() {
		restartStr = fmt.Sprintf("%d (%s ago)", restarts, p.since(lastRestart))
	}

	ip := ""
	if len(pod.Status.PodIPs) > 0 {
		ip = pod.Status.PodIPs[0].IP
	}
	if ip == "" {
		ip = pod.Status.PodIP
	}
	gates := "<none>"
	if n := len(pod.Spec.ReadinessGates); n > 0 {
		trueGates := 0
		for _, g := range pod.Spec.ReadinessGates {
			for _, c := range pod.Status.Conditions {
				if c.Type == g.ConditionType {
					if c.Status == corev1.ConditionTrue {
						trueGates++
					}
					break
				}
			}
		}
		gates = fmt.Sprintf("%d/%d", trueGates, n)
	}
	return []any{
		pod.Name, fmt.Sprintf("%d/%d", ready, total), reason, restartStr, p.since(pod.CreationTimestamp),
		orNone(ip), orNone(pod.Spec.NodeName), orNone(pod.Status.NominatedNodeName), gates,
	}, conds
}

// orNone returns s, or "<none>" when it is empty.
func orNone(s string) string {
	if s == "" {
		return "<none>"
	}
	return s
}

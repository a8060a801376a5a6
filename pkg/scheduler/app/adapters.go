package app

import (
	"context"
	"encoding/json"
	"fmt"

	corev1 "keel.dev/api/core/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/types"
	"keel.dev/client/record"
	"keel.dev/client/typed"
)

// binder binds through POST pods/binding.
type binder struct{ cs *typed.Clientset }

// Bind posts a Binding of pod to nodeName.
func (b binder) Bind(ctx context.Context, pod *corev1.Pod, nodeName string) error {
	return b.cs.CoreV1().Pods(pod.Namespace).Bind(ctx, &corev1.Binding{
		ObjectMeta: metav1.ObjectMeta{Namespace: pod.Namespace, Name: pod.Name, UID: pod.UID},
		Target:     corev1.ObjectReference{Kind: "Node", Name: nodeName},
	}, metav1.CreateOptions{})
}

// evictor marks a preemption victim with the DisruptionTarget condition and
// deletes it gracefully (the pod's own grace period), as kube-scheduler does.
type evictor struct{ cs *typed.Clientset }

// Evict removes victim on behalf of preemptor; a victim already gone is fine.
func (e evictor) Evict(ctx context.Context, victim, preemptor *corev1.Pod) error {
	pods := e.cs.CoreV1().Pods(victim.Namespace)
	name := preemptor.Spec.SchedulerName
	if name == "" {
		name = "default-scheduler"
	}
	cond := corev1.PodCondition{
		Type: corev1.DisruptionTarget, Status: corev1.ConditionTrue,
		Reason:             corev1.PodReasonPreemptionByScheduler,
		Message:            name + ": preempting to accommodate a higher priority pod",
		LastTransitionTime: metav1.Now(),
	}
	patch, err := json.Marshal(map[string]any{"status": map[string]any{"conditions": []corev1.PodCondition{cond}}})
	if err != nil {
		return err
	}
	// The condition is informative (other errors are ignored); the deletion frees the node.
	if _, err := pods.Patch(ctx, victim.Name, types.StrategicMergePatchType, patch, metav1.PatchOptions{}, "status"); apierrors.IsNotFound(err) {
		return nil
	}
	uid := victim.UID
	err = pods.Delete(ctx, victim.Name, metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: &uid}})
	if err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("delete victim %s/%s: %w", victim.Namespace, victim.Name, err)
	}
	return nil
}

// statusUpdater patches pods/status with the PodScheduled condition and
// status.nominatedNodeName (strategic merge: conditions merge by type).
type statusUpdater struct{ cs *typed.Clientset }

// UpdatePodStatus writes cond and nominatedNodeName, skipping no-op writes.
func (u statusUpdater) UpdatePodStatus(ctx context.Context, pod *corev1.Pod, cond *corev1.PodCondition, nominatedNodeName *string) error {
	status := map[string]any{}
	if cond != nil && !hasCondition(pod, cond) {
		status["conditions"] = []corev1.PodCondition{*cond}
	}
	if nominatedNodeName != nil && *nominatedNodeName != pod.Status.NominatedNodeName {
		if *nominatedNodeName == "" {
			status["nominatedNodeName"] = nil
		} else {
			status["nominatedNodeName"] = *nominatedNodeName
		}
	}
	if len(status) == 0 {
		return nil
	}
	patch, err := json.Marshal(map[string]any{"status": status})
	if err != nil {
		return err
	}
	_, err = u.cs.CoreV1().Pods(pod.Namespace).Patch(ctx, pod.Name, types.StrategicMergePatchType, patch, metav1.PatchOptions{}, "status")
	if apierrors.IsNotFound(err) {
		return nil
	}
	return err
}

// hasCondition reports whether pod already carries cond (time aside).
func hasCondition(pod *corev1.Pod, cond *corev1.PodCondition) bool {
	for _, c := range pod.Status.Conditions {
		if c.Type == cond.Type {
			return c.Status == cond.Status && c.Reason == cond.Reason && c.Message == cond.Message
		}
	}
	return false
}

// eventRecorder adapts record.EventRecorder to the scheduler's recorder.
type eventRecorder struct{ r record.EventRecorder }

// Eventf records an event about pod.
func (e eventRecorder) Eventf(pod *corev1.Pod, eventType, reason, messageFmt string, args ...any) {
	e.r.Eventf(pod, eventType, reason, messageFmt, args...)
}

package scheduler

import (
	"context"
	"maps"
	"slices"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/keel/pkg/scheduler/framework"
)

// OnPodAdd handles a pod add event from the informer.
func (s *Scheduler) OnPodAdd(ctx context.Context, pod *corev1.Pod) {
	if pod.Spec.NodeName != "" {
		if err := s.Cache.AddPod(pod); err != nil {
			s.log.Error("add pod to cache", "pod", framework.PodKey(pod), "err", err)
		}
		s.Queue.MoveAllToActiveOrBackoffQueue(framework.EventAssignedPodAdd, nil)
		return
	}
	if s.Responsible(pod) && !isTerminal(pod) {
		s.Queue.Add(ctx, pod)
	}
}

// OnPodUpdate handles a pod update event.
func (s *Scheduler) OnPodUpdate(ctx context.Context, oldPod, newPod *corev1.Pod) {
	if newPod.Spec.NodeName != "" {
		if oldPod.Spec.NodeName == "" || s.Cache.IsAssumedPod(newPod) {
			s.Queue.Delete(oldPod)
			s.OnPodAdd(ctx, newPod)
			return
		}
		if err := s.Cache.UpdatePod(oldPod, newPod); err != nil {
			s.log.Error("update pod in cache", "pod", framework.PodKey(newPod), "err", err)
		}
		ev := framework.ClusterEvent{Resource: framework.AssignedPod, ActionType: podUpdateAction(oldPod, newPod), Label: "AssignedPodUpdate"}
		if ev.ActionType != 0 {
			s.Queue.MoveAllToActiveOrBackoffQueue(ev, nil)
		}
		return
	}
	if !s.Responsible(newPod) || s.Cache.IsAssumedPod(newPod) {
		return
	}
	if isTerminal(newPod) {
		s.Queue.Delete(newPod)
		return
	}
	s.Queue.Update(ctx, oldPod, newPod)
}

// OnPodDelete handles a pod delete event.
func (s *Scheduler) OnPodDelete(_ context.Context, pod *corev1.Pod) {
	if pod.Spec.NodeName != "" {
		if err := s.Cache.RemovePod(pod); err != nil {
			s.log.Error("remove pod from cache", "pod", framework.PodKey(pod), "err", err)
		}
		s.Queue.MoveAllToActiveOrBackoffQueue(framework.EventAssignedPodDelete, nil)
		return
	}
	s.Queue.Delete(pod)
	for _, fwk := range s.Profiles {
		if wp := fwk.WaitingPods().GetWaitingPod(string(pod.UID)); wp != nil {
			wp.Reject("", "removed")
		}
	}
}

// OnNodeAdd handles a node add event.
func (s *Scheduler) OnNodeAdd(_ context.Context, node *corev1.Node) {
	s.Cache.AddNode(node)
	s.Queue.MoveAllToActiveOrBackoffQueue(framework.EventNodeAdd, nil)
}

// OnNodeUpdate handles a node update event, requeueing pods only for
// changes some plugin registered for.
func (s *Scheduler) OnNodeUpdate(_ context.Context, oldNode, newNode *corev1.Node) {
	s.Cache.UpdateNode(oldNode, newNode)
	if a := nodeUpdateAction(oldNode, newNode); a != 0 {
		s.Queue.MoveAllToActiveOrBackoffQueue(framework.ClusterEvent{Resource: framework.Node, ActionType: a, Label: "NodeUpdate"}, nil)
	}
}

// OnNodeDelete handles a node delete event.
func (s *Scheduler) OnNodeDelete(_ context.Context, node *corev1.Node) {
	if err := s.Cache.RemoveNode(node); err != nil {
		s.log.Error("remove node from cache", "node", node.Name, "err", err)
	}
}

// OnClusterEvent requeues the unschedulable pods whose rejecting plugins
// registered ev; the wiring calls it for objects the cache does not hold
// (claims, volumes, storage classes).
func (s *Scheduler) OnClusterEvent(ev framework.ClusterEvent) {
	s.Queue.MoveAllToActiveOrBackoffQueue(ev, nil)
}

// OnNamespace records a namespace's labels (nil labels forget it).
func (s *Scheduler) OnNamespace(ns string, labels map[string]string) {
	s.Cache.SetNamespaceLabels(ns, labels)
}

func isTerminal(pod *corev1.Pod) bool {
	return pod.Status.Phase == corev1.PodSucceeded || pod.Status.Phase == corev1.PodFailed
}

func nodeUpdateAction(o, n *corev1.Node) framework.ActionType {
	var a framework.ActionType
	if !maps.Equal(o.Labels, n.Labels) {
		a |= framework.UpdateNodeLabel
	}
	if !slices.Equal(o.Spec.Taints, n.Spec.Taints) || o.Spec.Unschedulable != n.Spec.Unschedulable {
		a |= framework.UpdateNodeTaint
	}
	if !resourceListEqual(o.Status.Allocatable, n.Status.Allocatable) {
		a |= framework.UpdateNodeAllocatable
	}
	if !maps.Equal(o.Annotations, n.Annotations) {
		a |= framework.UpdateNodeAnnotation
	}
	if len(o.Status.Conditions) != len(n.Status.Conditions) {
		a |= framework.UpdateNodeCondition
	} else {
		for i := range o.Status.Conditions {
			if o.Status.Conditions[i].Type != n.Status.Conditions[i].Type || o.Status.Conditions[i].Status != n.Status.Conditions[i].Status {
				a |= framework.UpdateNodeCondition
				break
			}
		}
	}
	return a
}

func resourceListEqual(a, b corev1.ResourceList) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		w, ok := b[k]
		if !ok || v.Cmp(w) != 0 {
			return false
		}
	}
	return true
}

func podUpdateAction(o, n *corev1.Pod) framework.ActionType {
	var a framework.ActionType
	if !maps.Equal(o.Labels, n.Labels) {
		a |= framework.UpdatePodLabel
	}
	if framework.PodRequests(n, false).MilliCPU < framework.PodRequests(o, false).MilliCPU ||
		framework.PodRequests(n, false).Memory < framework.PodRequests(o, false).Memory {
		a |= framework.UpdatePodScaleDown
	}
	return a
}

package statefulset

import (
	"context"
	"fmt"
	"sort"

	appsv1 "keel.dev/api/apps/v1"
	corev1 "keel.dev/api/core/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/labels"
	"keel.dev/apimachinery/pkg/types"

	"keel.dev/keel/pkg/controller/ownerref"
)

// kind is the StatefulSet's group, version and kind.
var kind = appsv1.SchemeGroupVersion.WithKind("StatefulSet")

// recheck reads set from the apiserver before anything is adopted.
func (c *Controller) recheck(set *appsv1.StatefulSet) func(context.Context) (metav1.Object, error) {
	return func(ctx context.Context) (metav1.Object, error) {
		return c.client.AppsV1().StatefulSets(set.Namespace).Get(ctx, set.Name, metav1.GetOptions{})
	}
}

// claimPods returns the pods of set's namespace that set controls, after
// adopting matching orphans and releasing owned pods that stopped matching.
func (c *Controller) claimPods(ctx context.Context, set *appsv1.StatefulSet, sel labels.Selector) ([]*corev1.Pod, error) {
	pods, err := c.pods.Namespace(set.Namespace).List(labels.Everything())
	if err != nil {
		return nil, err
	}
	cl := ownerref.Claimer[*corev1.Pod]{Owner: set, Kind: kind, Selector: sel, Recheck: c.recheck(set),
		Patch: func(ctx context.Context, p *corev1.Pod, patch []byte) (*corev1.Pod, error) {
			return c.client.CoreV1().Pods(p.Namespace).Patch(ctx, p.Name, types.StrategicMergePatchType, patch, metav1.PatchOptions{})
		}}
	owned, err := cl.Claim(ctx, pods)
	if err != nil {
		return nil, fmt.Errorf("claim pods of stateful set %s/%s: %w", set.Namespace, set.Name, err)
	}
	return owned, nil
}

// claimRevisions is claimPods for ControllerRevisions; the result is
// sorted oldest first.
func (c *Controller) claimRevisions(ctx context.Context, set *appsv1.StatefulSet, sel labels.Selector) ([]*appsv1.ControllerRevision, error) {
	revs, err := c.revisions.Namespace(set.Namespace).List(labels.Everything())
	if err != nil {
		return nil, err
	}
	cl := ownerref.Claimer[*appsv1.ControllerRevision]{Owner: set, Kind: kind, Selector: sel, Recheck: c.recheck(set),
		Patch: func(ctx context.Context, r *appsv1.ControllerRevision, patch []byte) (*appsv1.ControllerRevision, error) {
			return c.client.AppsV1().ControllerRevisions(r.Namespace).Patch(ctx, r.Name, types.StrategicMergePatchType, patch, metav1.PatchOptions{})
		}}
	owned, err := cl.Claim(ctx, revs)
	if err != nil {
		return nil, fmt.Errorf("claim revisions of stateful set %s/%s: %w", set.Namespace, set.Name, err)
	}
	sort.Slice(owned, func(i, j int) bool { return owned[i].Revision < owned[j].Revision })
	return owned, nil
}

// enqueueAdopters queues the stateful sets whose selector matches the
// orphan obj (a pod or ControllerRevision).
func (c *Controller) enqueueAdopters(obj metav1.Object) {
	if obj.GetDeletionTimestamp() != nil || metav1.GetControllerOf(obj) != nil {
		return
	}
	sets, err := c.sets.Namespace(obj.GetNamespace()).List(labels.Everything())
	if err != nil {
		return
	}
	for _, s := range sets {
		if ownerref.OrphanMatches(s.Spec.Selector, obj) {
			c.queue.Add(s.Namespace + "/" + s.Name)
		}
	}
}

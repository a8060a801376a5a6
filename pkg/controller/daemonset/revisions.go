package daemonset

import (
	"context"
	"fmt"
	"sort"

	appsv1 "keel.dev/api/apps/v1"
	corev1 "keel.dev/api/core/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/labels"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/types"

	"keel.dev/keel/pkg/controller/history"
	"keel.dev/keel/pkg/controller/ownerref"
)

// ensureRevision returns the hash of the current template, creating its
// ControllerRevision (or making it the newest) as needed, and prunes
// history; owned are the revisions ds controls.
func (c *Controller) ensureRevision(ctx context.Context, ds *appsv1.DaemonSet, owned []*appsv1.ControllerRevision, inUse map[string]bool) (string, error) {
	hash := history.TemplateHash(&ds.Spec.Template, ds.Status.CollisionCount)
	name := ds.Name + "-" + hash
	var maxRev int64
	var cur *appsv1.ControllerRevision
	for _, r := range owned {
		maxRev = max(maxRev, r.Revision)
		if r.Name == name {
			cur = r
		}
	}
	switch {
	case cur == nil:
		data, err := history.TemplatePatch(&ds.Spec.Template)
		if err != nil {
			return "", err
		}
		lbls := map[string]string{appsv1.DefaultDaemonSetUniqueLabelKey: hash}
		for k, v := range ds.Spec.Template.Labels {
			lbls[k] = v
		}
		rev := &appsv1.ControllerRevision{
			ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ds.Namespace, Labels: lbls,
				OwnerReferences: []metav1.OwnerReference{ownerRef(ds)}},
			Data: runtime.RawExtension{Raw: data}, Revision: maxRev + 1,
		}
		if _, err := c.client.AppsV1().ControllerRevisions(ds.Namespace).Create(ctx, rev, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
			return "", fmt.Errorf("create controller revision %s: %w", name, err)
		}
	case cur.Revision < maxRev:
		upd := cur.DeepCopy()
		upd.Revision = maxRev + 1
		if _, err := c.client.AppsV1().ControllerRevisions(ds.Namespace).Update(ctx, upd, metav1.UpdateOptions{}); err != nil {
			return "", fmt.Errorf("bump controller revision %s: %w", name, err)
		}
	}
	limit := 10
	if ds.Spec.RevisionHistoryLimit != nil {
		limit = int(*ds.Spec.RevisionHistoryLimit)
	}
	var old []*appsv1.ControllerRevision
	for _, r := range owned {
		if r.Name != name && !inUse[r.Labels[appsv1.DefaultDaemonSetUniqueLabelKey]] {
			old = append(old, r)
		}
	}
	sort.Slice(old, func(i, j int) bool { return old[i].Revision < old[j].Revision })
	for len(old) > limit {
		if err := c.client.AppsV1().ControllerRevisions(ds.Namespace).Delete(ctx, old[0].Name, metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
			return "", fmt.Errorf("delete old controller revision %s: %w", old[0].Name, err)
		}
		old = old[1:]
	}
	return hash, nil
}

// kind is the DaemonSet's group, version and kind.
var kind = appsv1.SchemeGroupVersion.WithKind("DaemonSet")

func ownerRef(ds *appsv1.DaemonSet) metav1.OwnerReference { return ownerref.NewControllerRef(ds, kind) }

// recheck reads ds from the apiserver before anything is adopted.
func (c *Controller) recheck(ds *appsv1.DaemonSet) func(context.Context) (metav1.Object, error) {
	return func(ctx context.Context) (metav1.Object, error) {
		return c.client.AppsV1().DaemonSets(ds.Namespace).Get(ctx, ds.Name, metav1.GetOptions{})
	}
}

// claimPods returns the pods of ds's namespace that ds controls, after
// adopting matching orphans and releasing owned pods that stopped matching.
func (c *Controller) claimPods(ctx context.Context, ds *appsv1.DaemonSet, sel labels.Selector) ([]*corev1.Pod, error) {
	pods, err := c.pods.Namespace(ds.Namespace).List(labels.Everything())
	if err != nil {
		return nil, err
	}
	cl := ownerref.Claimer[*corev1.Pod]{Owner: ds, Kind: kind, Selector: sel, Recheck: c.recheck(ds),
		Patch: func(ctx context.Context, p *corev1.Pod, patch []byte) (*corev1.Pod, error) {
			return c.client.CoreV1().Pods(p.Namespace).Patch(ctx, p.Name, types.StrategicMergePatchType, patch, metav1.PatchOptions{})
		}}
	owned, err := cl.Claim(ctx, pods)
	if err != nil {
		return nil, fmt.Errorf("claim pods of daemon set %s/%s: %w", ds.Namespace, ds.Name, err)
	}
	return owned, nil
}

// claimRevisions is claimPods for ControllerRevisions.
func (c *Controller) claimRevisions(ctx context.Context, ds *appsv1.DaemonSet, sel labels.Selector) ([]*appsv1.ControllerRevision, error) {
	revs, err := c.revisions.Namespace(ds.Namespace).List(labels.Everything())
	if err != nil {
		return nil, err
	}
	cl := ownerref.Claimer[*appsv1.ControllerRevision]{Owner: ds, Kind: kind, Selector: sel, Recheck: c.recheck(ds),
		Patch: func(ctx context.Context, r *appsv1.ControllerRevision, patch []byte) (*appsv1.ControllerRevision, error) {
			return c.client.AppsV1().ControllerRevisions(r.Namespace).Patch(ctx, r.Name, types.StrategicMergePatchType, patch, metav1.PatchOptions{})
		}}
	owned, err := cl.Claim(ctx, revs)
	if err != nil {
		return nil, fmt.Errorf("claim revisions of daemon set %s/%s: %w", ds.Namespace, ds.Name, err)
	}
	return owned, nil
}

package statefulset

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"

	appsv1 "keel.dev/api/apps/v1"
	corev1 "keel.dev/api/core/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/labels"
	"keel.dev/apimachinery/pkg/runtime"

	"keel.dev/keel/pkg/controller/history"
	"keel.dev/keel/pkg/controller/ownerref"
)

// revisionPatch is the shape of a StatefulSet ControllerRevision's data.
type revisionPatch struct {
	Spec struct {
		Template corev1.PodTemplateSpec `json:"template"`
	} `json:"spec"`
}

// revisions returns the set's revisions, oldest first.
func (c *Controller) revisionsOf(set *appsv1.StatefulSet) ([]*appsv1.ControllerRevision, error) {
	all, err := c.revisions.Namespace(set.Namespace).List(labels.Everything())
	if err != nil {
		return nil, err
	}
	var out []*appsv1.ControllerRevision
	for _, r := range all {
		if ref := metav1.GetControllerOf(r); ref != nil && ref.UID == set.UID {
			out = append(out, r)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Revision < out[j].Revision })
	return out, nil
}

// ensureRevision returns the name of the revision of the current template.
func (c *Controller) ensureRevision(ctx context.Context, set *appsv1.StatefulSet, revs []*appsv1.ControllerRevision) (string, error) {
	name := set.Name + "-" + history.TemplateHash(&set.Spec.Template, set.Status.CollisionCount)
	var maxRev int64
	var cur *appsv1.ControllerRevision
	for _, r := range revs {
		maxRev = max(maxRev, r.Revision)
		if r.Name == name {
			cur = r
		}
	}
	if cur != nil {
		if cur.Revision < maxRev {
			upd := cur.DeepCopy()
			upd.Revision = maxRev + 1
			if _, err := c.client.AppsV1().ControllerRevisions(set.Namespace).Update(ctx, upd, metav1.UpdateOptions{}); err != nil {
				return "", fmt.Errorf("bump controller revision %s: %w", name, err)
			}
		}
		return name, nil
	}
	data, err := history.TemplatePatch(&set.Spec.Template)
	if err != nil {
		return "", err
	}
	lbls := map[string]string{appsv1.ControllerRevisionHashLabelKey: name}
	for k, v := range set.Spec.Template.Labels {
		lbls[k] = v
	}
	rev := &appsv1.ControllerRevision{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: set.Namespace, Labels: lbls,
			OwnerReferences: []metav1.OwnerReference{ownerref.NewControllerRef(set, kind)}},
		Data: runtime.RawExtension{Raw: data}, Revision: maxRev + 1,
	}
	if _, err := c.client.AppsV1().ControllerRevisions(set.Namespace).Create(ctx, rev, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		return "", fmt.Errorf("create controller revision %s: %w", name, err)
	}
	return name, nil
}

// templateOf returns the pod template recorded in the named revision.
func templateOf(revs []*appsv1.ControllerRevision, name string) (*corev1.PodTemplateSpec, bool) {
	for _, r := range revs {
		if r.Name != name {
			continue
		}
		var p revisionPatch
		raw := r.Data.Raw
		if raw == nil && r.Data.Object != nil {
			raw, _ = json.Marshal(r.Data.Object)
		}
		if err := json.Unmarshal(raw, &p); err != nil {
			return nil, false
		}
		return &p.Spec.Template, true
	}
	return nil, false
}

// pruneRevisions deletes unused revisions beyond revisionHistoryLimit.
func (c *Controller) pruneRevisions(ctx context.Context, set *appsv1.StatefulSet, revs []*appsv1.ControllerRevision, inUse map[string]bool) error {
	limit := 10
	if set.Spec.RevisionHistoryLimit != nil {
		limit = int(*set.Spec.RevisionHistoryLimit)
	}
	var old []*appsv1.ControllerRevision
	for _, r := range revs {
		if !inUse[r.Name] {
			old = append(old, r)
		}
	}
	for len(old) > limit {
		if err := c.client.AppsV1().ControllerRevisions(set.Namespace).Delete(ctx, old[0].Name, metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
			return fmt.Errorf("delete controller revision %s: %w", old[0].Name, err)
		}
		old = old[1:]
	}
	return nil
}

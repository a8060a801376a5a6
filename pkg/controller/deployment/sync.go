package deployment

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	appsv1 "keel.dev/api/apps/v1"
	corev1 "keel.dev/api/core/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/labels"
	"keel.dev/apimachinery/pkg/types"
	"keel.dev/client/informers"

	"keel.dev/keel/pkg/controller/ownerref"
)

// sync reconciles the deployment stored under key.
func (c *Controller) sync(ctx context.Context, key string) error {
	ns, name := informers.SplitKey(key)
	cached, err := c.dInf.Lister().Get(ns, name)
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return wrap(key, err)
	}
	d := cached.DeepCopy()
	sel, err := metav1.LabelSelectorAsSelector(d.Spec.Selector)
	if err != nil || sel.Empty() {
		c.recorder.Eventf(d, corev1.EventTypeWarning, "SelectingAll", "This deployment is selecting all pods. A non-empty selector is required.")
		if d.Status.ObservedGeneration < d.Generation {
			d.Status.ObservedGeneration = d.Generation
			_, err := c.cs.AppsV1().Deployments(ns).UpdateStatus(ctx, d, metav1.UpdateOptions{})
			return wrap(key, ignoreNotFound(err))
		}
		return nil
	}
	rsList, err := c.claimReplicaSets(ctx, d, sel)
	if err != nil {
		return wrap(key, err)
	}
	if d.DeletionTimestamp != nil {
		return wrap(key, c.syncStatusOnly(ctx, d, rsList))
	}
	if err := c.checkPausedConditions(ctx, d); err != nil {
		return wrap(key, err)
	}
	if d.Spec.Paused {
		return wrap(key, c.syncScale(ctx, d, rsList))
	}
	if c.isScalingEvent(d, rsList) {
		return wrap(key, c.syncScale(ctx, d, rsList))
	}
	switch d.Spec.Strategy.Type {
	case appsv1.RecreateDeploymentStrategyType:
		return wrap(key, c.rolloutRecreate(ctx, d, rsList))
	default:
		return wrap(key, c.rolloutRolling(ctx, d, rsList))
	}
}

func ignoreNotFound(err error) error {
	if apierrors.IsNotFound(err) {
		return nil
	}
	return err
}

// claimReplicaSets returns the RSes d owns, adopting and releasing by selector.
func (c *Controller) claimReplicaSets(ctx context.Context, d *appsv1.Deployment, sel labels.Selector) ([]*appsv1.ReplicaSet, error) {
	all, err := c.rsInf.Lister().Namespace(d.Namespace).List(nil)
	if err != nil {
		return nil, err
	}
	cl := ownerref.Claimer[*appsv1.ReplicaSet]{
		Owner: d, Kind: deploymentKind, Selector: sel,
		Recheck: func(ctx context.Context) (metav1.Object, error) {
			return c.cs.AppsV1().Deployments(d.Namespace).Get(ctx, d.Name, metav1.GetOptions{})
		},
		Patch: func(ctx context.Context, rs *appsv1.ReplicaSet, patch []byte) (*appsv1.ReplicaSet, error) {
			return c.cs.AppsV1().ReplicaSets(rs.Namespace).Patch(ctx, rs.Name, types.StrategicMergePatchType, patch, metav1.PatchOptions{})
		},
	}
	return cl.Claim(ctx, all)
}

// findNewRS returns the oldest RS whose template equals d's.
func findNewRS(d *appsv1.Deployment, rsList []*appsv1.ReplicaSet) *appsv1.ReplicaSet {
	cands := append([]*appsv1.ReplicaSet(nil), rsList...)
	byCreation(cands)
	for _, rs := range cands {
		if equalTemplates(&rs.Spec.Template, &d.Spec.Template) {
			return rs
		}
	}
	return nil
}

// splitRSes returns the new RS (nil if none) and the old ones.
func splitRSes(d *appsv1.Deployment, rsList []*appsv1.ReplicaSet) (*appsv1.ReplicaSet, []*appsv1.ReplicaSet) {
	newRS := findNewRS(d, rsList)
	var old []*appsv1.ReplicaSet
	for _, rs := range rsList {
		if newRS == nil || rs.UID != newRS.UID {
			old = append(old, rs)
		}
	}
	return newRS, old
}

// skippedAnnotation reports annotations not copied from a deployment to its RSes.
func skippedAnnotation(k string) bool {
	switch k {
	case lastAppliedAnnotation, RevisionAnnotation, RevisionHistoryAnnotation, DesiredReplicasAnnotation, MaxReplicasAnnotation, appsv1.DeprecatedRollbackTo:
		return true
	}
	return false
}

// setNewRSAnnotations copies d's annotations to rs, raises its revision to
// newRevision (recording the old one in the history) and sets the replica
// annotations; it reports whether anything changed.
func setNewRSAnnotations(d *appsv1.Deployment, rs *appsv1.ReplicaSet, newRevision int64) bool {
	changed := false
	if rs.Annotations == nil {
		rs.Annotations = map[string]string{}
	}
	for k, v := range d.Annotations {
		if skippedAnnotation(k) || rs.Annotations[k] == v {
			continue
		}
		rs.Annotations[k] = v
		changed = true
	}
	if old := revision(rs); old < newRevision {
		if oldStr, ok := rs.Annotations[RevisionAnnotation]; ok && oldStr != "" {
			hist := rs.Annotations[RevisionHistoryAnnotation]
			if hist == "" {
				hist = oldStr
			} else {
				hist = strings.Join([]string{hist, oldStr}, ",")
			}
			rs.Annotations[RevisionHistoryAnnotation] = hist
		}
		rs.Annotations[RevisionAnnotation] = strconv.FormatInt(newRevision, 10)
		changed = true
	}
	return setReplicasAnnotations(d, rs) || changed
}

// setReplicasAnnotations records d's desired and maximum replicas on rs.
func setReplicasAnnotations(d *appsv1.Deployment, rs *appsv1.ReplicaSet) bool {
	if rs.Annotations == nil {
		rs.Annotations = map[string]string{}
	}
	desired := strconv.Itoa(int(replicas(d.Spec.Replicas)))
	maxR := strconv.Itoa(int(replicas(d.Spec.Replicas) + maxSurge(d)))
	if rs.Annotations[DesiredReplicasAnnotation] == desired && rs.Annotations[MaxReplicasAnnotation] == maxR {
		return false
	}
	rs.Annotations[DesiredReplicasAnnotation] = desired
	rs.Annotations[MaxReplicasAnnotation] = maxR
	return true
}

// getAllReplicaSets returns the new RS (created when create is true and
// none exists, with revision max(old)+1) and the old RSes, and keeps the
// deployment's revision annotation in step.
func (c *Controller) getAllReplicaSets(ctx context.Context, d *appsv1.Deployment, rsList []*appsv1.ReplicaSet, create bool) (*appsv1.ReplicaSet, []*appsv1.ReplicaSet, error) {
	existing, old := splitRSes(d, rsList)
	newRevision := maxRevision(old) + 1
	var newRS *appsv1.ReplicaSet
	var err error
	if existing != nil {
		newRS, err = c.refreshNewRS(ctx, d, existing, newRevision)
	} else if create {
		newRS, err = c.createNewRS(ctx, d, old, newRevision)
	}
	if err != nil {
		return nil, nil, err
	}
	if newRS != nil {
		if err := c.syncDeploymentRevision(ctx, d, newRS.Annotations[RevisionAnnotation]); err != nil {
			return nil, nil, err
		}
	}
	return newRS, old, nil
}

// refreshNewRS updates annotations of the existing new RS when needed and
// records FoundNewReplicaSet when the deployment has no Progressing condition.
func (c *Controller) refreshNewRS(ctx context.Context, d *appsv1.Deployment, rs *appsv1.ReplicaSet, newRevision int64) (*appsv1.ReplicaSet, error) {
	cp := rs.DeepCopy()
	changed := setNewRSAnnotations(d, cp, newRevision)
	minReadyChanged := cp.Spec.MinReadySeconds != d.Spec.MinReadySeconds
	cp.Spec.MinReadySeconds = d.Spec.MinReadySeconds
	if changed || minReadyChanged {
		got, err := c.cs.AppsV1().ReplicaSets(cp.Namespace).Update(ctx, cp, metav1.UpdateOptions{})
		if err != nil {
			return nil, fmt.Errorf("update replica set %s: %w", cp.Name, err)
		}
		cp = got
	}
	if hasProgressDeadline(d) && getCondition(d.Status, appsv1.DeploymentProgressing) == nil {
		setCondition(&d.Status, newCondition(c.clock.Now(), appsv1.DeploymentProgressing, corev1.ConditionTrue, ReasonFoundNewRS,
			fmt.Sprintf("Found new replica set %q", cp.Name)))
		if err := c.writeStatus(ctx, d); err != nil {
			return nil, err
		}
	}
	return cp, nil
}

// createNewRS creates the RS for d's current template.
func (c *Controller) createNewRS(ctx context.Context, d *appsv1.Deployment, old []*appsv1.ReplicaSet, newRevision int64) (*appsv1.ReplicaSet, error) {
	hash := TemplateHash(&d.Spec.Template, d.Status.CollisionCount)
	tmpl := d.Spec.Template.DeepCopy()
	if tmpl.Labels == nil {
		tmpl.Labels = map[string]string{}
	}
	tmpl.Labels[appsv1.DefaultDeploymentUniqueLabelKey] = hash
	sel := d.Spec.Selector.DeepCopy()
	if sel.MatchLabels == nil {
		sel.MatchLabels = map[string]string{}
	}
	sel.MatchLabels[appsv1.DefaultDeploymentUniqueLabelKey] = hash
	rsLabels := map[string]string{}
	for k, v := range tmpl.Labels {
		rsLabels[k] = v
	}
	zero := int32(0)
	rs := &appsv1.ReplicaSet{
		ObjectMeta: metav1.ObjectMeta{
			Name: d.Name + "-" + hash, Namespace: d.Namespace, Labels: rsLabels,
			OwnerReferences: []metav1.OwnerReference{ownerref.NewControllerRef(d, deploymentKind)},
		},
		Spec: appsv1.ReplicaSetSpec{Replicas: &zero, MinReadySeconds: d.Spec.MinReadySeconds, Selector: sel, Template: *tmpl},
	}
	setNewRSAnnotations(d, rs, newRevision)
	want := newRSReplicas(d, append(append([]*appsv1.ReplicaSet(nil), old...), rs), rs)
	rs.Spec.Replicas = &want

	created, err := c.cs.AppsV1().ReplicaSets(d.Namespace).Create(ctx, rs, metav1.CreateOptions{})
	switch {
	case apierrors.IsAlreadyExists(err):
		cur, gerr := c.rsInf.Lister().Get(d.Namespace, rs.Name)
		if gerr == nil && metav1.IsControlledBy(cur, d) && equalTemplates(&cur.Spec.Template, &d.Spec.Template) {
			return cur, nil
		}
		if gerr != nil {
			cur, gerr = c.cs.AppsV1().ReplicaSets(d.Namespace).Get(ctx, rs.Name, metav1.GetOptions{})
			if gerr == nil && metav1.IsControlledBy(cur, d) && equalTemplates(&cur.Spec.Template, &d.Spec.Template) {
				return cur, nil
			}
		}
		// A different object holds the name: bump the collision count so the
		// next hash differs.
		n := int32(0)
		if d.Status.CollisionCount != nil {
			n = *d.Status.CollisionCount
		}
		n++
		d.Status.CollisionCount = &n
		if werr := c.writeStatus(ctx, d); werr != nil {
			return nil, werr
		}
		return nil, fmt.Errorf("replica set name %s collides; collision count now %d", rs.Name, n)
	case err != nil:
		msg := fmt.Sprintf("Failed to create new replica set %q: %v", rs.Name, err)
		if hasProgressDeadline(d) {
			setCondition(&d.Status, newCondition(c.clock.Now(), appsv1.DeploymentProgressing, corev1.ConditionFalse, ReasonFailedCreate, msg))
			_ = c.writeStatus(ctx, d)
		}
		c.recorder.Event(d, corev1.EventTypeWarning, ReasonFailedCreate, msg)
		return nil, fmt.Errorf("create replica set %s: %w", rs.Name, err)
	}
	if want > 0 {
		c.recorder.Eventf(d, corev1.EventTypeNormal, "ScalingReplicaSet", "Scaled up replica set %s from 0 to %d", created.Name, want)
	}
	if hasProgressDeadline(d) {
		setCondition(&d.Status, newCondition(c.clock.Now(), appsv1.DeploymentProgressing, corev1.ConditionTrue, ReasonNewRSCreated,
			fmt.Sprintf("Created new replica set %q", created.Name)))
		if err := c.writeStatus(ctx, d); err != nil {
			return nil, err
		}
	}
	return created, nil
}

// syncDeploymentRevision copies the new RS's revision onto the deployment.
func (c *Controller) syncDeploymentRevision(ctx context.Context, d *appsv1.Deployment, rev string) error {
	if rev == "" || d.Annotations[RevisionAnnotation] == rev {
		return nil
	}
	patch, _ := json.Marshal(map[string]any{"metadata": map[string]any{"annotations": map[string]string{RevisionAnnotation: rev}}})
	got, err := c.cs.AppsV1().Deployments(d.Namespace).Patch(ctx, d.Name, types.MergePatchType, patch, metav1.PatchOptions{})
	if err != nil {
		return fmt.Errorf("set revision annotation: %w", ignoreNotFound(err))
	}
	d.Annotations = got.Annotations
	d.ResourceVersion = got.ResourceVersion
	return nil
}

// scaleReplicaSet sets rs's replicas and replica annotations; it reports
// whether the size changed and returns the updated RS.
func (c *Controller) scaleReplicaSet(ctx context.Context, rs *appsv1.ReplicaSet, size int32, d *appsv1.Deployment) (bool, *appsv1.ReplicaSet, error) {
	cur := replicas(rs.Spec.Replicas)
	cp := rs.DeepCopy()
	annChanged := setReplicasAnnotations(d, cp)
	if cur == size && !annChanged {
		return false, rs, nil
	}
	cp.Spec.Replicas = &size
	got, err := c.cs.AppsV1().ReplicaSets(cp.Namespace).Update(ctx, cp, metav1.UpdateOptions{})
	if err != nil {
		return false, nil, fmt.Errorf("scale replica set %s to %d: %w", rs.Name, size, err)
	}
	if cur != size {
		dir := "up"
		if size < cur {
			dir = "down"
		}
		c.recorder.Eventf(d, corev1.EventTypeNormal, "ScalingReplicaSet", "Scaled %s replica set %s from %d to %d", dir, rs.Name, cur, size)
	}
	return cur != size, got, nil
}

// newRSReplicas is the size the new RS may have now.
func newRSReplicas(d *appsv1.Deployment, all []*appsv1.ReplicaSet, newRS *appsv1.ReplicaSet) int32 {
	want := replicas(d.Spec.Replicas)
	if d.Spec.Strategy.Type == appsv1.RecreateDeploymentStrategyType {
		return want
	}
	cur := replicas(newRS.Spec.Replicas)
	total := sumReplicas(all)
	maxTotal := want + maxSurge(d)
	if total >= maxTotal {
		return cur
	}
	return cur + max(0, min(maxTotal-total, want-cur))
}

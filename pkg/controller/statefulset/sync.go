package statefulset

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	appsv1 "keel.dev/api/apps/v1"
	corev1 "keel.dev/api/core/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/types"
)

func (c *Controller) sync(ctx context.Context, key string) error {
	ns, name, _ := strings.Cut(key, "/")
	cached, err := c.sets.Get(ns, name)
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	if cached.DeletionTimestamp != nil {
		return nil
	}
	set := cached.DeepCopy()
	sel, err := metav1.LabelSelectorAsSelector(set.Spec.Selector)
	if err != nil {
		return fmt.Errorf("selector of stateful set %s: %w", key, err)
	}
	all, err := c.claimPods(ctx, set, sel)
	if err != nil {
		return err
	}
	revs, err := c.claimRevisions(ctx, set, sel)
	if err != nil {
		return err
	}
	updateRev, err := c.ensureRevision(ctx, set, revs)
	if err != nil {
		return err
	}
	if revs, err = c.revisionsOf(set); err != nil {
		return err
	}
	currentRev := set.Status.CurrentRevision
	if _, ok := templateOf(revs, currentRev); !ok {
		currentRev = updateRev
	}

	replicas, start := int32(1), int32(0)
	if set.Spec.Replicas != nil {
		replicas = *set.Spec.Replicas
	}
	if set.Spec.Ordinals != nil {
		start = set.Spec.Ordinals.Start
	}
	byOrdinal := map[int32]*corev1.Pod{}
	var condemned []*corev1.Pod
	for _, p := range all {
		if ref := metav1.GetControllerOf(p); ref == nil || ref.UID != set.UID {
			continue
		}
		ord, ok := ordinalOf(set, p)
		if ok && ord >= start && ord < start+replicas {
			byOrdinal[ord] = p
		} else {
			condemned = append(condemned, p)
		}
	}
	sort.Slice(condemned, func(i, j int) bool { return ordinalOrMax(set, condemned[i]) > ordinalOrMax(set, condemned[j]) })
	now := c.clock.Now()
	errs := []error{c.manage(ctx, set, revs, currentRev, updateRev, byOrdinal, condemned, start, replicas, now)}

	inUse := map[string]bool{currentRev: true, updateRev: true}
	for _, p := range all {
		inUse[p.Labels[appsv1.ControllerRevisionHashLabelKey]] = true
	}
	errs = append(errs, c.pruneRevisions(ctx, set, revs, inUse))
	errs = append(errs, c.updateStatus(ctx, cached, all, currentRev, updateRev, now))
	return errors.Join(errs...)
}

// ordinalOf parses the ordinal from a pod named <set>-<ordinal>.
func ordinalOf(set *appsv1.StatefulSet, p *corev1.Pod) (int32, bool) {
	s, ok := strings.CutPrefix(p.Name, set.Name+"-")
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 32)
	if err != nil || n < 0 || strconv.FormatInt(n, 10) != s {
		return 0, false
	}
	return int32(n), true
}

func ordinalOrMax(set *appsv1.StatefulSet, p *corev1.Pod) int64 {
	if n, ok := ordinalOf(set, p); ok {
		return int64(n)
	}
	return 1 << 40
}

func runningAndReady(p *corev1.Pod) bool {
	return p.Status.Phase == corev1.PodRunning && corev1.IsPodReady(p) && p.DeletionTimestamp == nil
}

func available(p *corev1.Pod, minReady int32, now time.Time) bool {
	_, cond := corev1.GetPodCondition(&p.Status, corev1.PodReady)
	if cond == nil || cond.Status != corev1.ConditionTrue {
		return false
	}
	return minReady == 0 || !cond.LastTransitionTime.Add(time.Duration(minReady)*time.Second).After(now)
}

// manage creates missing pods, deletes condemned ones and rolls updates.
func (c *Controller) manage(ctx context.Context, set *appsv1.StatefulSet, revs []*appsv1.ControllerRevision,
	currentRev, updateRev string, byOrdinal map[int32]*corev1.Pod, condemned []*corev1.Pod, start, replicas int32, now time.Time) error {
	ordered := set.Spec.PodManagementPolicy != appsv1.ParallelPodManagement
	var errs []error
	for ord := start; ord < start+replicas; ord++ {
		p := byOrdinal[ord]
		switch {
		case p == nil:
			rev := updateRev
			if set.Spec.UpdateStrategy.Type != appsv1.OnDeleteStatefulSetStrategyType && ord < start+partition(set) {
				rev = currentRev
			}
			if err := c.createPod(ctx, set, revs, rev, ord); err != nil {
				errs = append(errs, err)
			}
			if ordered {
				return errors.Join(errs...)
			}
		case p.Status.Phase == corev1.PodFailed || p.Status.Phase == corev1.PodSucceeded:
			if p.DeletionTimestamp == nil {
				if err := c.deletePod(ctx, set, p, false); err != nil {
					errs = append(errs, err)
				}
			}
			if ordered {
				return errors.Join(errs...)
			}
		case ordered && !runningAndReady(p):
			return errors.Join(errs...)
		}
	}
	for _, p := range condemned {
		if p.DeletionTimestamp != nil {
			if ordered {
				return errors.Join(errs...)
			}
			continue
		}
		if err := c.deletePod(ctx, set, p, true); err != nil {
			errs = append(errs, err)
		}
		if ordered {
			return errors.Join(errs...)
		}
	}
	if len(errs) > 0 || set.Spec.UpdateStrategy.Type == appsv1.OnDeleteStatefulSetStrategyType {
		return errors.Join(errs...)
	}
	// Rolling update: highest ordinal first, one pod at a time, down to the partition.
	for ord := start + replicas - 1; ord >= start; ord-- {
		p := byOrdinal[ord]
		if p == nil || !runningAndReady(p) {
			return nil
		}
	}
	for ord := start + replicas - 1; ord >= start+partition(set); ord-- {
		p := byOrdinal[ord]
		if p.Labels[appsv1.ControllerRevisionHashLabelKey] != updateRev {
			return c.deletePod(ctx, set, p, false)
		}
	}
	return nil
}

func partition(set *appsv1.StatefulSet) int32 {
	if ru := set.Spec.UpdateStrategy.RollingUpdate; ru != nil && ru.Partition != nil {
		return *ru.Partition
	}
	return 0
}

func claimName(tmpl, set string, ord int32) string {
	return fmt.Sprintf("%s-%s-%d", tmpl, set, ord)
}

// createPod creates the claims and then the pod of ordinal ord.
func (c *Controller) createPod(ctx context.Context, set *appsv1.StatefulSet, revs []*appsv1.ControllerRevision, rev string, ord int32) error {
	tmpl, ok := templateOf(revs, rev)
	if !ok {
		tmpl = &set.Spec.Template
	}
	if err := c.ensureClaims(ctx, set, ord); err != nil {
		return err
	}
	p := newPod(set, tmpl.DeepCopy(), rev, ord)
	if _, err := c.client.CoreV1().Pods(set.Namespace).Create(ctx, p, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		return fmt.Errorf("create pod %s/%s: %w", p.Namespace, p.Name, err)
	}
	c.recorder.Eventf(set, corev1.EventTypeNormal, "SuccessfulCreate", "create Pod %s in StatefulSet %s successful", p.Name, set.Name)
	return nil
}

// newPod builds the pod of ordinal ord from tmpl.
func newPod(set *appsv1.StatefulSet, tmpl *corev1.PodTemplateSpec, rev string, ord int32) *corev1.Pod {
	name := fmt.Sprintf("%s-%d", set.Name, ord)
	p := &corev1.Pod{ObjectMeta: tmpl.ObjectMeta, Spec: tmpl.Spec}
	p.Name, p.GenerateName, p.Namespace = name, "", set.Namespace
	if p.Labels == nil {
		p.Labels = map[string]string{}
	}
	p.Labels[appsv1.StatefulSetPodNameLabel] = name
	p.Labels[appsv1.PodIndexLabel] = strconv.Itoa(int(ord))
	p.Labels[appsv1.ControllerRevisionHashLabelKey] = rev
	t := true
	p.OwnerReferences = []metav1.OwnerReference{{APIVersion: "apps/v1", Kind: "StatefulSet", Name: set.Name, UID: set.UID, Controller: &t, BlockOwnerDeletion: &t}}
	p.Spec.Hostname = name
	p.Spec.Subdomain = set.Spec.ServiceName
	for _, ct := range set.Spec.VolumeClaimTemplates {
		vol := corev1.Volume{Name: ct.Name, VolumeSource: corev1.VolumeSource{PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{
			ClaimName: claimName(ct.Name, set.Name, ord)}}}
		replaced := false
		for i := range p.Spec.Volumes {
			if p.Spec.Volumes[i].Name == ct.Name {
				p.Spec.Volumes[i], replaced = vol, true
			}
		}
		if !replaced {
			p.Spec.Volumes = append(p.Spec.Volumes, vol)
		}
	}
	return p
}

// ensureClaims creates the missing claims of ordinal ord.
func (c *Controller) ensureClaims(ctx context.Context, set *appsv1.StatefulSet, ord int32) error {
	for _, ct := range set.Spec.VolumeClaimTemplates {
		name := claimName(ct.Name, set.Name, ord)
		if _, err := c.claims.Get(set.Namespace, name); err == nil {
			continue
		}
		pvc := &corev1.PersistentVolumeClaim{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: set.Namespace,
			Labels: map[string]string{}, Annotations: ct.Annotations}, Spec: *ct.Spec.DeepCopy()}
		for k, v := range ct.Labels {
			pvc.Labels[k] = v
		}
		if set.Spec.Selector != nil {
			for k, v := range set.Spec.Selector.MatchLabels {
				pvc.Labels[k] = v
			}
		}
		if rp := set.Spec.PersistentVolumeClaimRetentionPolicy; rp != nil && rp.WhenDeleted == appsv1.DeletePersistentVolumeClaimRetentionPolicyType {
			t := true
			pvc.OwnerReferences = []metav1.OwnerReference{{APIVersion: "apps/v1", Kind: "StatefulSet", Name: set.Name, UID: set.UID, BlockOwnerDeletion: &t}}
		}
		if _, err := c.client.CoreV1().PersistentVolumeClaims(set.Namespace).Create(ctx, pvc, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
			return fmt.Errorf("create claim %s/%s: %w", set.Namespace, name, err)
		}
	}
	return nil
}

// deletePod deletes p; for a scale-down with whenScaled=Delete its claims
// are first owned by the pod so the garbage collector removes them with it.
func (c *Controller) deletePod(ctx context.Context, set *appsv1.StatefulSet, p *corev1.Pod, scaledDown bool) error {
	if rp := set.Spec.PersistentVolumeClaimRetentionPolicy; scaledDown && rp != nil && rp.WhenScaled == appsv1.DeletePersistentVolumeClaimRetentionPolicyType {
		if ord, ok := ordinalOf(set, p); ok {
			for _, ct := range set.Spec.VolumeClaimTemplates {
				pvc, err := c.claims.Get(set.Namespace, claimName(ct.Name, set.Name, ord))
				if err != nil {
					continue
				}
				if hasOwner(pvc.OwnerReferences, p.UID) {
					continue
				}
				upd := pvc.DeepCopy()
				t := true
				upd.OwnerReferences = append(upd.OwnerReferences, metav1.OwnerReference{APIVersion: "v1", Kind: "Pod", Name: p.Name, UID: p.UID, BlockOwnerDeletion: &t})
				if _, err := c.client.CoreV1().PersistentVolumeClaims(set.Namespace).Update(ctx, upd, metav1.UpdateOptions{}); err != nil {
					return fmt.Errorf("hand claim %s to pod %s: %w", pvc.Name, p.Name, err)
				}
			}
		}
	}
	err := c.client.CoreV1().Pods(p.Namespace).Delete(ctx, p.Name, metav1.DeleteOptions{})
	if err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("delete pod %s/%s: %w", p.Namespace, p.Name, err)
	}
	c.recorder.Eventf(set, corev1.EventTypeNormal, "SuccessfulDelete", "delete Pod %s in StatefulSet %s successful", p.Name, set.Name)
	return nil
}

func hasOwner(refs []metav1.OwnerReference, uid types.UID) bool {
	for _, r := range refs {
		if r.UID == uid {
			return true
		}
	}
	return false
}

// updateStatus writes the set's counters and revisions.
func (c *Controller) updateStatus(ctx context.Context, cached *appsv1.StatefulSet, pods []*corev1.Pod, currentRev, updateRev string, now time.Time) error {
	s := cached.Status.DeepCopy()
	s.Replicas, s.ReadyReplicas, s.AvailableReplicas, s.CurrentReplicas, s.UpdatedReplicas = 0, 0, 0, 0, 0
	for _, p := range pods {
		if ref := metav1.GetControllerOf(p); ref == nil || ref.UID != cached.UID || p.DeletionTimestamp != nil {
			continue
		}
		s.Replicas++
		if corev1.IsPodReady(p) && p.Status.Phase == corev1.PodRunning {
			s.ReadyReplicas++
			if available(p, cached.Spec.MinReadySeconds, now) {
				s.AvailableReplicas++
			}
		}
		switch p.Labels[appsv1.ControllerRevisionHashLabelKey] {
		case currentRev:
			s.CurrentReplicas++
		}
		if p.Labels[appsv1.ControllerRevisionHashLabelKey] == updateRev {
			s.UpdatedReplicas++
		}
	}
	s.CurrentRevision, s.UpdateRevision, s.ObservedGeneration = currentRev, updateRev, cached.Generation
	replicas := int32(1)
	if cached.Spec.Replicas != nil {
		replicas = *cached.Spec.Replicas
	}
	if currentRev != updateRev && s.UpdatedReplicas == replicas && s.ReadyReplicas == replicas && s.Replicas == replicas {
		s.CurrentRevision, s.CurrentReplicas = updateRev, s.UpdatedReplicas
	}
	if statusEqual(s, &cached.Status) {
		return nil
	}
	set := cached.DeepCopy()
	set.Status = *s
	if _, err := c.client.AppsV1().StatefulSets(set.Namespace).UpdateStatus(ctx, set, metav1.UpdateOptions{}); err != nil {
		return fmt.Errorf("update status of stateful set %s/%s: %w", set.Namespace, set.Name, err)
	}
	return nil
}

func statusEqual(a, b *appsv1.StatefulSetStatus) bool {
	return a.Replicas == b.Replicas && a.ReadyReplicas == b.ReadyReplicas && a.AvailableReplicas == b.AvailableReplicas &&
		a.CurrentReplicas == b.CurrentReplicas && a.UpdatedReplicas == b.UpdatedReplicas && a.CurrentRevision == b.CurrentRevision &&
		a.UpdateRevision == b.UpdateRevision && a.ObservedGeneration == b.ObservedGeneration
}

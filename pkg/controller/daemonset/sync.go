package daemonset

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
	"keel.dev/apimachinery/pkg/labels"
	"keel.dev/apimachinery/pkg/util/intstr"
)

// LabelTemplateGeneration is the deprecated generation label of daemon pods.
const LabelTemplateGeneration = "pod-template-generation"

// nodeState is one node seen from one DaemonSet.
type nodeState struct {
	node                      *corev1.Node
	shouldRun, shouldContinue bool
	pods                      []*corev1.Pod // live pods, oldest first
}

func (c *Controller) sync(ctx context.Context, key string) error {
	ns, name, _ := strings.Cut(key, "/")
	cached, err := c.sets.Get(ns, name)
	if apierrors.IsNotFound(err) {
		c.exp.Forget(key)
		return nil
	}
	if err != nil {
		return err
	}
	if cached.DeletionTimestamp != nil {
		return nil
	}
	ds := cached.DeepCopy()
	sel, err := metav1.LabelSelectorAsSelector(ds.Spec.Selector)
	if err != nil {
		return fmt.Errorf("selector of daemon set %s: %w", key, err)
	}
	all, err := c.claimPods(ctx, ds, sel)
	if err != nil {
		return err
	}
	revs, err := c.claimRevisions(ctx, ds, sel)
	if err != nil {
		return err
	}
	nodes, err := c.nodes.List(labels.Everything())
	if err != nil {
		return err
	}
	now := c.clock.Now()
	spec := ds.Spec.Template.Spec.DeepCopy()
	addDaemonTolerations(spec)

	states := map[string]*nodeState{}
	for _, n := range nodes {
		run, cont := placement(spec, n)
		states[n.Name] = &nodeState{node: n, shouldRun: run, shouldContinue: cont}
	}
	inUse := map[string]bool{}
	var toDelete []*corev1.Pod
	for _, p := range all {
		if p.DeletionTimestamp != nil {
			continue
		}
		inUse[p.Labels[appsv1.DefaultDaemonSetUniqueLabelKey]] = true
		st := states[podNode(p)]
		switch {
		case st == nil:
			if p.Spec.NodeName == "" {
				toDelete = append(toDelete, p)
			}
		case p.Status.Phase == corev1.PodFailed:
			toDelete = append(toDelete, p)
		default:
			st.pods = append(st.pods, p)
		}
	}
	hash, err := c.ensureRevision(ctx, ds, revs, inUse)
	if err != nil {
		return err
	}
	for _, st := range states {
		sort.Slice(st.pods, func(i, j int) bool { return st.pods[i].CreationTimestamp.Before(&st.pods[j].CreationTimestamp) })
	}

	var toCreate []string
	surge := maxSurge(ds, len(states)) > 0
	for _, st := range sortedStates(states) {
		switch {
		case st.shouldRun && len(st.pods) == 0:
			toCreate = append(toCreate, st.node.Name)
		case !st.shouldContinue && len(st.pods) > 0:
			toDelete = append(toDelete, st.pods...)
		case len(st.pods) > 1 && !(surge && len(st.pods) == 2 && (isNew(st.pods[0], hash) != isNew(st.pods[1], hash))):
			toDelete = append(toDelete, st.pods[1:]...)
		}
	}
	var errs []error
	if c.exp.Satisfied(key) {
		if len(toCreate) == 0 && len(toDelete) == 0 && ds.Spec.UpdateStrategy.Type != appsv1.OnDeleteDaemonSetStrategyType {
			toCreate, toDelete = c.rollingUpdate(ds, hash, sortedStates(states), now)
		}
		errs = append(errs, c.apply(ctx, key, ds, hash, toCreate, toDelete))
	}
	errs = append(errs, c.updateStatus(ctx, cached, states, hash, now))
	return errors.Join(errs...)
}

func sortedStates(m map[string]*nodeState) []*nodeState {
	out := make([]*nodeState, 0, len(m))
	for _, s := range m {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].node.Name < out[j].node.Name })
	return out
}

func isNew(p *corev1.Pod, hash string) bool {
	return p.Labels[appsv1.DefaultDaemonSetUniqueLabelKey] == hash
}

// available reports whether p has been ready for minReadySeconds.
func available(p *corev1.Pod, minReady int32, now time.Time) bool {
	_, cond := corev1.GetPodCondition(&p.Status, corev1.PodReady)
	if cond == nil || cond.Status != corev1.ConditionTrue {
		return false
	}
	return minReady == 0 || !cond.LastTransitionTime.Add(time.Duration(minReady)*time.Second).After(now)
}

func maxSurge(ds *appsv1.DaemonSet, desired int) int {
	ru := ds.Spec.UpdateStrategy.RollingUpdate
	if ru == nil || ru.MaxSurge == nil {
		return 0
	}
	n, _ := intstr.GetScaledValueFromIntOrPercent(ru.MaxSurge, desired, true)
	return n
}

func maxUnavailable(ds *appsv1.DaemonSet, desired int) int {
	ru := ds.Spec.UpdateStrategy.RollingUpdate
	v := intstr.FromInt(1)
	if ru != nil && ru.MaxUnavailable != nil {
		v = *ru.MaxUnavailable
	}
	n, _ := intstr.GetScaledValueFromIntOrPercent(&v, desired, true)
	if n == 0 && maxSurge(ds, desired) == 0 {
		n = 1
	}
	return n
}

// rollingUpdate picks the old pods to replace within the budgets.
func (c *Controller) rollingUpdate(ds *appsv1.DaemonSet, hash string, states []*nodeState, now time.Time) (create []string, del []*corev1.Pod) {
	desired := 0
	for _, st := range states {
		if st.shouldRun {
			desired++
		}
	}
	minReady := ds.Spec.MinReadySeconds
	if surge := maxSurge(ds, desired); surge > 0 {
		surging := 0
		for _, st := range states {
			if len(st.pods) == 2 {
				surging++
			}
		}
		for _, st := range states {
			if !st.shouldRun || len(st.pods) == 0 {
				continue
			}
			if len(st.pods) == 2 {
				for _, p := range st.pods {
					if isNew(p, hash) && available(p, minReady, now) {
						for _, old := range st.pods {
							if !isNew(old, hash) {
								del = append(del, old)
							}
						}
					}
				}
				continue
			}
			if !isNew(st.pods[0], hash) && surging < surge {
				create = append(create, st.node.Name)
				surging++
			}
		}
		return create, del
	}
	budget := maxUnavailable(ds, desired)
	unavailable := 0
	for _, st := range states {
		if st.shouldRun && (len(st.pods) == 0 || !available(st.pods[0], minReady, now)) {
			unavailable++
		}
	}
	for _, st := range states {
		if !st.shouldRun || len(st.pods) == 0 || isNew(st.pods[0], hash) {
			continue
		}
		switch {
		case !available(st.pods[0], minReady, now):
			del = append(del, st.pods[0])
		case unavailable < budget:
			del = append(del, st.pods[0])
			unavailable++
		}
	}
	return nil, del
}

// apply creates and deletes daemon pods.
func (c *Controller) apply(ctx context.Context, key string, ds *appsv1.DaemonSet, hash string, create []string, del []*corev1.Pod) error {
	if len(create) == 0 && len(del) == 0 {
		return nil
	}
	c.exp.Expect(key, len(create), len(del))
	var errs []error
	for _, p := range del {
		err := c.client.CoreV1().Pods(p.Namespace).Delete(ctx, p.Name, metav1.DeleteOptions{})
		if err != nil {
			c.exp.Observe(key, 0, -1)
			if !apierrors.IsNotFound(err) {
				errs = append(errs, fmt.Errorf("delete daemon pod %s/%s: %w", p.Namespace, p.Name, err))
			}
		}
	}
	for _, node := range create {
		p, err := c.client.CoreV1().Pods(ds.Namespace).Create(ctx, newPod(ds, hash, node), metav1.CreateOptions{})
		if err != nil {
			c.exp.Observe(key, -1, 0)
			errs = append(errs, fmt.Errorf("create daemon pod for node %q: %w", node, err))
			continue
		}
		c.recorder.Eventf(ds, corev1.EventTypeNormal, "SuccessfulCreate", "Created pod: %s", p.Name)
	}
	return errors.Join(errs...)
}

// newPod builds the daemon pod for node.
func newPod(ds *appsv1.DaemonSet, hash, node string) *corev1.Pod {
	t := ds.Spec.Template.DeepCopy()
	p := &corev1.Pod{ObjectMeta: t.ObjectMeta, Spec: t.Spec}
	p.Name, p.Namespace, p.GenerateName = "", ds.Namespace, ds.Name+"-"
	if p.Labels == nil {
		p.Labels = map[string]string{}
	}
	p.Labels[appsv1.DefaultDaemonSetUniqueLabelKey] = hash
	p.Labels[LabelTemplateGeneration] = strconv.FormatInt(ds.Generation, 10)
	p.OwnerReferences = []metav1.OwnerReference{ownerRef(ds)}
	addDaemonTolerations(&p.Spec)
	pinToNode(&p.Spec, node)
	return p
}

// updateStatus writes the counters of the DaemonSet.
func (c *Controller) updateStatus(ctx context.Context, cached *appsv1.DaemonSet, states map[string]*nodeState, hash string, now time.Time) error {
	var s appsv1.DaemonSetStatus
	for _, st := range states {
		if !st.shouldRun {
			if len(st.pods) > 0 {
				s.NumberMisscheduled++
			}
			continue
		}
		s.DesiredNumberScheduled++
		if len(st.pods) == 0 {
			continue
		}
		s.CurrentNumberScheduled++
		ready, avail, updated := false, false, false
		for _, p := range st.pods {
			ready = ready || corev1.IsPodReady(p)
			avail = avail || available(p, cached.Spec.MinReadySeconds, now)
			updated = updated || isNew(p, hash)
		}
		if ready {
			s.NumberReady++
		}
		if avail {
			s.NumberAvailable++
		}
		if updated {
			s.UpdatedNumberScheduled++
		}
	}
	s.NumberUnavailable = s.DesiredNumberScheduled - s.NumberAvailable
	s.ObservedGeneration = cached.Generation
	s.CollisionCount = cached.Status.CollisionCount
	s.Conditions = cached.Status.Conditions
	if equalStatus(s, cached.Status) {
		return nil
	}
	ds := cached.DeepCopy()
	ds.Status = s
	if _, err := c.client.AppsV1().DaemonSets(ds.Namespace).UpdateStatus(ctx, ds, metav1.UpdateOptions{}); err != nil {
		return fmt.Errorf("update status of daemon set %s/%s: %w", ds.Namespace, ds.Name, err)
	}
	return nil
}

func equalStatus(a, b appsv1.DaemonSetStatus) bool {
	return a.CurrentNumberScheduled == b.CurrentNumberScheduled && a.NumberMisscheduled == b.NumberMisscheduled &&
		a.DesiredNumberScheduled == b.DesiredNumberScheduled && a.NumberReady == b.NumberReady &&
		a.ObservedGeneration == b.ObservedGeneration && a.UpdatedNumberScheduled == b.UpdatedNumberScheduled &&
		a.NumberAvailable == b.NumberAvailable && a.NumberUnavailable == b.NumberUnavailable
}

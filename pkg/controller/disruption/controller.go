package disruption

import (
	"context"
	"fmt"
	"time"

	corev1 "keel.dev/api/core/v1"
	policyv1 "keel.dev/api/policy/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/util/intstr"
	"keel.dev/client/clock"
	"keel.dev/client/informers"
	"keel.dev/client/typed"
	"keel.dev/client/workqueue"

	"keel.dev/keel/pkg/controller/internal/worker"
)

// DisruptedPodTimeout is how long an entry of status.disruptedPods is kept
// when the pod it names has not been deleted.
const DisruptedPodTimeout = 2 * time.Minute

// Options tunes the controller.
type Options struct {
	// Clock is the time source (default real clock).
	Clock clock.Clock
	// Metrics observes the work queue (optional).
	Metrics workqueue.Metrics
}

// Controller computes PodDisruptionBudget status.
type Controller struct {
	client      *typed.Clientset
	clock       clock.Clock
	pdbs        *informers.PodDisruptionBudgetLister
	pods        *informers.PodLister
	rcs         *informers.ReplicationControllerLister
	rss         *informers.ReplicaSetLister
	deployments *informers.DeploymentLister
	sets        *informers.StatefulSetLister
	synced      []informers.Syncer
	queue       *workqueue.Queue[string]
}

// New wires the controller to the shared informers of f.
func New(client *typed.Clientset, f *informers.Factory, opts Options) *Controller {
	if opts.Clock == nil {
		opts.Clock = clock.Real{}
	}
	var qo []workqueue.Option[string]
	if opts.Metrics != nil {
		qo = append(qo, workqueue.WithMetrics[string](opts.Metrics))
	}
	pdbInf := informers.PodDisruptionBudgets(f)
	podInf := informers.Pods(f)
	rcInf := informers.ReplicationControllers(f)
	rsInf := informers.ReplicaSets(f)
	dInf := informers.Deployments(f)
	ssInf := informers.StatefulSets(f)
	c := &Controller{
		client:      client,
		clock:       opts.Clock,
		pdbs:        pdbInf.Lister(),
		pods:        podInf.Lister(),
		rcs:         rcInf.Lister(),
		rss:         rsInf.Lister(),
		deployments: dInf.Lister(),
		sets:        ssInf.Lister(),
		queue:       workqueue.New[string](qo...),
	}
	c.synced = []informers.Syncer{
		pdbInf.AddEventHandler(informers.HandlerFuncs[*policyv1.PodDisruptionBudget]{
			AddFunc:    func(p *policyv1.PodDisruptionBudget, _ bool) { c.queue.Add(key(p.Namespace, p.Name)) },
			UpdateFunc: func(_, p *policyv1.PodDisruptionBudget) { c.queue.Add(key(p.Namespace, p.Name)) },
		}),
		podInf.AddEventHandler(informers.HandlerFuncs[*corev1.Pod]{
			AddFunc:    func(p *corev1.Pod, _ bool) { c.enqueueForPod(p) },
			UpdateFunc: func(_, p *corev1.Pod) { c.enqueueForPod(p) },
			DeleteFunc: func(p *corev1.Pod) { c.enqueueForPod(p) },
		}),
		rcInf, rsInf, dInf, ssInf,
	}
	return c
}

func key(ns, name string) string { return ns + "/" + name }

// enqueueForPod queues every budget in the pod's namespace whose selector matches it.
func (c *Controller) enqueueForPod(pod *corev1.Pod) {
	pdbs, err := c.pdbs.Namespace(pod.Namespace).List(everything())
	if err != nil {
		return
	}
	for _, p := range pdbs {
		sel, err := metav1.LabelSelectorAsSelector(p.Spec.Selector)
		if err == nil && sel.Matches(labelSet(pod.Labels)) {
			c.queue.Add(key(p.Namespace, p.Name))
		}
	}
}

// Run processes budgets with workers goroutines until ctx is done.
func (c *Controller) Run(ctx context.Context, workers int) error {
	return worker.Run(ctx, "disruption", c.queue, c.synced, workers, c.sync)
}

// sync recomputes and writes the status of one budget.
func (c *Controller) sync(ctx context.Context, k string) error {
	ns, name := splitKey(k)
	cached, err := c.pdbs.Get(ns, name)
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	pdb := cached.DeepCopyObject().(*policyv1.PodDisruptionBudget)
	pods, err := c.matchingPods(pdb)
	if err != nil {
		return err
	}
	now := c.clock.Now()
	status, recheck := c.computeStatus(pdb, pods, now)
	if statusEqual(pdb.Status, status) {
		if recheck > 0 {
			c.queue.AddAfter(k, recheck)
		}
		return nil
	}
	pdb.Status = status
	if _, err := c.client.PolicyV1().PodDisruptionBudgets(ns).UpdateStatus(ctx, pdb, metav1.UpdateOptions{}); err != nil {
		if apierrors.IsNotFound(err) {
			return nil
		}
		return fmt.Errorf("update status of pdb %s: %w", k, err)
	}
	if recheck > 0 {
		c.queue.AddAfter(k, recheck)
	}
	return nil
}

// matchingPods lists the pods of the budget's namespace its selector matches.
func (c *Controller) matchingPods(pdb *policyv1.PodDisruptionBudget) ([]*corev1.Pod, error) {
	sel, err := metav1.LabelSelectorAsSelector(pdb.Spec.Selector)
	if err != nil {
		return nil, fmt.Errorf("pdb %s/%s selector: %w", pdb.Namespace, pdb.Name, err)
	}
	// In policy/v1 an empty selector selects every pod of the namespace and
	// a nil one selects none, which LabelSelectorAsSelector already encodes.
	return c.pods.Namespace(pdb.Namespace).List(sel)
}

// computeStatus derives the new status; recheck > 0 asks for a resync when a
// disruptedPods entry will expire.
func (c *Controller) computeStatus(pdb *policyv1.PodDisruptionBudget, pods []*corev1.Pod, now time.Time) (policyv1.PodDisruptionBudgetStatus, time.Duration) {
	disrupted, recheck := pruneDisrupted(pdb.Status.DisruptedPods, pods, now)
	healthy := int32(0)
	for _, p := range pods {
		if _, ok := disrupted[p.Name]; ok {
			continue
		}
		if isHealthy(p) {
			healthy++
		}
	}
	expected, desired, err := c.expectations(pdb, pods)
	st := policyv1.PodDisruptionBudgetStatus{
		ObservedGeneration: pdb.Generation,
		DisruptedPods:      disrupted,
		CurrentHealthy:     healthy,
		DesiredHealthy:     desired,
		ExpectedPods:       expected,
		Conditions:         append([]metav1.Condition(nil), pdb.Status.Conditions...),
	}
	cond := metav1.Condition{Type: policyv1.DisruptionAllowedCondition, ObservedGeneration: pdb.Generation}
	switch {
	case err != nil:
		cond.Status, cond.Reason, cond.Message = metav1.ConditionFalse, policyv1.SyncFailedReason, err.Error()
	default:
		if allowed := healthy - desired; allowed > 0 {
			st.DisruptionsAllowed = allowed
		}
		if st.DisruptionsAllowed > 0 {
			cond.Status, cond.Reason = metav1.ConditionTrue, policyv1.SufficientPodsReason
		} else {
			cond.Status, cond.Reason = metav1.ConditionFalse, policyv1.InsufficientPodsReason
		}
	}
	st.Conditions = setCondition(st.Conditions, cond, now)
	return st, recheck
}

// expectations returns expectedPods and desiredHealthy for the budget.
func (c *Controller) expectations(pdb *policyv1.PodDisruptionBudget, pods []*corev1.Pod) (int32, int32, error) {
	spec := pdb.Spec
	if spec.MaxUnavailable == nil && spec.MinAvailable != nil && spec.MinAvailable.Type == intstr.Int {
		return int32(len(pods)), spec.MinAvailable.IntVal, nil
	}
	expected, err := c.expectedCount(pods)
	if err != nil {
		return 0, 0, err
	}
	switch {
	case spec.MaxUnavailable != nil:
		mu, err := intstr.GetScaledValueFromIntOrPercent(spec.MaxUnavailable, int(expected), true)
		if err != nil {
			return expected, 0, fmt.Errorf("maxUnavailable: %w", err)
		}
		desired := expected - int32(mu)
		if desired < 0 {
			desired = 0
		}
		return expected, desired, nil
	case spec.MinAvailable != nil:
		ma, err := intstr.GetScaledValueFromIntOrPercent(spec.MinAvailable, int(expected), true)
		if err != nil {
			return expected, 0, fmt.Errorf("minAvailable: %w", err)
		}
		return expected, int32(ma), nil
	}
	return expected, 0, nil
}

// expectedCount sums the scale of the pods' controllers; pods without a
// controller count as one each.
func (c *Controller) expectedCount(pods []*corev1.Pod) (int32, error) {
	seen := map[string]bool{}
	var total int32
	for _, p := range pods {
		ref := metav1.GetControllerOf(p)
		if ref == nil {
			total++
			continue
		}
		scaleKey, replicas, found, err := c.controllerScale(p.Namespace, ref)
		if err != nil {
			return 0, err
		}
		if !found {
			total++
			continue
		}
		if seen[scaleKey] {
			continue
		}
		seen[scaleKey] = true
		total += replicas
	}
	return total, nil
}

// controllerScale resolves the scale of a pod's controller: a ReplicaSet
// owned by a Deployment reports the Deployment's replicas.
func (c *Controller) controllerScale(ns string, ref *metav1.OwnerReference) (string, int32, bool, error) {
	switch ref.Kind {
	case "ReplicaSet":
		rs, err := c.rss.Get(ns, ref.Name)
		if apierrors.IsNotFound(err) || (err == nil && rs.UID != ref.UID) {
			return "", 0, false, nil
		}
		if err != nil {
			return "", 0, false, err
		}
		if dref := metav1.GetControllerOf(rs); dref != nil && dref.Kind == "Deployment" {
			d, err := c.deployments.Get(ns, dref.Name)
			if err == nil && d.UID == dref.UID {
				return "Deployment/" + d.Name, replicasOf(d.Spec.Replicas), true, nil
			}
		}
		return "ReplicaSet/" + rs.Name, replicasOf(rs.Spec.Replicas), true, nil
	case "StatefulSet":
		ss, err := c.sets.Get(ns, ref.Name)
		if apierrors.IsNotFound(err) || (err == nil && ss.UID != ref.UID) {
			return "", 0, false, nil
		}
		if err != nil {
			return "", 0, false, err
		}
		return "StatefulSet/" + ss.Name, replicasOf(ss.Spec.Replicas), true, nil
	case "ReplicationController":
		rc, err := c.rcs.Get(ns, ref.Name)
		if apierrors.IsNotFound(err) || (err == nil && rc.UID != ref.UID) {
			return "", 0, false, nil
		}
		if err != nil {
			return "", 0, false, err
		}
		return "ReplicationController/" + rc.Name, replicasOf(rc.Spec.Replicas), true, nil
	case "Deployment":
		d, err := c.deployments.Get(ns, ref.Name)
		if apierrors.IsNotFound(err) || (err == nil && d.UID != ref.UID) {
			return "", 0, false, nil
		}
		if err != nil {
			return "", 0, false, err
		}
		return "Deployment/" + d.Name, replicasOf(d.Spec.Replicas), true, nil
	}
	return "", 0, false, nil
}

func replicasOf(r *int32) int32 {
	if r == nil {
		return 1
	}
	return *r
}

// pruneDisrupted keeps the disruptedPods entries whose pod still exists, is
// not yet being deleted and whose eviction is younger than the timeout.
func pruneDisrupted(in map[string]metav1.Time, pods []*corev1.Pod, now time.Time) (map[string]metav1.Time, time.Duration) {
	if len(in) == 0 {
		return nil, 0
	}
	byName := make(map[string]*corev1.Pod, len(pods))
	for _, p := range pods {
		byName[p.Name] = p
	}
	out := map[string]metav1.Time{}
	var recheck time.Duration
	for name, t := range in {
		p, ok := byName[name]
		if !ok || p.DeletionTimestamp != nil {
			continue
		}
		expiry := t.Time.Add(DisruptedPodTimeout)
		if !expiry.After(now) {
			continue
		}
		out[name] = t
		if d := expiry.Sub(now); recheck == 0 || d < recheck {
			recheck = d
		}
	}
	if len(out) == 0 {
		return nil, recheck
	}
	return out, recheck
}

// isHealthy reports a running, ready pod that is not terminating.
func isHealthy(p *corev1.Pod) bool {
	if p.DeletionTimestamp != nil || p.Status.Phase != corev1.PodRunning {
		return false
	}
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

// setCondition replaces or appends cond, keeping the transition time when
// the status did not change.
func setCondition(conds []metav1.Condition, cond metav1.Condition, now time.Time) []metav1.Condition {
	for i := range conds {
		if conds[i].Type != cond.Type {
			continue
		}
		if conds[i].Status == cond.Status {
			cond.LastTransitionTime = conds[i].LastTransitionTime
		} else {
			cond.LastTransitionTime = metav1.NewTime(now)
		}
		conds[i] = cond
		return conds
	}
	cond.LastTransitionTime = metav1.NewTime(now)
	return append(conds, cond)
}

// statusEqual compares the fields the controller owns.
func statusEqual(a, b policyv1.PodDisruptionBudgetStatus) bool {
	if a.ObservedGeneration != b.ObservedGeneration || a.DisruptionsAllowed != b.DisruptionsAllowed ||
		a.CurrentHealthy != b.CurrentHealthy || a.DesiredHealthy != b.DesiredHealthy ||
		a.ExpectedPods != b.ExpectedPods || len(a.DisruptedPods) != len(b.DisruptedPods) ||
		len(a.Conditions) != len(b.Conditions) {
		return false
	}
	for k, v := range a.DisruptedPods {
		if w, ok := b.DisruptedPods[k]; !ok || !w.Time.Equal(v.Time) {
			return false
		}
	}
	for i := range a.Conditions {
		x, y := a.Conditions[i], b.Conditions[i]
		if x.Type != y.Type || x.Status != y.Status || x.Reason != y.Reason || x.Message != y.Message ||
			x.ObservedGeneration != y.ObservedGeneration || !x.LastTransitionTime.Time.Equal(y.LastTransitionTime.Time) {
			return false
		}
	}
	return true
}

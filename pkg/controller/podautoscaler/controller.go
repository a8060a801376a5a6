package podautoscaler

import (
	"context"
	"fmt"
	"sync"
	"time"

	autoscalingv1 "keel.dev/api/autoscaling/v1"
	autoscalingv2 "keel.dev/api/autoscaling/v2"
	corev1 "keel.dev/api/core/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/labels"
	"keel.dev/client/clock"
	"keel.dev/client/informers"
	"keel.dev/client/typed"
	"keel.dev/client/workqueue"

	"keel.dev/keel/pkg/controller/internal/worker"
)

// DefaultSyncPeriod is how often every autoscaler is evaluated.
const DefaultSyncPeriod = 15 * time.Second

// Options tunes the controller.
type Options struct {
	// Metrics is the pod usage source (default NoMetrics).
	Metrics MetricsSource
	// Clock is the time source (default real clock).
	Clock clock.Clock
	// SyncPeriod is the evaluation interval (default 15 s).
	SyncPeriod time.Duration
	// QueueMetrics observes the work queue (optional).
	QueueMetrics workqueue.Metrics
}

// Controller scales workloads from their HorizontalPodAutoscalers.
type Controller struct {
	client  *typed.Clientset
	metrics MetricsSource
	clock   clock.Clock
	period  time.Duration
	hpas    *informers.Lister[*autoscalingv2.HorizontalPodAutoscaler]
	pods    *informers.PodLister
	synced  []informers.Syncer
	queue   *workqueue.Queue[string]

	mu      sync.Mutex
	history map[string]*history
}

// New wires the controller to the shared informers of f.
func New(client *typed.Clientset, f *informers.Factory, opts Options) *Controller {
	if opts.Metrics == nil {
		opts.Metrics = NoMetrics{}
	}
	if opts.Clock == nil {
		opts.Clock = clock.Real{}
	}
	if opts.SyncPeriod <= 0 {
		opts.SyncPeriod = DefaultSyncPeriod
	}
	var qo []workqueue.Option[string]
	if opts.QueueMetrics != nil {
		qo = append(qo, workqueue.WithMetrics[string](opts.QueueMetrics))
	}
	hpaInf := informers.For[*autoscalingv2.HorizontalPodAutoscaler, *autoscalingv2.HorizontalPodAutoscalerList](f)
	podInf := informers.Pods(f)
	c := &Controller{
		client: client, metrics: opts.Metrics, clock: opts.Clock, period: opts.SyncPeriod,
		hpas: hpaInf.Lister(), pods: podInf.Lister(),
		queue:   workqueue.New[string](qo...),
		history: map[string]*history{},
	}
	c.synced = []informers.Syncer{
		hpaInf.AddEventHandler(informers.HandlerFuncs[*autoscalingv2.HorizontalPodAutoscaler]{
			AddFunc: func(h *autoscalingv2.HorizontalPodAutoscaler, _ bool) { c.queue.Add(h.Namespace + "/" + h.Name) },
			UpdateFunc: func(o, h *autoscalingv2.HorizontalPodAutoscaler) {
				if o.Generation != h.Generation {
					c.queue.Add(h.Namespace + "/" + h.Name)
				}
			},
			DeleteFunc: func(h *autoscalingv2.HorizontalPodAutoscaler) {
				c.mu.Lock()
				delete(c.history, h.Namespace+"/"+h.Name)
				c.mu.Unlock()
			},
		}),
		podInf,
	}
	return c
}

// Run evaluates autoscalers with workers goroutines every sync period until ctx is done.
func (c *Controller) Run(ctx context.Context, workers int) error {
	return worker.Run(ctx, "horizontalpodautoscaling", c.queue, c.synced, workers, c.sync,
		worker.Resync(c.clock, c.period, c.enqueueAll))
}

// enqueueAll queues every autoscaler for evaluation.
func (c *Controller) enqueueAll() {
	hs, _ := c.hpas.List(labels.Everything())
	for _, h := range hs {
		c.queue.Add(h.Namespace + "/" + h.Name)
	}
}

// scaleClient reads and writes the scale subresource of the target kinds we support.
type scaleClient interface {
	GetScale(ctx context.Context, name string) (*autoscalingv1.Scale, error)
	UpdateScale(ctx context.Context, name string, s *autoscalingv1.Scale, opts metav1.UpdateOptions) (*autoscalingv1.Scale, error)
}

func (c *Controller) scaleFor(ns string, ref autoscalingv2.CrossVersionObjectReference) (scaleClient, error) {
	switch ref.Kind {
	case "Deployment":
		return c.client.AppsV1().Deployments(ns), nil
	case "ReplicaSet":
		return c.client.AppsV1().ReplicaSets(ns), nil
	case "StatefulSet":
		return c.client.AppsV1().StatefulSets(ns), nil
	case "ReplicationController":
		return c.client.CoreV1().ReplicationControllers(ns), nil
	}
	return nil, fmt.Errorf("unsupported scale target kind %q", ref.Kind)
}

// sync evaluates one autoscaler, scales its target and writes its status.
func (c *Controller) sync(ctx context.Context, k string) error {
	ns, name := splitKey(k)
	cached, err := c.hpas.Get(ns, name)
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	hpa := cached.DeepCopyObject().(*autoscalingv2.HorizontalPodAutoscaler)
	now := c.clock.Now()
	gen := hpa.Generation
	hpa.Status.ObservedGeneration = &gen
	sc, err := c.scaleFor(ns, hpa.Spec.ScaleTargetRef)
	if err != nil {
		c.setCondition(hpa, autoscalingv2.AbleToScale, corev1.ConditionFalse, "FailedGetScale", err.Error(), now)
		return c.writeStatus(ctx, hpa, cached)
	}
	scale, err := sc.GetScale(ctx, hpa.Spec.ScaleTargetRef.Name)
	if err != nil {
		c.setCondition(hpa, autoscalingv2.AbleToScale, corev1.ConditionFalse, "FailedGetScale", err.Error(), now)
		if werr := c.writeStatus(ctx, hpa, cached); werr != nil {
			return werr
		}
		return fmt.Errorf("get scale of %s: %w", k, err)
	}
	current := scale.Spec.Replicas
	hpa.Status.CurrentReplicas = scale.Status.Replicas
	c.setCondition(hpa, autoscalingv2.AbleToScale, corev1.ConditionTrue, "SucceededGetScale", "the HPA controller was able to get the target's current scale", now)

	minR := int32(1)
	if hpa.Spec.MinReplicas != nil {
		minR = *hpa.Spec.MinReplicas
	}
	maxR := hpa.Spec.MaxReplicas
	if current == 0 && minR != 0 {
		// Scaling to zero by hand disables autoscaling.
		hpa.Status.DesiredReplicas = 0
		c.setCondition(hpa, autoscalingv2.ScalingActive, corev1.ConditionFalse, "ScalingDisabled", "scaling is disabled since the replica count of the target is zero", now)
		return c.writeStatus(ctx, hpa, cached)
	}

	proposed, statuses, metricErr := c.recommend(ctx, ns, scale, current, hpa.Spec.Metrics)
	if metricErr != nil {
		hpa.Status.DesiredReplicas = current
		c.setCondition(hpa, autoscalingv2.ScalingActive, corev1.ConditionFalse, "FailedGetResourceMetric", metricErr.Error(), now)
		return c.writeStatus(ctx, hpa, cached)
	}
	hpa.Status.CurrentMetrics = statuses
	c.setCondition(hpa, autoscalingv2.ScalingActive, corev1.ConditionTrue, "ValidMetricFound", "the HPA was able to successfully calculate a replica count", now)

	c.mu.Lock()
	h := c.history[k]
	if h == nil {
		// Seed with the current scale so a restart does not scale down at once.
		h = &history{recommendations: []timedValue{{now, current}}}
		c.history[k] = h
	}
	desired := h.normalize(current, proposed, hpa.Spec.Behavior, now)
	c.mu.Unlock()
	switch {
	case desired > maxR:
		desired = maxR
		c.setCondition(hpa, autoscalingv2.ScalingLimited, corev1.ConditionTrue, "TooManyReplicas", "the desired replica count is more than the maximum replica count", now)
	case desired < minR:
		desired = minR
		c.setCondition(hpa, autoscalingv2.ScalingLimited, corev1.ConditionTrue, "TooFewReplicas", "the desired replica count is less than the minimum replica count", now)
	default:
		c.setCondition(hpa, autoscalingv2.ScalingLimited, corev1.ConditionFalse, "DesiredWithinRange", "the desired count is within the acceptable range", now)
	}
	hpa.Status.DesiredReplicas = desired
	if desired != current {
		s := scale.DeepCopyObject().(*autoscalingv1.Scale)
		s.Spec.Replicas = desired
		if _, err := sc.UpdateScale(ctx, hpa.Spec.ScaleTargetRef.Name, s, metav1.UpdateOptions{}); err != nil {
			c.setCondition(hpa, autoscalingv2.AbleToScale, corev1.ConditionFalse, "FailedUpdateScale", err.Error(), now)
			if werr := c.writeStatus(ctx, hpa, cached); werr != nil {
				return werr
			}
			return fmt.Errorf("update scale of %s: %w", k, err)
		}
		c.mu.Lock()
		h.record(desired-current, now)
		c.mu.Unlock()
		t := metav1.NewTime(now)
		hpa.Status.LastScaleTime = &t
		c.setCondition(hpa, autoscalingv2.AbleToScale, corev1.ConditionTrue, "SucceededRescale", fmt.Sprintf("the HPA controller was able to update the target scale to %d", desired), now)
	}
	return c.writeStatus(ctx, hpa, cached)
}

// recommend computes the largest replica count any Resource metric asks for.
func (c *Controller) recommend(ctx context.Context, ns string, scale *autoscalingv1.Scale, current int32, metrics []autoscalingv2.MetricSpec) (int32, []autoscalingv2.MetricStatus, error) {
	sel, err := labels.Parse(scale.Status.Selector)
	if err != nil {
		return 0, nil, fmt.Errorf("parse target selector: %w", err)
	}
	if len(metrics) == 0 {
		u := int32(80)
		metrics = []autoscalingv2.MetricSpec{{Type: autoscalingv2.ResourceMetricSourceType, Resource: &autoscalingv2.ResourceMetricSource{
			Name: corev1.ResourceCPU, Target: autoscalingv2.MetricTarget{Type: autoscalingv2.UtilizationMetricType, AverageUtilization: &u}}}}
	}
	pods, err := c.pods.Namespace(ns).List(sel)
	if err != nil {
		return 0, nil, err
	}
	active := pods[:0:0]
	for _, p := range pods {
		if p.DeletionTimestamp == nil && p.Status.Phase != corev1.PodFailed && p.Status.Phase != corev1.PodSucceeded {
			active = append(active, p)
		}
	}
	usage, _, err := c.metrics.PodMetrics(ctx, ns, sel)
	if err != nil {
		return 0, nil, fmt.Errorf("get resource metrics: %w", err)
	}
	var best int32
	var statuses []autoscalingv2.MetricStatus
	for _, m := range metrics {
		if m.Type != autoscalingv2.ResourceMetricSourceType || m.Resource == nil {
			return 0, nil, fmt.Errorf("metric type %q is not supported", m.Type)
		}
		r, st, err := resourceRecommendation(current, m.Resource, active, usage)
		if err != nil {
			return 0, nil, err
		}
		statuses = append(statuses, st)
		best = max(best, r)
	}
	return best, statuses, nil
}

// setCondition replaces or appends a condition, keeping the transition time when unchanged.
func (c *Controller) setCondition(h *autoscalingv2.HorizontalPodAutoscaler, t autoscalingv2.HorizontalPodAutoscalerConditionType, s corev1.ConditionStatus, reason, msg string, now time.Time) {
	cond := autoscalingv2.HorizontalPodAutoscalerCondition{Type: t, Status: s, Reason: reason, Message: msg, LastTransitionTime: metav1.NewTime(now)}
	for i := range h.Status.Conditions {
		if h.Status.Conditions[i].Type == t {
			if h.Status.Conditions[i].Status == s {
				cond.LastTransitionTime = h.Status.Conditions[i].LastTransitionTime
			}
			h.Status.Conditions[i] = cond
			return
		}
	}
	h.Status.Conditions = append(h.Status.Conditions, cond)
}

// writeStatus writes the status when it differs from the cached one.
func (c *Controller) writeStatus(ctx context.Context, h, cached *autoscalingv2.HorizontalPodAutoscaler) error {
	if statusEqual(h.Status, cached.Status) {
		return nil
	}
	if h.Status.CurrentMetrics == nil {
		h.Status.CurrentMetrics = []autoscalingv2.MetricStatus{}
	}
	_, err := c.client.AutoscalingV2().HorizontalPodAutoscalers(h.Namespace).UpdateStatus(ctx, h, metav1.UpdateOptions{})
	if err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("update status of hpa %s/%s: %w", h.Namespace, h.Name, err)
	}
	return nil
}

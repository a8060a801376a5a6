package deployment

import (
	"context"
	"fmt"

	appsv1 "keel.dev/api/apps/v1"
	corev1 "keel.dev/api/core/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/labels"
	"keel.dev/client/clock"
	"keel.dev/client/informers"
	"keel.dev/client/record"
	"keel.dev/client/typed"
	"keel.dev/client/workqueue"

	"keel.dev/keel/pkg/controller/internal/worker"
)

// Options tunes a Controller; zero values pick defaults.
type Options struct {
	// Recorder receives events; nil discards them.
	Recorder record.EventRecorder
	// Clock defaults to the wall clock.
	Clock clock.Clock
	// Metrics receives queue metrics; nil disables them.
	Metrics workqueue.Metrics
}

// Controller rolls out Deployments.
type Controller struct {
	cs       *typed.Clientset
	dInf     *informers.DeploymentInformer
	rsInf    *informers.ReplicaSetInformer
	podInf   *informers.PodInformer
	recorder record.EventRecorder
	clock    clock.Clock
	queue    *workqueue.Queue[string]
}

var deploymentKind = appsv1.SchemeGroupVersion.WithKind("Deployment")

// New returns a Deployment controller.
func New(cs *typed.Clientset, dInf *informers.DeploymentInformer, rsInf *informers.ReplicaSetInformer, podInf *informers.PodInformer, opts Options) *Controller {
	if opts.Clock == nil {
		opts.Clock = clock.Real{}
	}
	if opts.Recorder == nil {
		opts.Recorder = record.NewFakeRecorder(0)
	}
	qopts := []workqueue.Option[string]{workqueue.WithClock[string](opts.Clock)}
	if opts.Metrics != nil {
		qopts = append(qopts, workqueue.WithMetrics[string](opts.Metrics))
	}
	c := &Controller{cs: cs, dInf: dInf, rsInf: rsInf, podInf: podInf, recorder: opts.Recorder, clock: opts.Clock,
		queue: workqueue.New[string](qopts...)}
	dInf.AddEventHandler(informers.HandlerFuncs[*appsv1.Deployment]{
		AddFunc:    func(d *appsv1.Deployment, _ bool) { c.enqueue(d) },
		UpdateFunc: func(_, d *appsv1.Deployment) { c.enqueue(d) },
		DeleteFunc: c.enqueue,
	})
	rsInf.AddEventHandler(informers.HandlerFuncs[*appsv1.ReplicaSet]{
		AddFunc: func(rs *appsv1.ReplicaSet, _ bool) { c.rsChanged(nil, rs) },
		UpdateFunc: func(old, rs *appsv1.ReplicaSet) {
			if old.ResourceVersion != rs.ResourceVersion {
				c.rsChanged(old, rs)
			}
		},
		DeleteFunc: func(rs *appsv1.ReplicaSet) { c.rsChanged(nil, rs) },
	})
	podInf.AddEventHandler(informers.HandlerFuncs[*corev1.Pod]{DeleteFunc: c.podDeleted})
	return c
}

func (c *Controller) enqueue(d *appsv1.Deployment) { c.queue.Add(informers.KeyOf(d)) }

// ownerOf returns the deployment controlling rs, if it exists.
func (c *Controller) ownerOf(rs *appsv1.ReplicaSet) *appsv1.Deployment {
	ref := metav1.GetControllerOf(rs)
	if ref == nil || ref.Kind != deploymentKind.Kind || ref.APIVersion != deploymentKind.GroupVersion().String() {
		return nil
	}
	d, err := c.dInf.Lister().Get(rs.Namespace, ref.Name)
	if err != nil || d.UID != ref.UID {
		return nil
	}
	return d
}

// rsChanged queues the deployments interested in an RS change.
func (c *Controller) rsChanged(old, rs *appsv1.ReplicaSet) {
	if old != nil {
		if d := c.ownerOf(old); d != nil {
			c.enqueue(d)
		}
	}
	if d := c.ownerOf(rs); d != nil {
		c.enqueue(d)
		return
	}
	if metav1.GetControllerOf(rs) != nil {
		return
	}
	ds, _ := c.dInf.Lister().Namespace(rs.Namespace).List(nil)
	for _, d := range ds {
		sel, err := metav1.LabelSelectorAsSelector(d.Spec.Selector)
		if err == nil && !sel.Empty() && sel.Matches(labels.Set(rs.Labels)) {
			c.enqueue(d)
		}
	}
}

// podDeleted wakes a Recreate deployment waiting for old pods to go.
func (c *Controller) podDeleted(p *corev1.Pod) {
	ref := metav1.GetControllerOf(p)
	if ref == nil || ref.Kind != "ReplicaSet" {
		return
	}
	rs, err := c.rsInf.Lister().Get(p.Namespace, ref.Name)
	if err != nil || rs.UID != ref.UID {
		return
	}
	if d := c.ownerOf(rs); d != nil && d.Spec.Strategy.Type == appsv1.RecreateDeploymentStrategyType {
		c.enqueue(d)
	}
}

// Run starts workers and blocks until ctx is done.
func (c *Controller) Run(ctx context.Context, workers int) error {
	return worker.Run(ctx, "deployment", c.queue, []informers.Syncer{c.dInf, c.rsInf, c.podInf}, workers, c.sync)
}

// wrap adds the deployment key to err.
func wrap(key string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("sync deployment %s: %w", key, err)
}

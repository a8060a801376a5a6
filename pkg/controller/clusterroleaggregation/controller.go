package clusterroleaggregation

import (
	"context"
	"fmt"
	"log/slog"

	rbacv1 "keel.dev/api/rbac/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/labels"
	"keel.dev/client/informers"
	"keel.dev/client/typed"
	"keel.dev/client/workqueue"

	"keel.dev/keel/pkg/controller/internal/worker"
)

// Name is the controller's name in --controllers.
const Name = "clusterrole-aggregation"

// FieldManager is the manager recorded in managedFields for the rules the
// controller writes.
const FieldManager = "clusterrole-aggregation-controller"

// Options tunes the controller.
type Options struct {
	// Metrics observes the work queue (optional).
	Metrics workqueue.Metrics
	// Logger defaults to slog.Default().
	Logger *slog.Logger
}

// Controller keeps the rules of aggregated ClusterRoles up to date.
type Controller struct {
	client *typed.Clientset
	roles  *informers.ClusterRoleLister
	synced []informers.Syncer
	queue  *workqueue.Queue[string]
	log    *slog.Logger
}

// New wires the controller to the shared ClusterRole informer of f.
func New(client *typed.Clientset, f *informers.Factory, opts Options) *Controller {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	var qo []workqueue.Option[string]
	if opts.Metrics != nil {
		qo = append(qo, workqueue.WithMetrics[string](opts.Metrics))
	}
	inf := informers.ClusterRoles(f)
	c := &Controller{
		client: client,
		roles:  inf.Lister(),
		queue:  workqueue.New[string](qo...),
		log:    opts.Logger.With("controller", Name),
	}
	c.synced = []informers.Syncer{inf.AddEventHandler(informers.HandlerFuncs[*rbacv1.ClusterRole]{
		AddFunc:    func(r *rbacv1.ClusterRole, _ bool) { c.enqueueAffected(r) },
		UpdateFunc: func(old, cur *rbacv1.ClusterRole) { c.enqueueAffected(old, cur) },
		DeleteFunc: func(r *rbacv1.ClusterRole) { c.enqueueAffected(r) },
	})}
	return c
}

// Run processes aggregated ClusterRoles with workers goroutines until ctx
// is done.
func (c *Controller) Run(ctx context.Context, workers int) error {
	return worker.Run(ctx, Name, c.queue, c.synced, workers, c.sync)
}

// enqueueAffected queues every aggregating role whose rules may depend on
// the given states of one changed role: the role itself if it aggregates,
// and each aggregating role that selects it before or after the change.
func (c *Controller) enqueueAffected(states ...*rbacv1.ClusterRole) {
	for _, r := range states {
		if r.AggregationRule != nil {
			c.queue.Add(r.Name)
		}
	}
	all, _ := c.roles.List(labels.Everything())
	for _, agg := range all {
		if agg.AggregationRule == nil {
			continue
		}
		for _, r := range states {
			if selects(agg, r) {
				c.queue.Add(agg.Name)
				break
			}
		}
	}
}

// sync sets the rules of the aggregating ClusterRole name to the union of
// the roles it selects, writing only when they differ.
func (c *Controller) sync(ctx context.Context, name string) error {
	role, err := c.roles.Get("", name)
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	if role.AggregationRule == nil {
		return nil
	}
	all, err := c.roles.List(labels.Everything())
	if err != nil {
		return err
	}
	rules, err := Aggregate(role, all)
	if err != nil {
		return fmt.Errorf("aggregate clusterrole %q: %w", name, err)
	}
	if RulesEqual(rules, role.Rules) {
		return nil
	}
	upd := role.DeepCopy()
	upd.Rules = rules
	// The cached resourceVersion makes a stale cache fail with a conflict,
	// which requeues the role; the newer state's event queues it as well.
	_, err = c.client.RbacV1().ClusterRoles().Update(ctx, upd, metav1.UpdateOptions{FieldManager: FieldManager})
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("update clusterrole %q: %w", name, err)
	}
	c.log.Debug("aggregated rules", "clusterrole", name, "rules", len(rules))
	return nil
}

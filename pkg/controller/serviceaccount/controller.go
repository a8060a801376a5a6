package serviceaccount

import (
	"context"
	"errors"
	"fmt"

	corev1 "keel.dev/api/core/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/client/informers"
	"keel.dev/client/typed"
	"keel.dev/client/workqueue"

	"keel.dev/keel/pkg/controller/internal/worker"
)

// Options tunes the controller.
type Options struct {
	// Names are the ServiceAccounts every namespace gets (default ["default"]).
	Names []string
	// Metrics observes the work queue (optional).
	Metrics workqueue.Metrics
}

// Controller creates the per-namespace ServiceAccounts.
type Controller struct {
	client     *typed.Clientset
	namespaces *informers.NamespaceLister
	accounts   *informers.ServiceAccountLister
	synced     []informers.Syncer
	queue      *workqueue.Queue[string]
	names      []string
}

// New wires the controller to the shared informers of f.
func New(client *typed.Clientset, f *informers.Factory, opts Options) *Controller {
	if len(opts.Names) == 0 {
		opts.Names = []string{"default"}
	}
	var qo []workqueue.Option[string]
	if opts.Metrics != nil {
		qo = append(qo, workqueue.WithMetrics[string](opts.Metrics))
	}
	nsInf := informers.Namespaces(f)
	saInf := informers.ServiceAccounts(f)
	c := &Controller{
		client:     client,
		namespaces: nsInf.Lister(),
		accounts:   saInf.Lister(),
		queue:      workqueue.New[string](qo...),
		names:      opts.Names,
	}
	c.synced = []informers.Syncer{
		nsInf.AddEventHandler(informers.HandlerFuncs[*corev1.Namespace]{
			AddFunc:    func(ns *corev1.Namespace, _ bool) { c.queue.Add(ns.Name) },
			UpdateFunc: func(_, ns *corev1.Namespace) { c.queue.Add(ns.Name) },
		}),
		saInf.AddEventHandler(informers.HandlerFuncs[*corev1.ServiceAccount]{
			DeleteFunc: func(sa *corev1.ServiceAccount) { c.queue.Add(sa.Namespace) },
		}),
	}
	return c
}

// Run processes namespaces with workers goroutines until ctx is done.
func (c *Controller) Run(ctx context.Context, workers int) error {
	return worker.Run(ctx, "serviceaccount", c.queue, c.synced, workers, c.sync)
}

// sync creates the missing ServiceAccounts of one active namespace.
func (c *Controller) sync(ctx context.Context, name string) error {
	ns, err := c.namespaces.Get("", name)
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	if ns.DeletionTimestamp != nil || ns.Status.Phase == corev1.NamespaceTerminating {
		return nil
	}
	var errs []error
	for _, sa := range c.names {
		if _, err := c.accounts.Get(name, sa); err == nil {
			continue
		}
		obj := &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: sa, Namespace: name}}
		_, err := c.client.CoreV1().ServiceAccounts(name).Create(ctx, obj, metav1.CreateOptions{})
		if err != nil && !apierrors.IsAlreadyExists(err) && !isTerminating(err) {
			errs = append(errs, fmt.Errorf("create service account %s/%s: %w", name, sa, err))
		}
	}
	return errors.Join(errs...)
}

// isTerminating reports the apiserver's refusal to create in a namespace being deleted.
func isTerminating(err error) bool {
	var se *apierrors.StatusError
	if !errors.As(err, &se) || se.ErrStatus.Details == nil {
		return false
	}
	for _, c := range se.ErrStatus.Details.Causes {
		if c.Type == "NamespaceTerminating" {
			return true
		}
	}
	return false
}

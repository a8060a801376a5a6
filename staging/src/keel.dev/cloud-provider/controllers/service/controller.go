package service

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"

	corev1 "keel.dev/api/core/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/labels"
	"keel.dev/client/informers"
	"keel.dev/client/record"
	"keel.dev/client/typed"
	"keel.dev/client/workqueue"

	cloudprovider "keel.dev/cloud-provider"
	"keel.dev/cloud-provider/internal/metrics"
	"keel.dev/cloud-provider/internal/worker"
)

// ControllerName names the controller in logs, metrics and events.
const ControllerName = "service-controller"

// Names the controller reads and writes.
const (
	// LoadBalancerCleanupFinalizer keeps a Service until its load balancer is deleted.
	LoadBalancerCleanupFinalizer = "service.kubernetes.io/load-balancer-cleanup"
	// LabelExcludeFromLoadBalancers keeps a Node out of every load balancer.
	LabelExcludeFromLoadBalancers = "node.kubernetes.io/exclude-from-external-load-balancers"
)

// Event reasons.
const (
	EventEnsuringLoadBalancer   = "EnsuringLoadBalancer"
	EventEnsuredLoadBalancer    = "EnsuredLoadBalancer"
	EventSyncLoadBalancerFailed = "SyncLoadBalancerFailed"
	EventDeletingLoadBalancer   = "DeletingLoadBalancer"
	EventDeletedLoadBalancer    = "DeletedLoadBalancer"
	EventUpdatedLoadBalancer    = "UpdatedLoadBalancer"
)

// nodeSyncKey is the only key of the node queue.
const nodeSyncKey = "nodes"

// ErrNoLoadBalancer is returned by New for a provider without LoadBalancer.
var ErrNoLoadBalancer = errors.New("cloud provider does not support load balancers")

// Options tunes the controller.
type Options struct {
	// ClusterName is passed to every LoadBalancer call (default "kubernetes").
	ClusterName string
	// LoadBalancerClass, when set, is a spec.loadBalancerClass this
	// controller also handles; Services without a class are always handled.
	LoadBalancerClass string
	// Recorder receives the events (default: a recorder writing through client).
	Recorder record.EventRecorder
	// RateLimiter spaces retries (default workqueue.DefaultRateLimiter).
	RateLimiter workqueue.RateLimiter[string]
}

// managed is what the controller last ensured for a Service.
type managed struct {
	svc   *corev1.Service
	nodes []string
}

// Controller manages the load balancers of LoadBalancer Services.
type Controller struct {
	client      *typed.Clientset
	balancer    cloudprovider.LoadBalancer
	clusterName string
	class       string
	recorder    record.EventRecorder
	ownRecorder *record.Recorder

	services  *informers.ServiceLister
	nodes     *informers.NodeLister
	synced    []informers.Syncer
	queue     *workqueue.Queue[string]
	nodeQueue *workqueue.Queue[string]

	mu      sync.Mutex
	managed map[string]managed
}

// New wires the controller to the Service and Node informers of f.
func New(client *typed.Clientset, f *informers.Factory, cloud cloudprovider.Interface, opts Options) (*Controller, error) {
	lb, ok := cloud.LoadBalancer()
	if !ok {
		return nil, ErrNoLoadBalancer
	}
	if opts.ClusterName == "" {
		opts.ClusterName = "kubernetes"
	}
	newQueue := func() *workqueue.Queue[string] {
		if opts.RateLimiter != nil {
			return workqueue.New(workqueue.WithRateLimiter(opts.RateLimiter))
		}
		return workqueue.New[string]()
	}
	c := &Controller{
		client: client, balancer: lb, clusterName: opts.ClusterName, class: opts.LoadBalancerClass,
		recorder: opts.Recorder, queue: newQueue(), nodeQueue: newQueue(), managed: map[string]managed{},
	}
	if c.recorder == nil {
		c.ownRecorder = record.NewRecorder(client, ControllerName, "")
		c.recorder = c.ownRecorder
	}
	svcInf := informers.Services(f)
	nodeInf := informers.Nodes(f)
	c.services, c.nodes = svcInf.Lister(), nodeInf.Lister()
	c.synced = []informers.Syncer{
		svcInf.AddEventHandler(informers.HandlerFuncs[*corev1.Service]{
			AddFunc: func(s *corev1.Service, _ bool) {
				if c.relevant(s) {
					c.queue.Add(key(s))
				}
			},
			UpdateFunc: func(old, s *corev1.Service) {
				if (c.relevant(old) || c.relevant(s)) && changed(old, s) {
					c.queue.Add(key(s))
				}
			},
			DeleteFunc: func(s *corev1.Service) {
				if c.relevant(s) {
					c.queue.Add(key(s))
				}
			},
		}),
		nodeInf.AddEventHandler(informers.HandlerFuncs[*corev1.Node]{
			AddFunc: func(n *corev1.Node, _ bool) { c.nodeQueue.Add(nodeSyncKey) },
			UpdateFunc: func(old, n *corev1.Node) {
				if eligible(old) != eligible(n) {
					c.nodeQueue.Add(nodeSyncKey)
				}
			},
			DeleteFunc: func(*corev1.Node) { c.nodeQueue.Add(nodeSyncKey) },
		}),
	}
	return c, nil
}

func key(s *corev1.Service) string { return s.Namespace + "/" + s.Name }

// Run processes Services with workers goroutines, and node changes with
// one more, until ctx is done.
func (c *Controller) Run(ctx context.Context, workers int) error {
	defer c.queue.ShutDown()
	defer c.nodeQueue.ShutDown()
	if c.ownRecorder != nil {
		defer c.ownRecorder.Shutdown()
	}
	if !informers.WaitForCacheSync(ctx, c.synced...) {
		return fmt.Errorf("%s: wait for caches: %w", ControllerName, ctx.Err())
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		worker.Run(ctx, ControllerName+"-nodes", c.nodeQueue, 1, func(ctx context.Context, _ string) error { return c.syncNodes(ctx) })
	}()
	worker.Run(ctx, ControllerName, c.queue, workers, c.sync)
	wg.Wait()
	return nil
}

// wantsLoadBalancer reports whether this controller should provide a load
// balancer for s.
func (c *Controller) wantsLoadBalancer(s *corev1.Service) bool {
	if s.Spec.Type != corev1.ServiceTypeLoadBalancer {
		return false
	}
	return s.Spec.LoadBalancerClass == nil || (c.class != "" && *s.Spec.LoadBalancerClass == c.class)
}

// relevant reports whether the controller has anything to do with s.
func (c *Controller) relevant(s *corev1.Service) bool {
	return c.wantsLoadBalancer(s) || hasFinalizer(s)
}

// changed reports whether an update can change what the controller does;
// it filters out the controller's own status writes and resyncs.
func changed(old, s *corev1.Service) bool {
	return !reflect.DeepEqual(old.Spec, s.Spec) ||
		!reflect.DeepEqual(old.Annotations, s.Annotations) ||
		(old.DeletionTimestamp == nil) != (s.DeletionTimestamp == nil) ||
		hasFinalizer(old) != hasFinalizer(s) ||
		old.UID != s.UID
}

func hasFinalizer(s *corev1.Service) bool {
	return slices.Contains(s.Finalizers, LoadBalancerCleanupFinalizer)
}

// eligible reports whether n may receive load balancer traffic.
func eligible(n *corev1.Node) bool {
	if n.Spec.Unschedulable || n.DeletionTimestamp != nil {
		return false
	}
	if _, excluded := n.Labels[LabelExcludeFromLoadBalancers]; excluded {
		return false
	}
	for _, cond := range n.Status.Conditions {
		if cond.Type == corev1.NodeReady {
			return cond.Status == corev1.ConditionTrue
		}
	}
	return false
}

// eligibleNodes returns the eligible Nodes sorted by name, and their names.
func (c *Controller) eligibleNodes() ([]*corev1.Node, []string, error) {
	all, err := c.nodes.List(labels.Everything())
	if err != nil {
		return nil, nil, err
	}
	var nodes []*corev1.Node
	for _, n := range all {
		if eligible(n) {
			nodes = append(nodes, n)
		}
	}
	slices.SortFunc(nodes, func(a, b *corev1.Node) int {
		switch {
		case a.Name < b.Name:
			return -1
		case a.Name > b.Name:
			return 1
		}
		return 0
	})
	names := make([]string, len(nodes))
	for i, n := range nodes {
		names[i] = n.Name
	}
	return nodes, names, nil
}

// sync reconciles the load balancer of the Service named by k.
func (c *Controller) sync(ctx context.Context, k string) error {
	ns, name, _ := strings.Cut(k, "/")
	cached, err := c.services.Get(ns, name)
	if apierrors.IsNotFound(err) {
		return c.cleanupGone(ctx, k)
	}
	if err != nil {
		return err
	}
	svc := cached.DeepCopy()
	if svc.DeletionTimestamp != nil || !c.wantsLoadBalancer(svc) {
		if !hasFinalizer(svc) && len(svc.Status.LoadBalancer.Ingress) == 0 {
			c.forget(k)
			return nil
		}
		return c.delete(ctx, k, svc)
	}
	return c.ensure(ctx, k, svc)
}

// ensure adds the finalizer, ensures the balancer and writes its status.
func (c *Controller) ensure(ctx context.Context, k string, svc *corev1.Service) error {
	var err error
	if !hasFinalizer(svc) {
		svc.Finalizers = append(svc.Finalizers, LoadBalancerCleanupFinalizer)
		if svc, err = c.client.CoreV1().Services(svc.Namespace).Update(ctx, svc, metav1.UpdateOptions{}); err != nil {
			return fmt.Errorf("service %s: add finalizer: %w", k, err)
		}
	}
	nodes, names, err := c.eligibleNodes()
	if err != nil {
		return err
	}
	c.recorder.Event(svc, corev1.EventTypeNormal, EventEnsuringLoadBalancer, "Ensuring load balancer")
	status, err := c.balancer.EnsureLoadBalancer(ctx, c.clusterName, svc, nodes)
	if err != nil {
		metrics.CloudErrors.Inc(ControllerName, "EnsureLoadBalancer")
		c.recorder.Eventf(svc, corev1.EventTypeWarning, EventSyncLoadBalancerFailed, "Error syncing load balancer: failed to ensure load balancer: %v", err)
		return fmt.Errorf("service %s: ensure load balancer: %w", k, err)
	}
	if status == nil {
		status = &corev1.LoadBalancerStatus{}
	}
	if svc, err = c.writeStatus(ctx, svc, status); err != nil {
		return fmt.Errorf("service %s: update status: %w", k, err)
	}
	c.recorder.Event(svc, corev1.EventTypeNormal, EventEnsuredLoadBalancer, "Ensured load balancer")
	c.mu.Lock()
	c.managed[k] = managed{svc: svc.DeepCopy(), nodes: names}
	c.mu.Unlock()
	// The node set may have changed while we worked; let the node loop check.
	c.nodeQueue.Add(nodeSyncKey)
	return nil
}

// writeStatus sets the load balancer status of svc if it differs. On a
// conflict (typically the cache lagging behind our own finalizer write) it
// reads the Service once from the API and tries again.
func (c *Controller) writeStatus(ctx context.Context, svc *corev1.Service, status *corev1.LoadBalancerStatus) (*corev1.Service, error) {
	services := c.client.CoreV1().Services(svc.Namespace)
	for attempt := 0; ; attempt++ {
		if reflect.DeepEqual(svc.Status.LoadBalancer, *status) {
			return svc, nil
		}
		svc.Status.LoadBalancer = *status
		updated, err := services.UpdateStatus(ctx, svc, metav1.UpdateOptions{})
		if err == nil || !apierrors.IsConflict(err) || attempt > 0 {
			return updated, err
		}
		fresh, getErr := services.Get(ctx, svc.Name, metav1.GetOptions{})
		if getErr != nil {
			return nil, err
		}
		if fresh.UID != svc.UID || fresh.DeletionTimestamp != nil || !c.wantsLoadBalancer(fresh) {
			return nil, err // changed under us: let the next sync decide
		}
		svc = fresh
	}
}

// delete removes the balancer, clears the status and drops the finalizer.
func (c *Controller) delete(ctx context.Context, k string, svc *corev1.Service) error {
	c.recorder.Event(svc, corev1.EventTypeNormal, EventDeletingLoadBalancer, "Deleting load balancer")
	if err := c.balancer.EnsureLoadBalancerDeleted(ctx, c.clusterName, svc); err != nil {
		metrics.CloudErrors.Inc(ControllerName, "EnsureLoadBalancerDeleted")
		c.recorder.Eventf(svc, corev1.EventTypeWarning, EventSyncLoadBalancerFailed, "Error syncing load balancer: failed to delete load balancer: %v", err)
		return fmt.Errorf("service %s: delete load balancer: %w", k, err)
	}
	c.forget(k)
	var err error
	if len(svc.Status.LoadBalancer.Ingress) > 0 {
		svc.Status.LoadBalancer = corev1.LoadBalancerStatus{}
		if svc, err = c.client.CoreV1().Services(svc.Namespace).UpdateStatus(ctx, svc, metav1.UpdateOptions{}); err != nil {
			return fmt.Errorf("service %s: clear status: %w", k, err)
		}
	}
	if hasFinalizer(svc) {
		svc.Finalizers = slices.DeleteFunc(svc.Finalizers, func(f string) bool { return f == LoadBalancerCleanupFinalizer })
		if _, err = c.client.CoreV1().Services(svc.Namespace).Update(ctx, svc, metav1.UpdateOptions{}); err != nil && !apierrors.IsNotFound(err) {
			return fmt.Errorf("service %s: remove finalizer: %w", k, err)
		}
	}
	c.recorder.Event(svc, corev1.EventTypeNormal, EventDeletedLoadBalancer, "Deleted load balancer")
	return nil
}

// cleanupGone deletes the balancer of a Service that disappeared without
// the finalizer (for example, removed by hand), if the controller made one.
func (c *Controller) cleanupGone(ctx context.Context, k string) error {
	c.mu.Lock()
	m, ok := c.managed[k]
	c.mu.Unlock()
	if !ok {
		return nil
	}
	if err := c.balancer.EnsureLoadBalancerDeleted(ctx, c.clusterName, m.svc); err != nil {
		metrics.CloudErrors.Inc(ControllerName, "EnsureLoadBalancerDeleted")
		return fmt.Errorf("service %s (gone): delete load balancer: %w", k, err)
	}
	c.forget(k)
	return nil
}

func (c *Controller) forget(k string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.managed, k)
}

// syncNodes calls UpdateLoadBalancer for every managed balancer whose node
// set differs from the eligible Nodes; failures are retried as a whole.
func (c *Controller) syncNodes(ctx context.Context) error {
	nodes, names, err := c.eligibleNodes()
	if err != nil {
		return err
	}
	c.mu.Lock()
	var stale []string
	for k, m := range c.managed {
		if !slices.Equal(m.nodes, names) {
			stale = append(stale, k)
		}
	}
	c.mu.Unlock()
	slices.Sort(stale)
	var errs []error
	for _, k := range stale {
		c.mu.Lock()
		m, ok := c.managed[k]
		c.mu.Unlock()
		if !ok {
			continue
		}
		if err := c.balancer.UpdateLoadBalancer(ctx, c.clusterName, m.svc, nodes); err != nil {
			metrics.CloudErrors.Inc(ControllerName, "UpdateLoadBalancer")
			c.recorder.Eventf(m.svc, corev1.EventTypeWarning, EventSyncLoadBalancerFailed, "Error updating load balancer with new hosts: %v", err)
			errs = append(errs, fmt.Errorf("service %s: update load balancer: %w", k, err))
			continue
		}
		c.recorder.Eventf(m.svc, corev1.EventTypeNormal, EventUpdatedLoadBalancer, "Updated load balancer with new hosts")
		c.mu.Lock()
		if cur, ok := c.managed[k]; ok && cur.svc == m.svc {
			c.managed[k] = managed{svc: m.svc, nodes: names}
		}
		c.mu.Unlock()
	}
	return errors.Join(errs...)
}

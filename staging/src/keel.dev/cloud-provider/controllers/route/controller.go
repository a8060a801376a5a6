package route

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"time"

	corev1 "keel.dev/api/core/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/labels"
	"keel.dev/client/informers"
	"keel.dev/client/typed"
	"keel.dev/client/workqueue"

	cloudprovider "keel.dev/cloud-provider"
	"keel.dev/cloud-provider/internal/metrics"
	"keel.dev/cloud-provider/internal/worker"
)

// ControllerName names the controller in logs and metrics.
const ControllerName = "route"

// DefaultSyncPeriod is how often all routes are reconciled without events.
const DefaultSyncPeriod = 10 * time.Second

// Condition reasons the controller writes on NetworkUnavailable.
const (
	ReasonRouteCreated   = "RouteCreated"
	ReasonNoRouteCreated = "NoRouteCreated"
)

// syncKey is the only key of the queue.
const syncKey = "routes"

// ErrNoRoutes is returned by New for a provider without Routes.
var ErrNoRoutes = errors.New("cloud provider does not support routes")

// Options tunes the controller.
type Options struct {
	// ClusterName is passed to every Routes call (default "kubernetes").
	ClusterName string
	// ClusterCIDRs, when set, limit the routes the controller may delete to
	// those inside them; routes elsewhere are left alone.
	ClusterCIDRs []netip.Prefix
	// SyncPeriod is the interval of the periodic reconcile (default 10 s).
	SyncPeriod time.Duration
	// RateLimiter spaces retries (default workqueue.DefaultRateLimiter).
	RateLimiter workqueue.RateLimiter[string]
}

// Controller keeps a cloud route per Node pod CIDR.
type Controller struct {
	client       *typed.Clientset
	routes       cloudprovider.Routes
	clusterName  string
	clusterCIDRs []netip.Prefix
	period       time.Duration
	nodes        *informers.NodeLister
	synced       []informers.Syncer
	queue        *workqueue.Queue[string]
}

// New wires the controller to the Node informer of f.
func New(client *typed.Clientset, f *informers.Factory, cloud cloudprovider.Interface, opts Options) (*Controller, error) {
	routes, ok := cloud.Routes()
	if !ok {
		return nil, ErrNoRoutes
	}
	if opts.ClusterName == "" {
		opts.ClusterName = "kubernetes"
	}
	if opts.SyncPeriod <= 0 {
		opts.SyncPeriod = DefaultSyncPeriod
	}
	var qopts []workqueue.Option[string]
	if opts.RateLimiter != nil {
		qopts = append(qopts, workqueue.WithRateLimiter(opts.RateLimiter))
	}
	inf := informers.Nodes(f)
	c := &Controller{client: client, routes: routes, clusterName: opts.ClusterName,
		clusterCIDRs: opts.ClusterCIDRs, period: opts.SyncPeriod, nodes: inf.Lister(), queue: workqueue.New(qopts...)}
	c.synced = []informers.Syncer{inf.AddEventHandler(informers.HandlerFuncs[*corev1.Node]{
		AddFunc: func(*corev1.Node, bool) { c.queue.Add(syncKey) },
		UpdateFunc: func(old, n *corev1.Node) {
			if !slices.Equal(podCIDRs(old), podCIDRs(n)) {
				c.queue.Add(syncKey)
			}
		},
		DeleteFunc: func(*corev1.Node) { c.queue.Add(syncKey) },
	})}
	return c, nil
}

// Run reconciles routes on Node changes and every sync period until ctx is done.
func (c *Controller) Run(ctx context.Context) error {
	defer c.queue.ShutDown()
	if !informers.WaitForCacheSync(ctx, c.synced...) {
		return fmt.Errorf("%s: wait for caches: %w", ControllerName, ctx.Err())
	}
	go func() {
		t := time.NewTicker(c.period)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				c.queue.Add(syncKey)
			}
		}
	}()
	c.queue.Add(syncKey)
	worker.Run(ctx, ControllerName, c.queue, 1, func(ctx context.Context, _ string) error { return c.reconcile(ctx) })
	return nil
}

// podCIDRs returns the node's pod CIDRs.
func podCIDRs(n *corev1.Node) []string {
	if len(n.Spec.PodCIDRs) > 0 {
		return n.Spec.PodCIDRs
	}
	if n.Spec.PodCIDR != "" {
		return []string{n.Spec.PodCIDR}
	}
	return nil
}

type target struct{ node, cidr string }

// reconcile creates missing routes, deletes stale ones and updates the
// NetworkUnavailable condition of every Node with pod CIDRs.
func (c *Controller) reconcile(ctx context.Context) error {
	nodes, err := c.nodes.List(labels.Everything())
	if err != nil {
		return err
	}
	existing, err := c.routes.ListRoutes(ctx, c.clusterName)
	if err != nil {
		metrics.CloudErrors.Inc(ControllerName, "ListRoutes")
		return fmt.Errorf("list routes: %w", err)
	}
	have := map[target]bool{}
	for _, r := range existing {
		if !r.Blackhole {
			have[target{r.TargetNode, normalize(r.DestinationCIDR)}] = true
		}
	}
	want := map[target]bool{}
	var errs []error
	for _, n := range nodes {
		cidrs := podCIDRs(n)
		if len(cidrs) == 0 {
			continue
		}
		ok := true
		for _, cidr := range cidrs {
			t := target{n.Name, normalize(cidr)}
			want[t] = true
			if have[t] {
				continue
			}
			route := &cloudprovider.Route{TargetNode: n.Name, DestinationCIDR: cidr}
			if err := c.routes.CreateRoute(ctx, c.clusterName, string(n.UID), route); err != nil {
				metrics.CloudErrors.Inc(ControllerName, "CreateRoute")
				errs = append(errs, fmt.Errorf("create route %s -> %s: %w", cidr, n.Name, err))
				ok = false
			}
		}
		if err := c.setNetworkCondition(ctx, n, ok); err != nil {
			errs = append(errs, err)
		}
	}
	for _, r := range existing {
		if want[target{r.TargetNode, normalize(r.DestinationCIDR)}] && !r.Blackhole {
			continue
		}
		if !c.inClusterCIDRs(r.DestinationCIDR) {
			continue
		}
		if err := c.routes.DeleteRoute(ctx, c.clusterName, r); err != nil {
			metrics.CloudErrors.Inc(ControllerName, "DeleteRoute")
			errs = append(errs, fmt.Errorf("delete route %s (%s -> %s): %w", r.Name, r.DestinationCIDR, r.TargetNode, err))
		}
	}
	return errors.Join(errs...)
}

// normalize returns the canonical form of a CIDR, or cidr unchanged if it
// does not parse.
func normalize(cidr string) string {
	p, err := netip.ParsePrefix(cidr)
	if err != nil {
		return cidr
	}
	return p.Masked().String()
}

// inClusterCIDRs reports whether cidr lies inside the configured cluster
// CIDRs (always true when none are configured).
func (c *Controller) inClusterCIDRs(cidr string) bool {
	if len(c.clusterCIDRs) == 0 {
		return true
	}
	p, err := netip.ParsePrefix(cidr)
	if err != nil {
		return false
	}
	for _, cc := range c.clusterCIDRs {
		if cc.Bits() <= p.Bits() && cc.Contains(p.Addr()) {
			return true
		}
	}
	return false
}

// setNetworkCondition writes NetworkUnavailable (False/RouteCreated when
// routed, True/NoRouteCreated otherwise) unless it already says so.
func (c *Controller) setNetworkCondition(ctx context.Context, cached *corev1.Node, routed bool) error {
	status, reason, msg := corev1.ConditionFalse, ReasonRouteCreated, "RouteController created a route"
	if !routed {
		status, reason, msg = corev1.ConditionTrue, ReasonNoRouteCreated, "RouteController failed to create a route"
	}
	i := slices.IndexFunc(cached.Status.Conditions, func(c corev1.NodeCondition) bool { return c.Type == corev1.NodeNetworkUnavailable })
	if i >= 0 && cached.Status.Conditions[i].Status == status && cached.Status.Conditions[i].Reason == reason {
		return nil
	}
	node := cached.DeepCopy()
	now := metav1.Now()
	cond := corev1.NodeCondition{Type: corev1.NodeNetworkUnavailable, Status: status, Reason: reason, Message: msg,
		LastHeartbeatTime: now, LastTransitionTime: now}
	if i >= 0 {
		if node.Status.Conditions[i].Status == status {
			cond.LastTransitionTime = node.Status.Conditions[i].LastTransitionTime
		}
		node.Status.Conditions[i] = cond
	} else {
		node.Status.Conditions = append(node.Status.Conditions, cond)
	}
	_, err := c.client.CoreV1().Nodes().UpdateStatus(ctx, node, metav1.UpdateOptions{})
	if err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("node %s: update NetworkUnavailable: %w", node.Name, err)
	}
	return nil
}

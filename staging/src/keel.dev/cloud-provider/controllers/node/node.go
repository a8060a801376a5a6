package node

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"

	corev1 "keel.dev/api/core/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/client/informers"
	"keel.dev/client/typed"
	"keel.dev/client/workqueue"

	cloudprovider "keel.dev/cloud-provider"
	"keel.dev/cloud-provider/internal/metrics"
	"keel.dev/cloud-provider/internal/worker"
)

// ControllerName names the initialising controller in logs and metrics.
const ControllerName = "cloud-node"

// Options tunes Controller.
type Options struct {
	// RateLimiter spaces retries of a Node whose initialisation failed
	// (default workqueue.DefaultRateLimiter).
	RateLimiter workqueue.RateLimiter[string]
}

// Controller initialises Nodes that carry TaintUninitialized.
type Controller struct {
	client    *typed.Clientset
	nodes     *informers.NodeLister
	synced    []informers.Syncer
	queue     *workqueue.Queue[string]
	instances cloudprovider.Instances // nil if unsupported
}

// New wires the controller to the Node informer of f.
func New(client *typed.Clientset, f *informers.Factory, cloud cloudprovider.Interface, opts Options) *Controller {
	var qopts []workqueue.Option[string]
	if opts.RateLimiter != nil {
		qopts = append(qopts, workqueue.WithRateLimiter(opts.RateLimiter))
	}
	inf := informers.Nodes(f)
	c := &Controller{client: client, nodes: inf.Lister(), queue: workqueue.New(qopts...)}
	if inst, ok := cloud.Instances(); ok {
		c.instances = inst
	}
	enqueue := func(n *corev1.Node) {
		if hasTaint(n, TaintUninitialized) {
			c.queue.Add(n.Name)
		}
	}
	c.synced = []informers.Syncer{inf.AddEventHandler(informers.HandlerFuncs[*corev1.Node]{
		AddFunc:    func(n *corev1.Node, _ bool) { enqueue(n) },
		UpdateFunc: func(_, n *corev1.Node) { enqueue(n) },
	})}
	return c
}

// Run initialises Nodes with workers goroutines until ctx is done.
func (c *Controller) Run(ctx context.Context, workers int) error {
	defer c.queue.ShutDown()
	if !informers.WaitForCacheSync(ctx, c.synced...) {
		return fmt.Errorf("%s: wait for caches: %w", ControllerName, ctx.Err())
	}
	worker.Run(ctx, ControllerName, c.queue, workers, c.sync)
	return nil
}

// sync initialises the named Node if it still carries the taint.
func (c *Controller) sync(ctx context.Context, name string) error {
	cached, err := c.nodes.Get("", name)
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	if !hasTaint(cached, TaintUninitialized) {
		return nil
	}
	md, err := c.metadata(ctx, cached)
	if err != nil {
		metrics.CloudErrors.Inc(ControllerName, "InstanceMetadata")
		return fmt.Errorf("node %s: instance metadata: %w", name, err)
	}
	node := cached.DeepCopy()
	if len(md.NodeAddresses) > 0 {
		addrs := mergeAddresses(node.Status.Addresses, md.NodeAddresses)
		if !slices.Equal(addrs, node.Status.Addresses) {
			node.Status.Addresses = addrs
			if node, err = c.client.CoreV1().Nodes().UpdateStatus(ctx, node, metav1.UpdateOptions{}); err != nil {
				return fmt.Errorf("node %s: update addresses: %w", name, err)
			}
		}
	}
	if node.Spec.ProviderID == "" {
		node.Spec.ProviderID = md.ProviderID
	}
	labels := maps.Clone(node.Labels)
	if labels == nil {
		labels = map[string]string{}
	}
	setLabel := func(v string, keys ...string) {
		if v == "" {
			return
		}
		for _, k := range keys {
			labels[k] = v
		}
	}
	setLabel(md.InstanceType, LabelInstanceType, LabelInstanceTypeBeta)
	setLabel(md.Zone, LabelTopologyZone, LabelFailureDomainZone)
	setLabel(md.Region, LabelTopologyRegion, LabelFailureDomainRegion)
	node.Labels = labels
	node.Spec.Taints = withoutTaint(node.Spec.Taints, TaintUninitialized)
	if _, err := c.client.CoreV1().Nodes().Update(ctx, node, metav1.UpdateOptions{}); err != nil {
		return fmt.Errorf("node %s: initialise: %w", name, err)
	}
	return nil
}

// metadata asks the cloud about the node. Without Instances there is
// nothing to copy and the taint is simply removed. (Zones only knows the
// controller's own machine, so it is not used for other nodes.)
func (c *Controller) metadata(ctx context.Context, node *corev1.Node) (*cloudprovider.InstanceMetadata, error) {
	if c.instances == nil {
		return &cloudprovider.InstanceMetadata{}, nil
	}
	md, err := c.instances.InstanceMetadata(ctx, node)
	if err != nil {
		return nil, err
	}
	if md == nil {
		return nil, errors.New("provider returned no metadata")
	}
	return md, nil
}

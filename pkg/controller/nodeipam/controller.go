package nodeipam

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"

	corev1 "keel.dev/api/core/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/labels"
	"keel.dev/apimachinery/pkg/types"
	"keel.dev/client/informers"
	"keel.dev/client/record"
	"keel.dev/client/typed"
	"keel.dev/client/workqueue"

	"keel.dev/keel/pkg/controller/internal/worker"
)

// Defaults of the flags.
const (
	DefaultClusterCIDR  = "10.244.0.0/16"
	DefaultNodeMaskSize = 24
)

// Options tunes the controller.
type Options struct {
	// ClusterCIDR is the range pod CIDRs are carved from (default 10.244.0.0/16).
	ClusterCIDR string
	// NodeCIDRMaskSize is the prefix length of each node's CIDR (default 24).
	NodeCIDRMaskSize int
	// Recorder receives CIDRNotAvailable events (optional).
	Recorder record.EventRecorder
	// Metrics observes the work queue (optional).
	Metrics workqueue.Metrics
}

// Controller assigns pod CIDRs to nodes.
type Controller struct {
	client   *typed.Clientset
	nodes    *informers.NodeLister
	synced   []informers.Syncer
	queue    *workqueue.Queue[string]
	alloc    *allocator
	recorder record.EventRecorder
}

// New wires the controller to the shared node informer of f.
func New(client *typed.Clientset, f *informers.Factory, opts Options) (*Controller, error) {
	if opts.ClusterCIDR == "" {
		opts.ClusterCIDR = DefaultClusterCIDR
	}
	if opts.NodeCIDRMaskSize == 0 {
		opts.NodeCIDRMaskSize = DefaultNodeMaskSize
	}
	cluster, err := netip.ParsePrefix(opts.ClusterCIDR)
	if err != nil {
		return nil, fmt.Errorf("parse cluster CIDR: %w", err)
	}
	alloc, err := newAllocator(cluster, opts.NodeCIDRMaskSize)
	if err != nil {
		return nil, err
	}
	if opts.Recorder == nil {
		opts.Recorder = record.NewFakeRecorder(0)
	}
	var qo []workqueue.Option[string]
	if opts.Metrics != nil {
		qo = append(qo, workqueue.WithMetrics[string](opts.Metrics))
	}
	inf := informers.Nodes(f)
	c := &Controller{client: client, nodes: inf.Lister(), queue: workqueue.New[string](qo...), alloc: alloc, recorder: opts.Recorder}
	c.synced = []informers.Syncer{inf.AddEventHandler(informers.HandlerFuncs[*corev1.Node]{
		AddFunc:    func(n *corev1.Node, _ bool) { c.queue.Add(n.Name) },
		UpdateFunc: func(_, n *corev1.Node) { c.queue.Add(n.Name) },
		DeleteFunc: func(n *corev1.Node) { c.queue.Add(n.Name) },
	})}
	return c, nil
}

// rebuild marks the CIDRs nodes already hold as taken.
func (c *Controller) rebuild() error {
	nodes, err := c.nodes.List(labels.Everything())
	if err != nil {
		return fmt.Errorf("list nodes: %w", err)
	}
	for _, n := range nodes {
		for _, cidr := range nodeCIDRs(n) {
			c.alloc.occupy(n.Name, cidr)
		}
	}
	return nil
}

func nodeCIDRs(n *corev1.Node) []string {
	if len(n.Spec.PodCIDRs) > 0 {
		return n.Spec.PodCIDRs
	}
	if n.Spec.PodCIDR != "" {
		return []string{n.Spec.PodCIDR}
	}
	return nil
}

// Run processes nodes with workers goroutines until ctx is done, once the
// CIDRs nodes already hold are marked taken.
func (c *Controller) Run(ctx context.Context, workers int) error {
	return worker.Run(ctx, "nodeipam", c.queue, c.synced, workers, c.sync,
		worker.OnSynced(func(context.Context) error { return c.rebuild() }))
}

// sync gives one node a CIDR, or releases the CIDR of a vanished node.
func (c *Controller) sync(ctx context.Context, name string) error {
	node, err := c.nodes.Get("", name)
	if apierrors.IsNotFound(err) {
		c.alloc.release(name)
		return nil
	}
	if err != nil {
		return err
	}
	if cidrs := nodeCIDRs(node); len(cidrs) > 0 {
		for _, cidr := range cidrs {
			c.alloc.occupy(name, cidr)
		}
		return nil
	}
	p, err := c.alloc.allocate(name)
	if errors.Is(err, ErrCIDRRangeFull) {
		c.recorder.Eventf(node, corev1.EventTypeNormal, "CIDRNotAvailable", "Node %s status is now: CIDRNotAvailable", name)
		return fmt.Errorf("allocate CIDR for node %q: %w", name, err)
	}
	if err != nil {
		return err
	}
	patch, _ := json.Marshal(map[string]any{"spec": map[string]any{"podCIDR": p.String(), "podCIDRs": []string{p.String()}}})
	if _, err := c.client.CoreV1().Nodes().Patch(ctx, name, types.MergePatchType, patch, metav1.PatchOptions{}); err != nil {
		c.alloc.release(name)
		if apierrors.IsNotFound(err) {
			return nil
		}
		return fmt.Errorf("set pod CIDR %s on node %q: %w", p, name, err)
	}
	slog.Default().Info("assigned pod CIDR", "controller", "nodeipam", "node", name, "cidr", p.String())
	return nil
}

package node

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	corev1 "keel.dev/api/core/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/labels"
	"keel.dev/client/informers"
	"keel.dev/client/record"
	"keel.dev/client/typed"

	cloudprovider "keel.dev/cloud-provider"
	"keel.dev/cloud-provider/internal/metrics"
)

// LifecycleControllerName names the lifecycle controller in logs and metrics.
const LifecycleControllerName = "cloud-node-lifecycle"

// DefaultMonitorPeriod is how often the lifecycle controller checks Nodes.
const DefaultMonitorPeriod = 5 * time.Second

// LifecycleOptions tunes LifecycleController.
type LifecycleOptions struct {
	// MonitorPeriod is the interval between checks (default 5 s).
	MonitorPeriod time.Duration
	// Recorder receives the DeletingNode events (optional).
	Recorder record.EventRecorder
}

// LifecycleController deletes Nodes whose instance is gone and taints
// Nodes whose instance is shut down.
type LifecycleController struct {
	client    *typed.Clientset
	nodes     *informers.NodeLister
	synced    []informers.Syncer
	instances cloudprovider.Instances
	period    time.Duration
	recorder  record.EventRecorder
}

// ErrNoInstances is returned by NewLifecycle for a provider without Instances.
var ErrNoInstances = errors.New("cloud provider does not support Instances")

// NewLifecycle wires the lifecycle controller to the Node informer of f.
func NewLifecycle(client *typed.Clientset, f *informers.Factory, cloud cloudprovider.Interface, opts LifecycleOptions) (*LifecycleController, error) {
	inst, ok := cloud.Instances()
	if !ok {
		return nil, ErrNoInstances
	}
	if opts.MonitorPeriod <= 0 {
		opts.MonitorPeriod = DefaultMonitorPeriod
	}
	inf := informers.Nodes(f)
	return &LifecycleController{client: client, nodes: inf.Lister(), synced: []informers.Syncer{inf},
		instances: inst, period: opts.MonitorPeriod, recorder: opts.Recorder}, nil
}

// Run checks the Nodes every monitor period until ctx is done.
func (c *LifecycleController) Run(ctx context.Context) error {
	if !informers.WaitForCacheSync(ctx, c.synced...) {
		return fmt.Errorf("%s: wait for caches: %w", LifecycleControllerName, ctx.Err())
	}
	t := time.NewTicker(c.period)
	defer t.Stop()
	for {
		if err := c.monitor(ctx); err != nil {
			metrics.Syncs.Inc(LifecycleControllerName, "error")
			slog.Default().Error("node lifecycle check failed", "controller", LifecycleControllerName, "err", err)
		} else {
			metrics.Syncs.Inc(LifecycleControllerName, "success")
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// monitor checks every Node once; errors of single Nodes are joined.
func (c *LifecycleController) monitor(ctx context.Context) error {
	nodes, err := c.nodes.List(labels.Everything())
	if err != nil {
		return err
	}
	var errs []error
	for _, n := range nodes {
		if err := c.check(ctx, n); err != nil {
			errs = append(errs, fmt.Errorf("node %s: %w", n.Name, err))
		}
	}
	return errors.Join(errs...)
}

// check handles one Node. Ready Nodes are healthy: only a stale shutdown
// taint is removed and the cloud is not asked.
func (c *LifecycleController) check(ctx context.Context, node *corev1.Node) error {
	if isReady(node) {
		if hasTaint(node, TaintShutdown) {
			return c.setShutdownTaint(ctx, node, false)
		}
		return nil
	}
	shutdown, err := c.instances.InstanceShutdown(ctx, node)
	switch {
	case err == nil:
		if shutdown != hasTaint(node, TaintShutdown) {
			return c.setShutdownTaint(ctx, node, shutdown)
		}
		if shutdown {
			return nil
		}
	case errors.Is(err, cloudprovider.ErrNotImplemented), errors.Is(err, cloudprovider.ErrInstanceNotFound):
		// Fall through to the existence check.
	default:
		metrics.CloudErrors.Inc(LifecycleControllerName, "InstanceShutdown")
		return fmt.Errorf("instance shutdown: %w", err)
	}
	exists, err := c.instances.InstanceExists(ctx, node)
	if err != nil {
		metrics.CloudErrors.Inc(LifecycleControllerName, "InstanceExists")
		return fmt.Errorf("instance exists: %w", err)
	}
	if exists {
		return nil
	}
	if c.recorder != nil {
		c.recorder.Eventf(node, corev1.EventTypeNormal, "DeletingNode", "Deleting node %s because its instance no longer exists", node.Name)
	}
	err = c.client.CoreV1().Nodes().Delete(ctx, node.Name, metav1.DeleteOptions{})
	if err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("delete: %w", err)
	}
	return nil
}

// setShutdownTaint adds or removes TaintShutdown on a copy of node.
func (c *LifecycleController) setShutdownTaint(ctx context.Context, node *corev1.Node, on bool) error {
	n := node.DeepCopy()
	n.Spec.Taints = withoutTaint(n.Spec.Taints, TaintShutdown)
	if on {
		n.Spec.Taints = append(n.Spec.Taints, corev1.Taint{Key: TaintShutdown, Effect: corev1.TaintEffectNoSchedule})
	}
	if _, err := c.client.CoreV1().Nodes().Update(ctx, n, metav1.UpdateOptions{}); err != nil {
		return fmt.Errorf("update shutdown taint: %w", err)
	}
	return nil
}

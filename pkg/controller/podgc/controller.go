package podgc

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	corev1 "keel.dev/api/core/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/labels"
	"keel.dev/client/clock"
	"keel.dev/client/informers"
	"keel.dev/client/typed"
)

// Defaults of the controller.
const (
	DefaultThreshold  = 12500
	DefaultPeriod     = 20 * time.Second
	DefaultQuarantine = 40 * time.Second
)

// Options tunes the controller.
type Options struct {
	// TerminatedPodThreshold is how many terminated pods may exist (12500; <= 0 disables).
	TerminatedPodThreshold int
	// Period is the time between sweeps (20 s).
	Period time.Duration
	// Quarantine is how long a node must stay missing before its pods go (40 s).
	Quarantine time.Duration
	// Clock supplies the time (default the real clock).
	Clock clock.Clock
}

// Controller sweeps pods periodically.
type Controller struct {
	client *typed.Clientset
	pods   *informers.PodLister
	nodes  *informers.NodeLister
	synced []informers.Syncer
	opts   Options
	// missingSince records when a node was first seen missing.
	missingSince map[string]time.Time
}

// New wires the controller to the shared informers of f.
func New(client *typed.Clientset, f *informers.Factory, opts Options) *Controller {
	if opts.TerminatedPodThreshold == 0 {
		opts.TerminatedPodThreshold = DefaultThreshold
	}
	if opts.Period <= 0 {
		opts.Period = DefaultPeriod
	}
	if opts.Quarantine <= 0 {
		opts.Quarantine = DefaultQuarantine
	}
	if opts.Clock == nil {
		opts.Clock = clock.Real{}
	}
	podInf, nodeInf := informers.Pods(f), informers.Nodes(f)
	return &Controller{client: client, pods: podInf.Lister(), nodes: nodeInf.Lister(),
		synced: []informers.Syncer{podInf, nodeInf}, opts: opts, missingSince: map[string]time.Time{}}
}

// Run sweeps every period until ctx is done; workers is unused (one sweeper).
func (c *Controller) Run(ctx context.Context, _ int) error {
	if !informers.WaitForCacheSync(ctx, c.synced...) {
		return fmt.Errorf("podgc: wait for caches: %w", ctx.Err())
	}
	for clock.Sleep(c.opts.Clock, c.opts.Period, ctx.Done()) {
		_ = c.gc(ctx)
	}
	return nil
}

// gc runs one sweep.
func (c *Controller) gc(ctx context.Context) error {
	pods, err := c.pods.List(labels.Everything())
	if err != nil {
		return err
	}
	var errs []error
	if c.opts.TerminatedPodThreshold > 0 {
		errs = append(errs, c.gcTerminated(ctx, pods))
	}
	errs = append(errs, c.gcOrphaned(ctx, pods), c.gcUnscheduledTerminating(ctx, pods))
	return errors.Join(errs...)
}

func (c *Controller) deletePod(ctx context.Context, p *corev1.Pod) error {
	zero := int64(0)
	err := c.client.CoreV1().Pods(p.Namespace).Delete(ctx, p.Name, metav1.DeleteOptions{GracePeriodSeconds: &zero})
	if err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("delete pod %s/%s: %w", p.Namespace, p.Name, err)
	}
	return nil
}

func (c *Controller) gcTerminated(ctx context.Context, pods []*corev1.Pod) error {
	var terminated []*corev1.Pod
	for _, p := range pods {
		if corev1.IsPodTerminal(p) && p.DeletionTimestamp == nil {
			terminated = append(terminated, p)
		}
	}
	excess := len(terminated) - c.opts.TerminatedPodThreshold
	if excess <= 0 {
		return nil
	}
	sort.Slice(terminated, func(i, j int) bool {
		return terminated[i].CreationTimestamp.Before(&terminated[j].CreationTimestamp)
	})
	var errs []error
	for _, p := range terminated[:excess] {
		errs = append(errs, c.deletePod(ctx, p))
	}
	return errors.Join(errs...)
}

func (c *Controller) gcOrphaned(ctx context.Context, pods []*corev1.Pod) error {
	now := c.opts.Clock.Now()
	seen := map[string]bool{}
	var errs []error
	for _, p := range pods {
		node := p.Spec.NodeName
		if node == "" {
			continue
		}
		if _, err := c.nodes.Get("", node); err == nil {
			continue
		}
		seen[node] = true
		since, ok := c.missingSince[node]
		if !ok {
			c.missingSince[node] = now
			continue
		}
		if now.Sub(since) < c.opts.Quarantine {
			continue
		}
		// Confirm with the apiserver before deleting.
		if _, err := c.client.CoreV1().Nodes().Get(ctx, node, metav1.GetOptions{}); !apierrors.IsNotFound(err) {
			continue
		}
		errs = append(errs, c.deletePod(ctx, p))
	}
	for node := range c.missingSince {
		if !seen[node] {
			delete(c.missingSince, node)
		}
	}
	return errors.Join(errs...)
}

func (c *Controller) gcUnscheduledTerminating(ctx context.Context, pods []*corev1.Pod) error {
	var errs []error
	for _, p := range pods {
		if p.DeletionTimestamp != nil && p.Spec.NodeName == "" {
			errs = append(errs, c.deletePod(ctx, p))
		}
	}
	return errors.Join(errs...)
}

package namespace

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	corev1 "keel.dev/api/core/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime/schema"
	"keel.dev/apimachinery/pkg/types"
	"keel.dev/client/clock"
	"keel.dev/client/dynamic"
	"keel.dev/client/informers"
	"keel.dev/client/typed"
	"keel.dev/client/workqueue"

	"keel.dev/keel/pkg/controller/internal/worker"
)

// Options tunes the controller.
type Options struct {
	// Clock defaults to the wall clock.
	Clock clock.Clock
	// Metrics receives queue metrics; nil disables them.
	Metrics workqueue.Metrics
	// RecheckInterval is the first wait before checking again a namespace
	// whose content is still going away (default 1s); it doubles while
	// content remains, up to MaxRecheckInterval.
	RecheckInterval time.Duration
	// MaxRecheckInterval caps the wait between checks (default 10s).
	MaxRecheckInterval time.Duration
	// Discover lists the resources to empty (default: the apiserver's
	// discovery documents).
	Discover DiscoverFunc
	// DiscoveryRefresh is how long a discovery result is reused (default 1m).
	DiscoveryRefresh time.Duration
	// Resources restricts the emptied resources to these (default: all
	// namespaced resources with list and delete).
	Resources []schema.GroupVersionResource
}

// Controller finalizes namespaces being deleted.
type Controller struct {
	cs         *typed.Clientset
	dyn        *dynamic.Client
	inf        *informers.NamespaceInformer
	clock      clock.Clock
	recheck    time.Duration
	maxRecheck time.Duration
	discovery  *discoveryCache
	queue      *workqueue.Queue[string]

	mu       sync.Mutex
	progress map[string]*progress
}

// New returns a namespace controller.
func New(cs *typed.Clientset, dyn *dynamic.Client, inf *informers.NamespaceInformer, opts Options) *Controller {
	if opts.Clock == nil {
		opts.Clock = clock.Real{}
	}
	if opts.RecheckInterval <= 0 {
		opts.RecheckInterval = time.Second
	}
	if opts.MaxRecheckInterval < opts.RecheckInterval {
		opts.MaxRecheckInterval = max(10*time.Second, opts.RecheckInterval)
	}
	if opts.DiscoveryRefresh <= 0 {
		opts.DiscoveryRefresh = time.Minute
	}
	if opts.Discover == nil {
		opts.Discover = Discover(cs.REST())
	}
	if len(opts.Resources) > 0 {
		opts.Discover = only(opts.Discover, opts.Resources)
	}
	qopts := []workqueue.Option[string]{workqueue.WithClock[string](opts.Clock)}
	if opts.Metrics != nil {
		qopts = append(qopts, workqueue.WithMetrics[string](opts.Metrics))
	}
	c := &Controller{cs: cs, dyn: dyn, inf: inf, clock: opts.Clock,
		recheck: opts.RecheckInterval, maxRecheck: opts.MaxRecheckInterval,
		discovery: &discoveryCache{discover: opts.Discover, clock: opts.Clock, ttl: opts.DiscoveryRefresh},
		queue:     workqueue.New[string](qopts...), progress: map[string]*progress{}}
	inf.AddEventHandler(informers.HandlerFuncs[*corev1.Namespace]{
		AddFunc:    func(ns *corev1.Namespace, _ bool) { c.enqueue(ns) },
		UpdateFunc: func(_, ns *corev1.Namespace) { c.enqueue(ns) },
		DeleteFunc: func(ns *corev1.Namespace) { c.forget(ns.Name) },
	})
	return c
}

// only filters what discover returns to the resources listed.
func only(discover DiscoverFunc, gvrs []schema.GroupVersionResource) DiscoverFunc {
	keep := map[schema.GroupResource]bool{}
	for _, g := range gvrs {
		keep[g.GroupResource()] = true
	}
	return func(ctx context.Context) ([]Resource, error) {
		all, err := discover(ctx)
		return slices.DeleteFunc(all, func(r Resource) bool { return !keep[r.GVR.GroupResource()] }), err
	}
}

func (c *Controller) enqueue(ns *corev1.Namespace) {
	if ns.DeletionTimestamp != nil {
		c.queue.Add(ns.Name)
	}
}

// forget drops the deletion progress of a namespace.
func (c *Controller) forget(name string) {
	c.mu.Lock()
	delete(c.progress, name)
	c.mu.Unlock()
}

// progressOf returns the deletion progress of the namespace instance uid.
func (c *Controller) progressOf(name string, uid types.UID) *progress {
	c.mu.Lock()
	defer c.mu.Unlock()
	p := c.progress[name]
	if p == nil || p.uid != uid {
		p = newProgress(uid)
		c.progress[name] = p
	}
	return p
}

// Run starts workers and blocks until ctx is done.
func (c *Controller) Run(ctx context.Context, workers int) error {
	return worker.RunRequeue(ctx, "namespace", c.queue, []informers.Syncer{c.inf}, workers, c.sync)
}

// sync runs one deletion pass over namespace name and finalizes it once
// empty; a positive after asks for another pass that much later, while
// content is still going away.
func (c *Controller) sync(ctx context.Context, name string) (after time.Duration, err error) {
	cached, err := c.inf.Lister().Get("", name)
	if apierrors.IsNotFound(err) {
		c.forget(name)
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	if cached.DeletionTimestamp == nil || !slices.Contains(cached.Spec.Finalizers, corev1.FinalizerKubernetes) {
		c.forget(name)
		return 0, nil
	}
	ns := cached.DeepCopy()
	st := c.progressOf(name, ns.UID)
	if st.finalized {
		return 0, nil
	}
	resources, discoveryErr := c.discovery.get(ctx)
	if len(resources) == 0 && discoveryErr != nil {
		if err := c.setConditions(ctx, ns, discoveryErr, &pass{}); err != nil {
			return 0, err
		}
		return 0, fmt.Errorf("discover resources to empty namespace %s: %w", name, discoveryErr)
	}
	p := c.emptyContent(ctx, name, st, resources)
	// A namespace about to disappear needs no status write; one that other
	// finalizers keep around shows how its content deletion ended.
	lastWord := discoveryErr == nil && len(p.failures) == 0 && !p.remaining() && len(ns.Spec.Finalizers) == 1
	if !lastWord {
		if err := c.setConditions(ctx, ns, discoveryErr, p); err != nil {
			return 0, err
		}
	}
	if len(p.failures) > 0 {
		return 0, fmt.Errorf("empty namespace %s: %s", name, strings.Join(p.failures, "; "))
	}
	if discoveryErr != nil {
		// Resources of the groups not discovered may still hold content.
		return 0, fmt.Errorf("empty namespace %s: %w", name, discoveryErr)
	}
	if p.remaining() {
		return c.nextCheck(st, p), nil
	}
	if err := c.finalize(ctx, ns); err != nil {
		return 0, err
	}
	// The progress is dropped when the namespace's deletion is observed.
	st.finalized = true
	return 0, nil
}

// nextCheck estimates when remaining content will be gone: the wait
// doubles with each pass that still finds content, and never exceeds the
// latest deletion deadline of what remains (the kubelet's grace period).
func (c *Controller) nextCheck(st *progress, p *pass) time.Duration {
	d := c.recheck << min(st.waits, 16)
	st.waits++
	d = min(d, c.maxRecheck)
	if !p.until.IsZero() {
		if untilGone := p.until.Sub(c.clock.Now()); untilGone < d {
			d = max(untilGone, c.recheck)
		}
	}
	return d
}

// finalize removes the kubernetes finalizer through namespaces/{name}/finalize.
func (c *Controller) finalize(ctx context.Context, ns *corev1.Namespace) error {
	var keep []corev1.FinalizerName
	for _, f := range ns.Spec.Finalizers {
		if f != corev1.FinalizerKubernetes {
			keep = append(keep, f)
		}
	}
	ns.Spec.Finalizers = keep
	out := &corev1.Namespace{}
	err := c.cs.CoreV1().Namespaces().UpdateSubresource(ctx, ns.Name, "finalize", ns, out, metav1.UpdateOptions{})
	if err != nil && !apierrors.IsNotFound(err) {
		if apierrors.IsConflict(err) {
			fresh, gerr := c.cs.CoreV1().Namespaces().Get(ctx, ns.Name, metav1.GetOptions{})
			if gerr != nil {
				return fmt.Errorf("finalize namespace %s: %w", ns.Name, gerr)
			}
			fresh.Spec.Finalizers = slices.DeleteFunc(fresh.Spec.Finalizers, func(f corev1.FinalizerName) bool { return f == corev1.FinalizerKubernetes })
			if err := c.cs.CoreV1().Namespaces().UpdateSubresource(ctx, ns.Name, "finalize", fresh, out, metav1.UpdateOptions{}); err != nil && !apierrors.IsNotFound(err) {
				return fmt.Errorf("finalize namespace %s: %w", ns.Name, err)
			}
			return nil
		}
		return fmt.Errorf("finalize namespace %s: %w", ns.Name, err)
	}
	return nil
}

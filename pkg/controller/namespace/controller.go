package namespace

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"
	"time"

	corev1 "keel.dev/api/core/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"
	"keel.dev/client/clock"
	"keel.dev/client/dynamic"
	"keel.dev/client/informers"
	"keel.dev/client/typed"
	"keel.dev/client/workqueue"
)

// Options tunes the controller.
type Options struct {
	// Clock defaults to the wall clock.
	Clock clock.Clock
	// Metrics receives queue metrics; nil disables them.
	Metrics workqueue.Metrics
	// RecheckInterval is the wait before checking a namespace whose content
	// is still going away (default 2s).
	RecheckInterval time.Duration
	// Resources overrides the resources emptied (default: every namespaced
	// resource of the client's scheme that supports list and delete).
	Resources []schema.GroupVersionResource
}

// Controller finalizes namespaces being deleted.
type Controller struct {
	cs        *typed.Clientset
	dyn       *dynamic.Client
	inf       *informers.NamespaceInformer
	clock     clock.Clock
	recheck   time.Duration
	resources []resource
	queue     *workqueue.Queue[string]
}

type resource struct {
	gvr              schema.GroupVersionResource
	deleteCollection bool
}

// New returns a namespace controller.
func New(cs *typed.Clientset, dyn *dynamic.Client, inf *informers.NamespaceInformer, opts Options) *Controller {
	if opts.Clock == nil {
		opts.Clock = clock.Real{}
	}
	if opts.RecheckInterval <= 0 {
		opts.RecheckInterval = 2 * time.Second
	}
	qopts := []workqueue.Option[string]{workqueue.WithClock[string](opts.Clock)}
	if opts.Metrics != nil {
		qopts = append(qopts, workqueue.WithMetrics[string](opts.Metrics))
	}
	c := &Controller{cs: cs, dyn: dyn, inf: inf, clock: opts.Clock, recheck: opts.RecheckInterval,
		queue: workqueue.New[string](qopts...)}
	c.resources = deletableResources(cs.REST().Scheme(), opts.Resources)
	inf.AddEventHandler(informers.HandlerFuncs[*corev1.Namespace]{
		AddFunc:    func(ns *corev1.Namespace, _ bool) { c.enqueue(ns) },
		UpdateFunc: func(_, ns *corev1.Namespace) { c.enqueue(ns) },
	})
	return c
}

// deletableResources lists namespaced resources with list and delete,
// one version per group and resource.
func deletableResources(s *runtime.Scheme, only []schema.GroupVersionResource) []resource {
	seen := map[schema.GroupResource]bool{}
	var out []resource
	for _, info := range s.Resources() {
		if !info.Namespaced || !slices.Contains(info.Verbs, "list") || !slices.Contains(info.Verbs, "delete") {
			continue
		}
		if len(only) > 0 && !slices.Contains(only, info.GroupVersionResource) {
			continue
		}
		gr := info.GroupVersionResource.GroupResource()
		if seen[gr] {
			continue
		}
		seen[gr] = true
		out = append(out, resource{gvr: info.GroupVersionResource, deleteCollection: slices.Contains(info.Verbs, "deletecollection")})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].gvr.String() < out[j].gvr.String() })
	return out
}

func (c *Controller) enqueue(ns *corev1.Namespace) {
	if ns.DeletionTimestamp != nil {
		c.queue.Add(ns.Name)
	}
}

// Run starts workers and blocks until ctx is done.
func (c *Controller) Run(ctx context.Context, workers int) error {
	defer c.queue.ShutDown()
	if !informers.WaitForCacheSync(ctx, c.inf) {
		return errors.New("namespace: caches did not sync")
	}
	for range workers {
		go func() {
			for c.processNext(ctx) {
			}
		}()
	}
	<-ctx.Done()
	return nil
}

func (c *Controller) processNext(ctx context.Context) bool {
	key, shutdown := c.queue.Get()
	if shutdown {
		return false
	}
	defer c.queue.Done(key)
	remaining, err := c.sync(ctx, key)
	switch {
	case err != nil:
		c.queue.AddRateLimited(key)
	case remaining:
		c.queue.Forget(key)
		c.queue.AddAfter(key, c.recheck)
	default:
		c.queue.Forget(key)
	}
	return true
}

// sync empties namespace name and finalizes it once empty; it reports
// whether content remains.
func (c *Controller) sync(ctx context.Context, name string) (remaining bool, err error) {
	cached, err := c.inf.Lister().Get("", name)
	if apierrors.IsNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if cached.DeletionTimestamp == nil || !slices.Contains(cached.Spec.Finalizers, corev1.FinalizerKubernetes) {
		return false, nil
	}
	ns := cached.DeepCopy()
	var failures []string
	left := map[string]int{}
	withFinalizers := map[string]int{}
	for _, r := range c.resources {
		rc := c.dyn.Resource(r.gvr).Namespace(name)
		if err := c.deleteAll(ctx, rc, r); err != nil {
			failures = append(failures, fmt.Sprintf("%s: %v", r.gvr.GroupResource(), err))
		}
		list, err := rc.List(ctx, metav1.ListOptions{})
		if err != nil {
			if !apierrors.IsNotFound(err) && !apierrors.IsMethodNotSupported(err) {
				failures = append(failures, fmt.Sprintf("list %s: %v", r.gvr.GroupResource(), err))
			}
			continue
		}
		if n := len(list.Items); n > 0 {
			left[r.gvr.GroupResource().String()] = n
			for _, it := range list.Items {
				if v, _ := it.NestedField("metadata", "finalizers"); v != nil {
					withFinalizers[r.gvr.GroupResource().String()]++
				}
			}
		}
	}
	if err := c.setConditions(ctx, ns, failures, left, withFinalizers); err != nil {
		return false, err
	}
	if len(failures) > 0 {
		return false, fmt.Errorf("empty namespace %s: %s", name, strings.Join(failures, "; "))
	}
	if len(left) > 0 {
		return true, nil
	}
	return false, c.finalize(ctx, ns)
}

// deleteAll deletes every object of r in the namespace.
func (c *Controller) deleteAll(ctx context.Context, rc *dynamic.ResourceClient, r resource) error {
	bg := metav1.DeletePropagationBackground
	opts := metav1.DeleteOptions{PropagationPolicy: &bg}
	if r.deleteCollection {
		err := rc.DeleteCollection(ctx, opts, metav1.ListOptions{})
		if err == nil || apierrors.IsNotFound(err) {
			return nil
		}
		if !apierrors.IsMethodNotSupported(err) {
			return err
		}
	}
	list, err := rc.List(ctx, metav1.ListOptions{})
	if err != nil {
		if apierrors.IsNotFound(err) || apierrors.IsMethodNotSupported(err) {
			return nil
		}
		return err
	}
	var errs []error
	for _, it := range list.Items {
		if err := rc.Delete(ctx, it.GetName(), opts); err != nil && !apierrors.IsNotFound(err) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// setConditions records the deletion progress on the namespace status.
func (c *Controller) setConditions(ctx context.Context, ns *corev1.Namespace, failures []string, left, fins map[string]int) error {
	now := metav1.NewTime(c.clock.Now())
	st := ns.Status.DeepCopy()
	set := func(t corev1.NamespaceConditionType, ok bool, trueReason, falseReason, msg string) {
		status, reason := corev1.ConditionFalse, falseReason
		if ok {
			status, reason = corev1.ConditionTrue, trueReason
		}
		for i := range st.Conditions {
			if st.Conditions[i].Type == t {
				if st.Conditions[i].Status != status || st.Conditions[i].Reason != reason || st.Conditions[i].Message != msg {
					st.Conditions[i] = corev1.NamespaceCondition{Type: t, Status: status, Reason: reason, Message: msg, LastTransitionTime: now}
				}
				return
			}
		}
		st.Conditions = append(st.Conditions, corev1.NamespaceCondition{Type: t, Status: status, Reason: reason, Message: msg, LastTransitionTime: now})
	}
	set(corev1.NamespaceDeletionDiscoveryFailure, false, "DiscoveryFailed", "ResourcesDiscovered", "All resources successfully discovered")
	set(corev1.NamespaceDeletionGVParsingFailure, false, "GroupVersionParsingFailed", "ParsedGroupVersions", "All legacy kube types successfully parsed")
	msg := "All content successfully deleted, may be waiting on finalization"
	if len(failures) > 0 {
		msg = "Failed to delete all resource types, " + strings.Join(failures, ", ")
	}
	set(corev1.NamespaceDeletionContentFailure, len(failures) > 0, "ContentDeletionFailed", "ContentDeleted", msg)
	msg = "All content successfully removed"
	if len(left) > 0 {
		msg = "Some resources are remaining: " + describe(left)
	}
	set(corev1.NamespaceContentRemaining, len(left) > 0, "SomeResourcesRemain", "ContentRemoved", msg)
	msg = "All content-preserving finalizers finished"
	if len(fins) > 0 {
		msg = "Some content in the namespace has finalizers remaining: " + describe(fins)
	}
	set(corev1.NamespaceFinalizersRemaining, len(fins) > 0, "SomeFinalizersRemain", "ContentHasNoFinalizers", msg)
	if reflect.DeepEqual(&ns.Status, st) {
		return nil
	}
	ns.Status = *st
	got, err := c.cs.CoreV1().Namespaces().UpdateStatus(ctx, ns, metav1.UpdateOptions{})
	if err != nil {
		if apierrors.IsNotFound(err) || apierrors.IsConflict(err) {
			return nil // the next pass writes it
		}
		return fmt.Errorf("update namespace %s status: %w", ns.Name, err)
	}
	ns.ResourceVersion = got.ResourceVersion
	return nil
}

func describe(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s has %d resource instances", k, m[k])
	}
	return strings.Join(parts, ", ")
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

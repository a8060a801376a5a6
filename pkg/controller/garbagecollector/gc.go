package garbagecollector

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	appsv1 "keel.dev/api/apps/v1"
	batchv1 "keel.dev/api/batch/v1"
	corev1 "keel.dev/api/core/v1"
	discoveryv1 "keel.dev/api/discovery/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"
	"keel.dev/apimachinery/pkg/types"
	"keel.dev/client/clock"
	"keel.dev/client/dynamic"
	"keel.dev/client/informers"
	"keel.dev/client/typed"
	"keel.dev/client/workqueue"
)

// Options tunes the collector.
type Options struct {
	// Clock defaults to the wall clock.
	Clock clock.Clock
	// Metrics receives metrics of the attempt-to-delete queue; nil disables them.
	Metrics workqueue.Metrics
}

// GarbageCollector deletes dependents of vanished owners and runs
// foreground and orphan deletion.
type GarbageCollector struct {
	dyn     *dynamic.Client
	scheme  *runtime.Scheme
	graph   *graph
	deleteQ *workqueue.Queue[types.UID]
	orphanQ *workqueue.Queue[types.UID]
	synced  []informers.Syncer
}

// New returns a collector monitoring the built-in workload kinds
// (pods, replica sets, replication controllers, deployments, daemon sets,
// stateful sets, controller revisions, jobs, cron jobs, services,
// endpoints, endpoint slices, persistent volume claims); call Monitor for more.
func New(cs *typed.Clientset, dyn *dynamic.Client, f *informers.Factory, opts Options) (*GarbageCollector, error) {
	if opts.Clock == nil {
		opts.Clock = clock.Real{}
	}
	dq := []workqueue.Option[types.UID]{workqueue.WithClock[types.UID](opts.Clock)}
	if opts.Metrics != nil {
		dq = append(dq, workqueue.WithMetrics[types.UID](opts.Metrics))
	}
	gc := &GarbageCollector{
		dyn: dyn, scheme: cs.REST().Scheme(), graph: newGraph(),
		deleteQ: workqueue.New[types.UID](dq...),
		orphanQ: workqueue.New[types.UID](workqueue.WithClock[types.UID](opts.Clock)),
	}
	errs := []error{
		Monitor[*corev1.Pod, *corev1.PodList](gc, f),
		Monitor[*appsv1.ReplicaSet, *appsv1.ReplicaSetList](gc, f),
		Monitor[*corev1.ReplicationController, *corev1.ReplicationControllerList](gc, f),
		Monitor[*appsv1.Deployment, *appsv1.DeploymentList](gc, f),
		Monitor[*appsv1.DaemonSet, *appsv1.DaemonSetList](gc, f),
		Monitor[*appsv1.StatefulSet, *appsv1.StatefulSetList](gc, f),
		Monitor[*appsv1.ControllerRevision, *appsv1.ControllerRevisionList](gc, f),
		Monitor[*batchv1.Job, *batchv1.JobList](gc, f),
		Monitor[*batchv1.CronJob, *batchv1.CronJobList](gc, f),
		Monitor[*corev1.Service, *corev1.ServiceList](gc, f),
		Monitor[*corev1.Endpoints, *corev1.EndpointsList](gc, f),
		Monitor[*discoveryv1.EndpointSlice, *discoveryv1.EndpointSliceList](gc, f),
		Monitor[*corev1.PersistentVolumeClaim, *corev1.PersistentVolumeClaimList](gc, f),
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return gc, nil
}

// Run waits for the monitors to sync, then runs workers until ctx is done.
func (gc *GarbageCollector) Run(ctx context.Context, workers int) error {
	defer gc.deleteQ.ShutDown()
	defer gc.orphanQ.ShutDown()
	if !informers.WaitForCacheSync(ctx, gc.synced...) {
		return errors.New("garbage collector: caches did not sync")
	}
	for range workers {
		go func() {
			for gc.next(ctx, gc.deleteQ, gc.attemptToDelete) {
			}
		}()
		go func() {
			for gc.next(ctx, gc.orphanQ, gc.attemptToOrphan) {
			}
		}()
	}
	<-ctx.Done()
	return nil
}

func (gc *GarbageCollector) next(ctx context.Context, q *workqueue.Queue[types.UID], fn func(context.Context, types.UID) error) bool {
	uid, shutdown := q.Get()
	if shutdown {
		return false
	}
	defer q.Done(uid)
	if err := fn(ctx, uid); err != nil {
		q.AddRateLimited(uid)
		return true
	}
	q.Forget(uid)
	return true
}

// resourceFor maps an ownerReference's kind to its resource.
func (gc *GarbageCollector) resourceFor(apiVersion, kind string) (runtime.ResourceInfo, bool) {
	gv, err := schema.ParseGroupVersion(apiVersion)
	if err != nil {
		return runtime.ResourceInfo{}, false
	}
	return gc.scheme.ResourceForKind(gv.WithKind(kind))
}

// client returns the dynamic client for n's resource and namespace.
func (gc *GarbageCollector) client(gvr schema.GroupVersionResource, ns string) *dynamic.ResourceClient {
	rc := gc.dyn.Resource(gvr)
	if ns != "" {
		rc = rc.Namespace(ns)
	}
	return rc
}

type ownerState int

const (
	solid ownerState = iota
	dangling
	waiting
)

// ownerState judges one reference of dependent n, reading the owner live
// when the graph does not know it.
func (gc *GarbageCollector) ownerState(ctx context.Context, n node, ref metav1.OwnerReference, live bool) (ownerState, error) {
	if o, ok := gc.graph.get(ref.UID); ok && !live {
		if o.deletingDependents() {
			return waiting, nil
		}
		return solid, nil
	}
	info, ok := gc.resourceFor(ref.APIVersion, ref.Kind)
	if !ok {
		return solid, nil // unknown kinds are never judged absent
	}
	ns := ""
	if info.Namespaced {
		if n.namespace == "" {
			return dangling, nil // a cluster-scoped object cannot have a namespaced owner
		}
		ns = n.namespace
	}
	u, err := gc.client(info.GroupVersionResource, ns).Get(ctx, ref.Name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return dangling, nil
	}
	if err != nil {
		return solid, fmt.Errorf("get owner %s %s: %w", ref.Kind, ref.Name, err)
	}
	if u.GetUID() != ref.UID {
		return dangling, nil
	}
	if _, ok := u.NestedField("metadata", "deletionTimestamp"); ok && hasFinalizer(u, metav1.FinalizerDeleteDependents) {
		return waiting, nil
	}
	return solid, nil
}

func hasFinalizer(u *dynamic.Unstructured, f string) bool {
	v, _ := u.NestedField("metadata", "finalizers")
	list, _ := v.([]any)
	for _, x := range list {
		if s, _ := x.(string); s == f {
			return true
		}
	}
	return false
}

// liveOwners returns the ownerReferences of the stored object, or
// ok=false when it no longer exists with n's UID.
func (gc *GarbageCollector) liveOwners(ctx context.Context, n node) ([]metav1.OwnerReference, bool, error) {
	u, err := gc.client(n.gvr, n.namespace).Get(ctx, n.name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	if u.GetUID() != n.uid {
		return nil, false, nil
	}
	if _, ok := u.NestedField("metadata", "deletionTimestamp"); ok {
		return nil, false, nil
	}
	v, _ := u.NestedField("metadata", "ownerReferences")
	b, err := json.Marshal(v)
	if err != nil {
		return nil, false, err
	}
	var refs []metav1.OwnerReference
	if v != nil {
		if err := json.Unmarshal(b, &refs); err != nil {
			return nil, false, err
		}
	}
	return refs, true, nil
}

package garbagecollector

import (
	"fmt"
	"reflect"

	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/types"
	"keel.dev/client/informers"
	"keel.dev/client/typed"
)

// Monitor makes the collector watch kind T through the shared factory.
// It must be called before Run.
func Monitor[T typed.Object, L typed.List](gc *GarbageCollector, f *informers.Factory) error {
	zero := reflect.New(reflect.TypeFor[T]().Elem()).Interface().(T)
	gvk, err := gc.scheme.ObjectKind(zero)
	if err != nil {
		return fmt.Errorf("garbage collector monitor: %w", err)
	}
	info, ok := gc.scheme.ResourceForKind(gvk)
	if !ok {
		return fmt.Errorf("garbage collector monitor: no resource for %s", gvk)
	}
	inf := informers.For[T, L](f)
	toNode := func(o T) *node {
		return &node{
			gvk: gvk, gvr: info.GroupVersionResource, namespace: o.GetNamespace(), name: o.GetName(), uid: o.GetUID(),
			owners: append([]metav1.OwnerReference(nil), o.GetOwnerReferences()...), deleting: o.GetDeletionTimestamp() != nil,
			finalizers: append([]string(nil), o.GetFinalizers()...),
		}
	}
	inf.AddEventHandler(informers.HandlerFuncs[T]{
		AddFunc:    func(o T, _ bool) { gc.observe(toNode(o)) },
		UpdateFunc: func(_, o T) { gc.observe(toNode(o)) },
		DeleteFunc: func(o T) { gc.forget(o.GetUID()) },
	})
	gc.synced = append(gc.synced, inf)
	return nil
}

// observe records an added or updated object and queues the work it implies.
func (gc *GarbageCollector) observe(n *node) {
	removed := gc.graph.upsert(n)
	for _, o := range removed {
		gc.deleteQ.Add(o) // a foreground owner may be unblocked
	}
	switch {
	case n.deleting && n.hasFinalizer(metav1.FinalizerOrphanDependents):
		gc.orphanQ.Add(n.uid)
	case n.deletingDependents():
		gc.deleteQ.Add(n.uid)
	}
	if len(n.owners) > 0 {
		gc.deleteQ.Add(n.uid)
	}
}

// forget drops a deleted object and re-examines its dependents and owners.
func (gc *GarbageCollector) forget(uid types.UID) {
	owners, deps := gc.graph.remove(uid)
	for _, d := range deps {
		gc.deleteQ.Add(d)
	}
	for _, o := range owners {
		gc.deleteQ.Add(o)
	}
}

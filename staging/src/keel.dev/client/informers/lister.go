package informers

import (
	apierrors "keel.dev/apimachinery/pkg/api/errors"
	"keel.dev/apimachinery/pkg/labels"
	"keel.dev/apimachinery/pkg/runtime/schema"
)

// Lister reads objects of one kind from an informer's store. The objects
// are shared with the cache: never mutate them, DeepCopy first.
type Lister[T Object] struct {
	store    *Store[T]
	resource schema.GroupResource
}

// NewLister returns a lister over store; resource names NotFound errors.
func NewLister[T Object](store *Store[T], resource schema.GroupResource) *Lister[T] {
	return &Lister[T]{store: store, resource: resource}
}

// List returns the objects matching selector in every namespace (nil
// selector means everything).
func (l *Lister[T]) List(selector labels.Selector) ([]T, error) {
	return filter(l.store.List(), selector), nil
}

// Get returns the object namespace/name ("" namespace for cluster-scoped
// kinds), or a NotFound error.
func (l *Lister[T]) Get(namespace, name string) (T, error) {
	obj, ok := l.store.Get(namespace, name)
	if !ok {
		return obj, apierrors.NewNotFound(l.resource, name)
	}
	return obj, nil
}

// Namespace returns a lister of one namespace.
func (l *Lister[T]) Namespace(namespace string) NamespacedLister[T] {
	return NamespacedLister[T]{l: l, namespace: namespace}
}

// NamespacedLister reads objects of one namespace.
type NamespacedLister[T Object] struct {
	l         *Lister[T]
	namespace string
}

// List returns the namespace's objects matching selector.
func (n NamespacedLister[T]) List(selector labels.Selector) ([]T, error) {
	objs, err := n.l.store.ByIndex(NamespaceIndex, n.namespace)
	if err != nil {
		return nil, err
	}
	return filter(objs, selector), nil
}

// Get returns the named object of the namespace, or a NotFound error.
func (n NamespacedLister[T]) Get(name string) (T, error) { return n.l.Get(n.namespace, name) }

func filter[T Object](objs []T, selector labels.Selector) []T {
	if selector == nil || selector.Empty() {
		return objs
	}
	out := objs[:0]
	for _, o := range objs {
		if selector.Matches(labels.Set(o.GetLabels())) {
			out = append(out, o)
		}
	}
	return out
}

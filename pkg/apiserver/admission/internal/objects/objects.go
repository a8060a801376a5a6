package objects

import (
	"context"
	"fmt"
	"sync"
	"time"

	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"

	"keel.dev/keel/pkg/apiserver/registry/generic"
	"keel.dev/keel/pkg/apiserver/storage"
)

// Lookup returns the store of a resource.
type Lookup func(gr schema.GroupResource) (*generic.Store, bool)

// liveTTL is how long a namespace found empty by a live read is trusted
// without reading again (the watch cache catches up well within it), as in
// Kubernetes' admission plugins.
const liveTTL = 30 * time.Second

// Source reads one resource for a plugin.
type Source struct {
	store *generic.Store
	// empty remembers when a live read last found a namespace empty.
	empty sync.Map // namespace -> time.Time
}

// NewSource returns the source of gr, or an error naming the missing
// resource.
func NewSource(lookup Lookup, gr schema.GroupResource) (*Source, error) {
	if lookup == nil {
		return nil, fmt.Errorf("no storage lookup for %s", gr)
	}
	st, ok := lookup(gr)
	if !ok {
		return nil, fmt.Errorf("resource %s is not served", gr)
	}
	return &Source{store: st}, nil
}

// SourceOf wraps a store directly (tests).
func SourceOf(st *generic.Store) *Source { return &Source{store: st} }

// Store returns the underlying store.
func (s *Source) Store() *generic.Store { return s.store }

func (s *Source) dir(namespace string) string {
	if namespace == "" || !s.store.NamespaceScoped() {
		return s.store.KeyRoot
	}
	return s.store.KeyRoot + "/" + namespace
}

// List returns the objects in namespace ("" for all or for a
// cluster-scoped resource) as the watch cache has them. The objects are
// shared: callers must not change them.
func (s *Source) List(ctx context.Context, namespace string) ([]runtime.Object, error) {
	res, err := s.store.Storage.GetList(ctx, s.dir(namespace), storage.ListOptions{ResourceVersion: "0", Recursive: true})
	if err != nil {
		return nil, generic.InterpretStorageError(err, s.store.Resource, "")
	}
	return res.Items, nil
}

// ListLive returns the objects in namespace read from etcd (a consistent
// read), for when the cache may not have caught up.
func (s *Source) ListLive(ctx context.Context, namespace string) ([]runtime.Object, error) {
	res, err := s.store.Storage.GetList(ctx, s.dir(namespace), storage.ListOptions{Recursive: true})
	if err != nil {
		return nil, generic.InterpretStorageError(err, s.store.Resource, "")
	}
	return res.Items, nil
}

// ListOrLive returns the objects in namespace from the watch cache; when
// the cache has none, a live read makes sure an object created a moment ago
// is not missed. With remember, an empty live answer is trusted for a
// while (Forget drops it).
func (s *Source) ListOrLive(ctx context.Context, namespace string, remember bool) ([]runtime.Object, error) {
	items, err := s.List(ctx, namespace)
	if err != nil || len(items) > 0 {
		return items, err
	}
	if at, ok := s.empty.Load(namespace); ok && time.Since(at.(time.Time)) < liveTTL {
		return nil, nil
	}
	items, err = s.ListLive(ctx, namespace)
	if err != nil {
		return nil, err
	}
	if len(items) == 0 && remember {
		s.empty.Store(namespace, time.Now())
	} else {
		s.empty.Delete(namespace)
	}
	return items, nil
}

// Forget drops what ListOrLive remembers of namespace.
func (s *Source) Forget(namespace string) { s.empty.Delete(namespace) }

// Get returns one object as the watch cache has it, falling back to a live
// read when the cache does not have it yet; found is false when it does
// not exist.
func (s *Source) Get(ctx context.Context, namespace, name string) (obj runtime.Object, found bool, err error) {
	key, err := s.store.KeyFor(namespace, name)
	if err != nil {
		return nil, false, err
	}
	obj, err = s.store.Storage.Get(ctx, key, storage.GetOptions{ResourceVersion: "0"})
	if storage.IsNotFound(err) {
		obj, err = s.store.Storage.Get(ctx, key, storage.GetOptions{})
	}
	if storage.IsNotFound(err) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, generic.InterpretStorageError(err, s.store.Resource, name)
	}
	return obj, true, nil
}

// Update applies fn to the current state of one object and stores the
// result, retrying on conflicts; fn may return an error to give up.
func (s *Source) Update(ctx context.Context, namespace, name string, fn func(cur runtime.Object) (runtime.Object, error)) (runtime.Object, error) {
	key, err := s.store.KeyFor(namespace, name)
	if err != nil {
		return nil, err
	}
	return s.store.Storage.GuaranteedUpdate(ctx, key, storage.UpdateOptions{}, fn)
}

// Typed converts listed objects to T, skipping others.
func Typed[T runtime.Object](in []runtime.Object) []T {
	out := make([]T, 0, len(in))
	for _, o := range in {
		if t, ok := o.(T); ok {
			out = append(out, t)
		}
	}
	return out
}

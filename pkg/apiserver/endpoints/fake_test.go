package endpoints

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"sync"
	"time"

	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/fields"
	"keel.dev/apimachinery/pkg/labels"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"
	"keel.dev/apimachinery/pkg/types"
	"keel.dev/apimachinery/pkg/watch"

	"keel.dev/keel/pkg/apiserver/registry/rest"
	"keel.dev/keel/pkg/apiserver/storage"
)

// fakeStore is an in-memory storage of one resource that behaves like the
// registry's: resourceVersions from a shared counter, 404 and 409 errors,
// uid and creationTimestamp on create, dry runs that persist nothing.
type fakeStore struct {
	mu      sync.Mutex
	gr      schema.GroupResource
	newObj  func() runtime.Object
	newList func() runtime.Object
	rv      *int64
	objs    map[string]runtime.Object
	// createOnUpdate lets PUT create a missing object.
	createOnUpdate bool
	// returnDeleted answers deletes with the object instead of a Status.
	returnDeleted bool
	// watcher is what Watch returns; watchErr fails Watch.
	watcher  watch.Interface
	watchErr error

	lastCreate *metav1.CreateOptions
	lastUpdate *metav1.UpdateOptions
	lastDelete *metav1.DeleteOptions
	lastList   *rest.ListOptions
	lastCtxNS  string
}

func newFakeStore(gr schema.GroupResource, rv *int64, newObj, newList func() runtime.Object) *fakeStore {
	return &fakeStore{gr: gr, newObj: newObj, newList: newList, rv: rv, objs: map[string]runtime.Object{}}
}

func (f *fakeStore) New() runtime.Object     { return f.newObj() }
func (f *fakeStore) NewList() runtime.Object { return f.newList() }

func (f *fakeStore) key(ctx context.Context, name string) string {
	return rest.NamespaceFrom(ctx) + "/" + name
}

func (f *fakeStore) nextRV() string {
	*f.rv++
	return strconv.FormatInt(*f.rv, 10)
}

// put stores obj directly (test setup).
func (f *fakeStore) put(obj runtime.Object) runtime.Object {
	f.mu.Lock()
	defer f.mu.Unlock()
	m := obj.(metav1.Object)
	m.SetResourceVersion(f.nextRV())
	if m.GetUID() == "" {
		m.SetUID(types.UID("uid-" + m.GetName()))
	}
	if ts := m.GetCreationTimestamp(); ts.IsZero() {
		m.SetCreationTimestamp(metav1.NewTime(time.Now().Add(-2 * time.Second)))
	}
	f.objs[m.GetNamespace()+"/"+m.GetName()] = obj
	return obj
}

func (f *fakeStore) stored(ns, name string) runtime.Object {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.objs[ns+"/"+name]
}

func (f *fakeStore) Get(ctx context.Context, name string, _ *metav1.GetOptions) (runtime.Object, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.lastCtxNS = rest.NamespaceFrom(ctx)
	obj, ok := f.objs[f.key(ctx, name)]
	if !ok {
		return nil, apierrors.NewNotFound(f.gr, name)
	}
	return obj.DeepCopyObject(), nil
}

func (f *fakeStore) matches(ctx context.Context, obj runtime.Object, opts *rest.ListOptions) bool {
	m := obj.(metav1.Object)
	if ns := rest.NamespaceFrom(ctx); ns != "" && m.GetNamespace() != ns {
		return false
	}
	if opts == nil {
		return true
	}
	if opts.LabelSelector != nil && !opts.LabelSelector.Matches(labels.Set(m.GetLabels())) {
		return false
	}
	if opts.FieldSelector != nil && !opts.FieldSelector.Matches(fields.Set{"metadata.name": m.GetName(), "metadata.namespace": m.GetNamespace()}) {
		return false
	}
	return true
}

func (f *fakeStore) List(ctx context.Context, opts *rest.ListOptions) (runtime.Object, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.lastList = opts
	var keys []string
	for k := range f.objs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var items []runtime.Object
	for _, k := range keys {
		if f.matches(ctx, f.objs[k], opts) {
			// Items keep their kind, as a cache would hand them out.
			it := f.objs[k].DeepCopyObject()
			it.GetObjectKind().SetGroupVersionKind(schema.GroupVersionKind{Group: f.gr.Group, Version: "v1", Kind: "Whatever"})
			items = append(items, it)
		}
	}
	list := f.newList()
	if err := storage.SetListItems(list, items); err != nil {
		return nil, err
	}
	lm := list.(interface{ GetListMeta() metav1.ListInterface }).GetListMeta()
	lm.SetResourceVersion(strconv.FormatInt(*f.rv, 10))
	return list, nil
}

func (f *fakeStore) Watch(_ context.Context, opts *rest.ListOptions) (watch.Interface, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.lastList = opts
	if f.watchErr != nil {
		return nil, f.watchErr
	}
	return f.watcher, nil
}

func (f *fakeStore) Create(ctx context.Context, obj runtime.Object, opts *metav1.CreateOptions) (runtime.Object, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.lastCreate = opts
	f.lastCtxNS = rest.NamespaceFrom(ctx)
	m := obj.(metav1.Object)
	if m.GetResourceVersion() != "" {
		return nil, apierrors.NewBadRequest("resourceVersion should not be set on objects to be created")
	}
	key := m.GetNamespace() + "/" + m.GetName()
	if _, ok := f.objs[key]; ok {
		return nil, apierrors.NewAlreadyExists(f.gr, m.GetName())
	}
	m.SetUID(types.UID("uid-" + m.GetName()))
	m.SetCreationTimestamp(metav1.NewTime(time.Now()))
	if rest.IsDryRun(opts.DryRun) {
		return obj, nil
	}
	m.SetResourceVersion(f.nextRV())
	f.objs[key] = obj
	return obj.DeepCopyObject(), nil
}

func (f *fakeStore) Update(ctx context.Context, name string, objInfo rest.UpdatedObjectInfo, opts *metav1.UpdateOptions) (runtime.Object, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.lastUpdate = opts
	key := f.key(ctx, name)
	old, exists := f.objs[key]
	if !exists && !f.createOnUpdate {
		return nil, false, apierrors.NewNotFound(f.gr, name)
	}
	var oldCopy runtime.Object
	if exists {
		oldCopy = old.DeepCopyObject()
	}
	obj, err := objInfo.UpdatedObject(ctx, oldCopy)
	if err != nil {
		return nil, false, err
	}
	m := obj.(metav1.Object)
	if exists {
		om := old.(metav1.Object)
		if rv := m.GetResourceVersion(); rv != "" && rv != om.GetResourceVersion() {
			return nil, false, apierrors.NewConflict(f.gr, name, errors.New(apierrors.OptimisticLockErrorMsg))
		}
		m.SetUID(om.GetUID())
		m.SetCreationTimestamp(om.GetCreationTimestamp())
	}
	if rest.IsDryRun(opts.DryRun) {
		return obj, !exists, nil
	}
	m.SetResourceVersion(f.nextRV())
	f.objs[key] = obj
	return obj.DeepCopyObject(), !exists, nil
}

func (f *fakeStore) Delete(ctx context.Context, name string, opts *metav1.DeleteOptions) (runtime.Object, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.lastDelete = opts
	key := f.key(ctx, name)
	obj, ok := f.objs[key]
	if !ok {
		return nil, false, apierrors.NewNotFound(f.gr, name)
	}
	m := obj.(metav1.Object)
	if f.returnDeleted {
		now := metav1.NewTime(time.Now())
		cp := obj.DeepCopyObject()
		cp.(metav1.Object).SetDeletionTimestamp(&now)
		f.objs[key] = cp
		return cp, false, nil
	}
	if !rest.IsDryRun(opts.DryRun) {
		delete(f.objs, key)
	}
	return &metav1.Status{Status: metav1.StatusSuccess, Details: &metav1.StatusDetails{
		Name: name, Group: f.gr.Group, Kind: f.gr.Resource, UID: m.GetUID(),
	}}, true, nil
}

func (f *fakeStore) DeleteCollection(ctx context.Context, opts *metav1.DeleteOptions, listOpts *rest.ListOptions) (runtime.Object, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.lastDelete = opts
	var items []runtime.Object
	for k, obj := range f.objs {
		if f.matches(ctx, obj, listOpts) {
			items = append(items, obj)
			delete(f.objs, k)
		}
	}
	list := f.newList()
	if err := storage.SetListItems(list, items); err != nil {
		return nil, err
	}
	return list, nil
}

// noCollectionDelete hides DeleteCollection (like namespaces).
type noCollectionDelete struct {
	*fakeStore
}

func (n noCollectionDelete) DeleteCollection() {}

var _ = fmt.Sprintf

package fake

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"sync"

	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"
	"keel.dev/apimachinery/pkg/watch"
)

// Tracker stores objects by resource, namespace and name, assigns resource
// versions from one counter, and keeps the event history so watches can
// resume from any retained resource version.
type Tracker struct {
	mu       sync.Mutex
	scheme   *runtime.Scheme
	objects  map[schema.GroupVersionResource]map[key]runtime.Object
	rv       int64
	history  []event
	compact  int64
	watchers map[*trackerWatch]struct{}
	uid      int64
}

type key struct{ namespace, name string }

type event struct {
	gvr schema.GroupVersionResource
	typ watch.EventType
	obj runtime.Object
	rv  int64
}

// NewTracker returns an empty tracker for the kinds of scheme.
func NewTracker(scheme *runtime.Scheme) *Tracker {
	return &Tracker{scheme: scheme, objects: map[schema.GroupVersionResource]map[key]runtime.Object{}, watchers: map[*trackerWatch]struct{}{}}
}

// ResourceFor returns the resource serving obj's kind.
func (t *Tracker) ResourceFor(obj runtime.Object) (schema.GroupVersionResource, error) {
	gvk, err := t.scheme.ObjectKind(obj)
	if err != nil {
		return schema.GroupVersionResource{}, err
	}
	ri, ok := t.scheme.ResourceForKind(gvk)
	if !ok {
		return schema.GroupVersionResource{}, fmt.Errorf("no resource serves %v", gvk)
	}
	return ri.GroupVersionResource, nil
}

// Add stores obj as is (creating or replacing), for seeding tests.
func (t *Tracker) Add(obj runtime.Object) error {
	gvr, err := t.ResourceFor(obj)
	if err != nil {
		return err
	}
	m := obj.(metav1.Object)
	t.mu.Lock()
	defer t.mu.Unlock()
	_, exists := t.objects[gvr][key{m.GetNamespace(), m.GetName()}]
	typ := watch.Added
	if exists {
		typ = watch.Modified
	}
	t.store(gvr, obj.DeepCopyObject(), typ)
	return nil
}

// store sets the object's resource version, saves it and notifies watchers;
// t.mu must be held.
func (t *Tracker) store(gvr schema.GroupVersionResource, obj runtime.Object, typ watch.EventType) runtime.Object {
	t.rv++
	m := obj.(metav1.Object)
	m.SetResourceVersion(strconv.FormatInt(t.rv, 10))
	if m.GetUID() == "" && typ == watch.Added {
		t.uid++
		m.SetUID(typesUID(fmt.Sprintf("uid-%d", t.uid)))
	}
	objs := t.objects[gvr]
	if objs == nil {
		objs = map[key]runtime.Object{}
		t.objects[gvr] = objs
	}
	k := key{m.GetNamespace(), m.GetName()}
	if typ == watch.Deleted {
		delete(objs, k)
	} else {
		objs[k] = obj
	}
	ev := event{gvr: gvr, typ: typ, obj: obj, rv: t.rv}
	t.history = append(t.history, ev)
	for w := range t.watchers {
		w.offer(ev)
	}
	return obj.DeepCopyObject()
}

// get returns the stored object (not a copy); t.mu must be held.
func (t *Tracker) get(gvr schema.GroupVersionResource, ns, name string) (runtime.Object, error) {
	obj, ok := t.objects[gvr][key{ns, name}]
	if !ok {
		return nil, apierrors.NewNotFound(gvr.GroupResource(), name)
	}
	return obj, nil
}

// Get returns a copy of the named object.
func (t *Tracker) Get(gvr schema.GroupVersionResource, ns, name string) (runtime.Object, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	obj, err := t.get(gvr, ns, name)
	if err != nil {
		return nil, err
	}
	return obj.DeepCopyObject(), nil
}

// List returns copies of the objects in ns ("" for all), ordered by
// namespace and name, and the current resource version.
func (t *Tracker) List(gvr schema.GroupVersionResource, ns string) ([]runtime.Object, string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	var keys []key
	for k := range t.objects[gvr] {
		if ns == "" || k.namespace == ns {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, func(a, b key) int {
		return cmp.Or(cmp.Compare(a.namespace, b.namespace), cmp.Compare(a.name, b.name))
	})
	out := make([]runtime.Object, len(keys))
	for i, k := range keys {
		out[i] = t.objects[gvr][k].DeepCopyObject()
	}
	return out, strconv.FormatInt(t.rv, 10)
}

// Create stores a new object.
func (t *Tracker) Create(gvr schema.GroupVersionResource, obj runtime.Object) (runtime.Object, error) {
	m := obj.(metav1.Object)
	t.mu.Lock()
	defer t.mu.Unlock()
	if _, err := t.get(gvr, m.GetNamespace(), m.GetName()); err == nil {
		return nil, apierrors.NewAlreadyExists(gvr.GroupResource(), m.GetName())
	}
	if ts := m.GetCreationTimestamp(); ts.IsZero() {
		m.SetCreationTimestamp(metav1.Now())
	}
	return t.store(gvr, obj, watch.Added), nil
}

// Update replaces an object; a non-empty resourceVersion must match.
func (t *Tracker) Update(gvr schema.GroupVersionResource, obj runtime.Object) (runtime.Object, error) {
	m := obj.(metav1.Object)
	t.mu.Lock()
	defer t.mu.Unlock()
	cur, err := t.get(gvr, m.GetNamespace(), m.GetName())
	if err != nil {
		return nil, err
	}
	cm := cur.(metav1.Object)
	if rv := m.GetResourceVersion(); rv != "" && rv != cm.GetResourceVersion() {
		return nil, apierrors.NewConflict(gvr.GroupResource(), m.GetName(), fmt.Errorf("%s", apierrors.OptimisticLockErrorMsg))
	}
	m.SetUID(cm.GetUID())
	m.SetCreationTimestamp(cm.GetCreationTimestamp())
	return t.store(gvr, obj, watch.Modified), nil
}

// Delete removes the named object and returns it.
func (t *Tracker) Delete(gvr schema.GroupVersionResource, ns, name string) (runtime.Object, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	cur, err := t.get(gvr, ns, name)
	if err != nil {
		return nil, err
	}
	return t.store(gvr, cur.DeepCopyObject(), watch.Deleted), nil
}

// Compact forgets the history up to the current resource version, so that
// watches from older versions fail with 410 Gone.
func (t *Tracker) Compact() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.compact = t.rv
	t.history = nil
}

// ResourceVersion returns the current resource version.
func (t *Tracker) ResourceVersion() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return strconv.FormatInt(t.rv, 10)
}

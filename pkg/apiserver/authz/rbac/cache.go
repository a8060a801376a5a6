package rbac

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"

	rbacv1 "keel.dev/api/rbac/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/watch"

	"keel.dev/keel/pkg/apiserver/storage"
)

// ListWatcher reads one resource for the Cache: the current objects with
// the revision they were read at, and the changes after a revision.
type ListWatcher interface {
	List(ctx context.Context) (objs []runtime.Object, rev uint64, err error)
	Watch(ctx context.Context, rev uint64) (watch.Interface, error)
}

// StorageListWatcher reads the objects under the directory key of st (a
// store's key root), from the watch cache when st is one.
func StorageListWatcher(st storage.Interface, key string) ListWatcher {
	return storageLW{st: st, key: key}
}

type storageLW struct {
	st  storage.Interface
	key string
}

// List implements ListWatcher; "0" lets a watch cache answer.
func (s storageLW) List(ctx context.Context) ([]runtime.Object, uint64, error) {
	res, err := s.st.GetList(ctx, s.key, storage.ListOptions{ResourceVersion: "0", Recursive: true})
	if err != nil {
		return nil, 0, err
	}
	return res.Items, res.ResourceVersion, nil
}

// Watch implements ListWatcher.
func (s storageLW) Watch(ctx context.Context, rev uint64) (watch.Interface, error) {
	return s.st.Watch(ctx, s.key, storage.ListOptions{ResourceVersion: strconv.FormatUint(rev, 10), Recursive: true})
}

// ListWatchers are the four RBAC resources a Cache follows.
type ListWatchers struct {
	Roles, RoleBindings, ClusterRoles, ClusterRoleBindings ListWatcher
}

// Cache is a Source kept in memory by listing and watching the RBAC
// resources. Reads wait until every resource has been listed once.
type Cache struct {
	mu           sync.RWMutex
	roles        index[*rbacv1.Role]
	roleBindings index[*rbacv1.RoleBinding]
	clusterRoles index[*rbacv1.ClusterRole]
	crbs         index[*rbacv1.ClusterRoleBinding]

	pending atomic.Int32
	synced  chan struct{}
	log     *slog.Logger
}

var _ Source = (*Cache)(nil)

// NewCache returns an empty cache; Run fills it. log may be nil.
func NewCache(log *slog.Logger) *Cache {
	if log == nil {
		log = slog.Default()
	}
	c := &Cache{synced: make(chan struct{}), log: log}
	c.pending.Store(4)
	return c
}

// Run follows the four resources until ctx ends: each is listed, then
// watched from the list's revision, and listed again whenever its watch
// ends or reports an error. It returns once ctx is done.
func (c *Cache) Run(ctx context.Context, lw ListWatchers) {
	var wg sync.WaitGroup
	for _, f := range []struct {
		name string
		lw   ListWatcher
		s    mutator
	}{
		{"roles", lw.Roles, &c.roles},
		{"rolebindings", lw.RoleBindings, &c.roleBindings},
		{"clusterroles", lw.ClusterRoles, &c.clusterRoles},
		{"clusterrolebindings", lw.ClusterRoleBindings, &c.crbs},
	} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			follower{what: "RBAC policy cache", resource: f.name, lw: f.lw, mu: &c.mu,
				replace: f.s.replace, apply: f.s.apply, listed: firstList(&c.pending, c.synced), log: c.log}.run(ctx)
		}()
	}
	wg.Wait()
}

// Synced is closed once every resource has been listed.
func (c *Cache) Synced() <-chan struct{} { return c.synced }

// WaitForSync waits until the cache is synced or ctx ends.
func (c *Cache) WaitForSync(ctx context.Context) error {
	select {
	case <-c.synced:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("RBAC policy cache not synced: %w", ctx.Err())
	}
}

// ClusterRoleBindings implements Source.
func (c *Cache) ClusterRoleBindings(ctx context.Context) ([]*rbacv1.ClusterRoleBinding, error) {
	if err := c.WaitForSync(ctx); err != nil {
		return nil, err
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.crbs.list(""), nil
}

// RoleBindings implements Source.
func (c *Cache) RoleBindings(ctx context.Context, namespace string) ([]*rbacv1.RoleBinding, error) {
	if err := c.WaitForSync(ctx); err != nil {
		return nil, err
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.roleBindings.list(namespace), nil
}

// ClusterRole implements Source.
func (c *Cache) ClusterRole(ctx context.Context, name string) (*rbacv1.ClusterRole, error) {
	if err := c.WaitForSync(ctx); err != nil {
		return nil, err
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	if r, ok := c.clusterRoles.get("", name); ok {
		return r, nil
	}
	return nil, RoleNotFound("clusterrole", name)
}

// Role implements Source.
func (c *Cache) Role(ctx context.Context, namespace, name string) (*rbacv1.Role, error) {
	if err := c.WaitForSync(ctx); err != nil {
		return nil, err
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	if r, ok := c.roles.get(namespace, name); ok {
		return r, nil
	}
	return nil, RoleNotFound("role", name)
}

// mutator is what the watch loop changes; the Cache's lock is held.
type mutator interface {
	replace(objs []runtime.Object) error
	apply(deleted bool, obj runtime.Object) error
}

// index holds the objects of one kind by namespace ("" for cluster-scoped
// kinds) and name, with a sorted list per namespace that is rebuilt on
// every change, so readers share it without copying.
type index[T interface {
	runtime.Object
	metav1.Object
}] struct {
	byNS  map[string]map[string]T
	lists map[string][]T
}

func (x *index[T]) get(ns, name string) (T, bool) {
	o, ok := x.byNS[ns][name]
	return o, ok
}

func (x *index[T]) list(ns string) []T { return x.lists[ns] }

func (x *index[T]) replace(objs []runtime.Object) error {
	x.byNS, x.lists = map[string]map[string]T{}, map[string][]T{}
	for _, o := range objs {
		t, ok := o.(T)
		if !ok {
			return fmt.Errorf("unexpected object %T", o)
		}
		x.put(t)
	}
	for ns := range x.byNS {
		x.rebuild(ns)
	}
	return nil
}

func (x *index[T]) apply(deleted bool, obj runtime.Object) error {
	t, ok := obj.(T)
	if !ok {
		return fmt.Errorf("unexpected object %T", obj)
	}
	if x.byNS == nil {
		x.byNS, x.lists = map[string]map[string]T{}, map[string][]T{}
	}
	ns := t.GetNamespace()
	if deleted {
		delete(x.byNS[ns], t.GetName())
	} else {
		x.put(t)
	}
	x.rebuild(ns)
	return nil
}

func (x *index[T]) put(t T) {
	ns := t.GetNamespace()
	if x.byNS[ns] == nil {
		x.byNS[ns] = map[string]T{}
	}
	x.byNS[ns][t.GetName()] = t
}

// rebuild publishes a new sorted list of ns; the old one stays valid for
// readers that hold it.
func (x *index[T]) rebuild(ns string) {
	objs := x.byNS[ns]
	if len(objs) == 0 {
		delete(x.byNS, ns)
		delete(x.lists, ns)
		return
	}
	l := make([]T, 0, len(objs))
	for _, o := range objs {
		l = append(l, o)
	}
	sort.Slice(l, func(i, j int) bool { return l[i].GetName() < l[j].GetName() })
	x.lists[ns] = l
}

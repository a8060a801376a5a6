package rbac

import (
	"context"
	"sync"
	"testing"
	"time"

	rbacv1 "keel.dev/api/rbac/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/watch"
)

// fakeLW lists objs and hands each watch out on watches.
type fakeLW struct {
	mu      sync.Mutex
	objs    []runtime.Object
	lists   int
	watches chan *watch.FakeWatcher
}

func newFakeLW(objs ...runtime.Object) *fakeLW {
	return &fakeLW{objs: objs, watches: make(chan *watch.FakeWatcher, 10)}
}

func (f *fakeLW) List(context.Context) ([]runtime.Object, uint64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.lists++
	return append([]runtime.Object(nil), f.objs...), 7, nil
}

func (f *fakeLW) Watch(context.Context, uint64) (watch.Interface, error) {
	w := watch.NewFakeWithChanSize(10)
	f.watches <- w
	return w, nil
}

func (f *fakeLW) set(objs ...runtime.Object) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.objs = objs
}

// nextWatch returns the next watch the cache opened.
func (f *fakeLW) nextWatch(t *testing.T) *watch.FakeWatcher {
	t.Helper()
	select {
	case w := <-f.watches:
		return w
	case <-time.After(10 * time.Second):
		t.Fatal("the cache opened no watch")
		return nil
	}
}

// waitFor polls cond; cache updates arrive asynchronously.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

func crbNames(t *testing.T, c *Cache) []string {
	t.Helper()
	l, err := c.ClusterRoleBindings(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, b := range l {
		names = append(names, b.Name)
	}
	return names
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestCache(t *testing.T) {
	crbs := newFakeLW(crb("b", "view"), crb("a", "view"))
	roles := newFakeLW(&rbacv1.Role{ObjectMeta: meta("team", "r")})
	rbs := newFakeLW(rb("team", "x", "Role", "r"), rb("other", "y", "Role", "r"))
	crs := newFakeLW(&rbacv1.ClusterRole{ObjectMeta: meta("", "view")})
	c := NewCache(nil)

	t.Run("reads wait for the first list", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := c.ClusterRole(ctx, "view"); err == nil {
			t.Fatal("a read before the cache synced succeeded")
		}
	})

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		c.Run(ctx, ListWatchers{Roles: roles, RoleBindings: rbs, ClusterRoles: crs, ClusterRoleBindings: crbs})
	}()
	defer func() { cancel(); <-done }()
	if err := c.WaitForSync(context.Background()); err != nil {
		t.Fatal(err)
	}
	crbWatch := crbs.nextWatch(t)
	rbWatch := rbs.nextWatch(t)
	roleWatch := roles.nextWatch(t)
	crs.nextWatch(t)

	t.Run("the lists are served sorted by name", func(t *testing.T) {
		if got := crbNames(t, c); !equal(got, []string{"a", "b"}) {
			t.Errorf("cluster role bindings = %v", got)
		}
		l, _ := c.RoleBindings(context.Background(), "team")
		if len(l) != 1 || l[0].Name != "x" {
			t.Errorf("team role bindings = %v", l)
		}
		if _, err := c.Role(context.Background(), "team", "r"); err != nil {
			t.Error(err)
		}
		if _, err := c.Role(context.Background(), "other", "r"); err == nil || err.Error() != `role.rbac.authorization.k8s.io "r" not found` {
			t.Errorf("role of another namespace: %v", err)
		}
	})

	t.Run("watch events change the cache", func(t *testing.T) {
		crbWatch.Add(crb("c", "view"))
		waitFor(t, "c is added", func() bool { return equal(crbNames(t, c), []string{"a", "b", "c"}) })
		crbWatch.Delete(crb("a", "view"))
		waitFor(t, "a is deleted", func() bool { return equal(crbNames(t, c), []string{"b", "c"}) })
		roleWatch.Modify(&rbacv1.Role{ObjectMeta: meta("team", "r"), Rules: []rbacv1.PolicyRule{{Verbs: []string{"get"}}}})
		waitFor(t, "the role is modified", func() bool {
			r, err := c.Role(context.Background(), "team", "r")
			return err == nil && len(r.Rules) == 1
		})
		rbWatch.Delete(rb("team", "x", "Role", "r"))
		waitFor(t, "the namespace's last binding is gone", func() bool {
			l, _ := c.RoleBindings(context.Background(), "team")
			return len(l) == 0
		})
	})

	t.Run("a list handed out is not changed by later events", func(t *testing.T) {
		before, _ := c.ClusterRoleBindings(context.Background())
		crbWatch.Add(crb("d", "view"))
		waitFor(t, "d is added", func() bool { return len(crbNames(t, c)) == 3 })
		if len(before) != 2 {
			t.Errorf("the earlier list changed: %v", before)
		}
	})

	t.Run("an ended watch relists", func(t *testing.T) {
		crbs.set(crb("z", "view"))
		crbWatch.Stop()
		crbWatch = crbs.nextWatch(t)
		waitFor(t, "the relist replaces the state", func() bool { return equal(crbNames(t, c), []string{"z"}) })
	})

	t.Run("an error event relists", func(t *testing.T) {
		crbs.set(crb("y", "view"), crb("z", "view"))
		crbWatch.Error(&metav1.Status{Message: "too old resource version: 1 (5)"})
		crbs.nextWatch(t)
		waitFor(t, "the relist replaces the state", func() bool { return equal(crbNames(t, c), []string{"y", "z"}) })
	})
}

package clusterroleaggregation

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	rbacv1 "keel.dev/api/rbac/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/client/fake"
	"keel.dev/client/informers"
	"keel.dev/client/workqueue"
)

// harness is a controller over a fake clientset whose informer has synced.
type harness struct {
	cs   *fake.Clientset
	f    *informers.Factory
	c    *Controller
	ctx  context.Context
	stop func()
}

func newHarness(t *testing.T, objs ...*rbacv1.ClusterRole) *harness {
	t.Helper()
	seed := make([]runtime.Object, len(objs))
	for i, o := range objs {
		seed[i] = o
	}
	cs := fake.NewClientset(seed...)
	f := informers.NewFactory(cs.Clientset, 0)
	c := New(cs.Clientset, f, Options{})
	ctx, cancel := context.WithCancel(context.Background())
	h := &harness{cs: cs, f: f, c: c, ctx: ctx, stop: func() { cancel(); f.Shutdown() }}
	t.Cleanup(h.stop)
	f.Start(ctx)
	// Wait on the handler registration too, so that the initial adds have
	// been handed to the controller before a test looks at its queue.
	if !f.WaitForCacheSync(ctx) || !informers.WaitForCacheSync(ctx, c.synced...) {
		t.Fatal("caches did not sync")
	}
	cs.ClearActions()
	return h
}

// updates counts the clusterrole updates the controller sent.
func (h *harness) updates() int {
	n := 0
	for _, a := range h.cs.Actions() {
		if a.Matches("update", "clusterroles") {
			n++
		}
	}
	return n
}

func (h *harness) stored(t *testing.T, name string) *rbacv1.ClusterRole {
	t.Helper()
	r, err := h.cs.RbacV1().ClusterRoles().Get(context.Background(), name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestSync(t *testing.T) {
	podsRead, svcRead, cmWrite := rule("pods", "get", "list"), rule("services", "get"), rule("configmaps", "create")
	withRules := func(r *rbacv1.ClusterRole, rules ...rbacv1.PolicyRule) *rbacv1.ClusterRole {
		r.Rules = rules
		return r
	}
	view := func() *rbacv1.ClusterRole { return aggregator("view", nil, match("aggregate-to-view", "true")) }
	tests := []struct {
		name        string
		roles       []*rbacv1.ClusterRole
		sync        string
		want        []rbacv1.PolicyRule
		wantUpdates int
	}{
		{
			name:        "an aggregating role gets the union of the selected roles",
			roles:       []*rbacv1.ClusterRole{view(), role("b", toView, svcRead), role("a", toView, podsRead, svcRead), role("c", nil, cmWrite)},
			sync:        "view",
			want:        []rbacv1.PolicyRule{podsRead, svcRead},
			wantUpdates: 1,
		},
		{
			name:        "a role already holding the union is not written",
			roles:       []*rbacv1.ClusterRole{withRules(view(), podsRead, svcRead), role("a", toView, podsRead), role("b", toView, svcRead)},
			sync:        "view",
			want:        []rbacv1.PolicyRule{podsRead, svcRead},
			wantUpdates: 0,
		},
		{
			name:        "a changed source role's new rules replace its old ones",
			roles:       []*rbacv1.ClusterRole{withRules(view(), podsRead), role("a", toView, rule("pods", "get", "list", "watch"))},
			sync:        "view",
			want:        []rbacv1.PolicyRule{rule("pods", "get", "list", "watch")},
			wantUpdates: 1,
		},
		{
			name:        "the rules of a deleted source role are dropped",
			roles:       []*rbacv1.ClusterRole{withRules(view(), podsRead, svcRead), role("b", toView, svcRead)},
			sync:        "view",
			want:        []rbacv1.PolicyRule{svcRead},
			wantUpdates: 1,
		},
		{
			name:        "hand-written rules of an aggregating role that selects itself are replaced",
			roles:       []*rbacv1.ClusterRole{withRules(aggregator("view", toView, match("aggregate-to-view", "true")), cmWrite), role("a", toView, podsRead)},
			sync:        "view",
			want:        []rbacv1.PolicyRule{podsRead},
			wantUpdates: 1,
		},
		{
			name:        "an empty selector list empties the rules",
			roles:       []*rbacv1.ClusterRole{withRules(aggregator("none", nil), podsRead), role("a", toView, svcRead)},
			sync:        "none",
			want:        nil,
			wantUpdates: 1,
		},
		{
			name:        "a role whose aggregationRule was removed keeps its rules",
			roles:       []*rbacv1.ClusterRole{role("view", nil, cmWrite), role("a", toView, podsRead)},
			sync:        "view",
			want:        []rbacv1.PolicyRule{cmWrite},
			wantUpdates: 0,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, tt.roles...)
			if err := h.c.sync(h.ctx, tt.sync); err != nil {
				t.Fatal(err)
			}
			if got := h.updates(); got != tt.wantUpdates {
				t.Errorf("updates = %d, want %d", got, tt.wantUpdates)
			}
			got := h.stored(t, tt.sync).Rules
			if !RulesEqual(got, tt.want) {
				t.Errorf("stored rules = %v, want %v", got, tt.want)
			}
			for _, a := range h.cs.Actions() {
				if a.Matches("update", "clusterroles") && a.Name != tt.sync {
					t.Errorf("updated clusterrole %q, only %q may change", a.Name, tt.sync)
				}
			}
		})
	}
}

func TestSyncOfAMissingRoleIsANoOp(t *testing.T) {
	h := newHarness(t, role("a", toView, rule("pods", "get")))
	if err := h.c.sync(h.ctx, "gone"); err != nil {
		t.Fatal(err)
	}
	if n := len(h.cs.Actions()); n != 0 {
		t.Errorf("actions = %v, want none", h.cs.Actions())
	}
}

func TestSyncRepeatedWritesOnce(t *testing.T) {
	h := newHarness(t, aggregator("view", nil, match("aggregate-to-view", "true")), role("a", toView, rule("pods", "get")))
	if err := h.c.sync(h.ctx, "view"); err != nil {
		t.Fatal(err)
	}
	waitForCachedRules(t, h, "view", []rbacv1.PolicyRule{rule("pods", "get")})
	for range 3 {
		if err := h.c.sync(h.ctx, "view"); err != nil {
			t.Fatal(err)
		}
	}
	if n := h.updates(); n != 1 {
		t.Errorf("updates = %d, want 1", n)
	}
}

func TestSyncOnAStaleCacheConflicts(t *testing.T) {
	h := newHarness(t, aggregator("view", nil, match("aggregate-to-view", "true")), role("a", toView, rule("pods", "get")))
	// Freeze the cache, then change the aggregating role behind its back.
	h.stop()
	cur := h.stored(t, "view")
	cur.Labels = map[string]string{"edited": "true"}
	if _, err := h.cs.RbacV1().ClusterRoles().Update(context.Background(), cur, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	err := h.c.sync(context.Background(), "view")
	if !apierrors.IsConflict(err) {
		t.Fatalf("sync error = %v, want a conflict (so the role is requeued)", err)
	}
	if got := h.stored(t, "view"); got.Labels["edited"] != "true" || len(got.Rules) != 0 {
		t.Errorf("the newer stored role was overwritten: %+v", got)
	}
}

func TestEventsQueueTheAffectedAggregators(t *testing.T) {
	view := aggregator("view", nil, match("aggregate-to-view", "true"))
	edit := aggregator("edit", toView, match("aggregate-to-edit", "true"))
	tests := []struct {
		name   string
		states []*rbacv1.ClusterRole
		want   []string
	}{
		{"a new role queues the aggregators selecting it", []*rbacv1.ClusterRole{role("x", toBoth)}, []string{"edit", "view"}},
		{"a role no aggregator selects queues nothing", []*rbacv1.ClusterRole{role("x", nil)}, nil},
		{"a relabelled role queues the aggregators of its old and new labels", []*rbacv1.ClusterRole{role("x", toView), role("x", toEdit)}, []string{"edit", "view"}},
		{"an aggregating role queues itself and the roles selecting it", []*rbacv1.ClusterRole{edit}, []string{"edit", "view"}},
		{"a deleted aggregating role is queued", []*rbacv1.ClusterRole{aggregator("old", nil)}, []string{"old"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, view, edit)
			h.c.queue = workqueue.New[string]()
			h.c.enqueueAffected(tt.states...)
			var got []string
			for h.c.queue.Len() > 0 {
				k, _ := h.c.queue.Get()
				h.c.queue.Done(k)
				got = append(got, k)
			}
			slices.Sort(got)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("queued (-want +got):\n%s", diff)
			}
		})
	}
}

// TestRunFollowsTheSourceRoles runs the controller against the fake
// apiserver through a relabel and a deletion.
func TestRunFollowsTheSourceRoles(t *testing.T) {
	h := newHarness(t)
	go func() { _ = h.c.Run(h.ctx, 2) }()
	cr := h.cs.RbacV1().ClusterRoles()
	for _, r := range []*rbacv1.ClusterRole{
		aggregator("view", nil, match("aggregate-to-view", "true")),
		role("a", toView, rule("pods", "get")), role("b", toView, rule("services", "get")),
	} {
		if _, err := cr.Create(h.ctx, r, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	waitForRules(t, h, "view", []rbacv1.PolicyRule{rule("pods", "get"), rule("services", "get")})

	a := h.stored(t, "a")
	a.Labels = nil
	if _, err := cr.Update(h.ctx, a, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	waitForRules(t, h, "view", []rbacv1.PolicyRule{rule("services", "get")})

	b := h.stored(t, "b")
	b.Rules = append(b.Rules, rule("endpoints", "list"))
	if _, err := cr.Update(h.ctx, b, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	waitForRules(t, h, "view", []rbacv1.PolicyRule{rule("services", "get"), rule("endpoints", "list")})

	if err := cr.Delete(h.ctx, "b", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	waitForRules(t, h, "view", nil)
}

// waitForRules polls the stored role until it holds want, failing after a
// generous deadline.
func waitForRules(t *testing.T, h *harness, name string, want []rbacv1.PolicyRule) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	var got []rbacv1.PolicyRule
	for time.Now().Before(deadline) {
		r, err := h.cs.RbacV1().ClusterRoles().Get(context.Background(), name, metav1.GetOptions{})
		if err == nil {
			if got = r.Rules; RulesEqual(got, want) {
				return
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("clusterrole %s rules = %v, want %v", name, got, want)
}

// waitForCachedRules polls the informer's copy of the role until it holds
// want, failing after a generous deadline.
func waitForCachedRules(t *testing.T, h *harness, name string, want []rbacv1.PolicyRule) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if r, err := h.c.roles.Get("", name); err == nil && RulesEqual(r.Rules, want) {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("the cache never saw clusterrole %s with rules %v", name, want)
}

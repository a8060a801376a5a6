package namespace

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	corev1 "keel.dev/api/core/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"
	"keel.dev/client/clock"
	"keel.dev/client/fake"
)

// heldPod is a pod marked for deletion that a finalizer keeps.
func heldPod(ns string) *corev1.Pod {
	now := metav1.Now()
	return &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "held", Namespace: ns,
		DeletionTimestamp: &now, Finalizers: []string{"example.com/hold"}}}
}

func TestLaterPassesOnlyCheckWhatRemains(t *testing.T) {
	cs, c := setup(t, terminating("demo"), heldPod("demo"),
		&corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "cm", Namespace: "demo"}})
	// The collection delete answers with what it deleted or marked, as the
	// apiserver does: the held pod stays.
	cs.PrependReactor("deletecollection", "pods", func(fake.Action) (bool, runtime.Object, error) {
		return true, &corev1.PodList{TypeMeta: metav1.TypeMeta{Kind: "PodList", APIVersion: "v1"},
			Items: []corev1.Pod{*heldPod("demo")}}, nil
	})
	ctx := t.Context()
	if after, err := c.sync(ctx, "demo"); err != nil || after <= 0 {
		t.Fatalf("first pass = %v, %v; want content remaining", after, err)
	}
	ns, err := cs.CoreV1().Namespaces().Get(ctx, "demo", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[corev1.NamespaceConditionType]string{
		corev1.NamespaceContentRemaining:    "Some resources are remaining: pods. has 1 resource instances",
		corev1.NamespaceFinalizersRemaining: "Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances",
	}
	for _, cond := range ns.Status.Conditions {
		if msg, ok := want[cond.Type]; ok {
			if cond.Status != corev1.ConditionTrue || cond.Message != msg {
				t.Errorf("%s = %s %q, want True %q", cond.Type, cond.Status, cond.Message, msg)
			}
			delete(want, cond.Type)
		}
	}
	if len(want) > 0 {
		t.Errorf("conditions missing: %v", want)
	}

	cs.ClearActions()
	if after, err := c.sync(ctx, "demo"); err != nil || after <= 0 {
		t.Fatalf("second pass = %v, %v; want content remaining", after, err)
	}
	for _, a := range cs.Actions() {
		if a.Resource.Resource == "namespaces" {
			continue
		}
		if a.Verb != "list" || a.Resource.Resource != "pods" {
			t.Errorf("second pass sent %s %s; only the pods still there need a look", a.Verb, a.Resource)
		}
	}
}

func TestNamespaceRecreatedWithTheSameNameStartsOver(t *testing.T) {
	_, c := setup(t, terminating("demo"))
	st := c.progressOf("demo", "uid-1")
	st.empty[schema.GroupResource{Resource: "pods"}] = true
	if got := c.progressOf("demo", "uid-1"); !got.empty[schema.GroupResource{Resource: "pods"}] {
		t.Error("progress of the same namespace instance was lost")
	}
	if got := c.progressOf("demo", "uid-2"); len(got.empty) != 0 {
		t.Error("a new namespace instance inherited the progress of the old one")
	}
}

func TestNextCheckBacksOffUpToTheDeletionDeadline(t *testing.T) {
	fc := clock.NewFake(time.Unix(1000, 0))
	c := &Controller{clock: fc, recheck: time.Second, maxRecheck: 8 * time.Second}
	tests := []struct {
		name  string
		waits int
		until time.Duration // from now; 0: no deadline known
		want  time.Duration
	}{
		{"first wait is short", 0, 0, time.Second},
		{"doubles while content remains", 2, 0, 4 * time.Second},
		{"capped", 10, 0, 8 * time.Second},
		{"no later than the deadline", 3, 3 * time.Second, 3 * time.Second},
		{"never below the first wait", 3, 100 * time.Millisecond, time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := &progress{waits: tt.waits}
			p := &pass{}
			if tt.until > 0 {
				p.until = fc.Now().Add(tt.until)
			}
			if got := c.nextCheck(st, p); got != tt.want {
				t.Errorf("nextCheck = %s, want %s", got, tt.want)
			}
			if st.waits != tt.waits+1 {
				t.Errorf("waits = %d, want %d", st.waits, tt.waits+1)
			}
		})
	}
}

func TestDiscoveryIsCachedAndRefreshed(t *testing.T) {
	fc := clock.NewFake(time.Unix(1000, 0))
	calls := 0
	var fail error
	pods := Resource{GVR: schema.GroupVersionResource{Version: "v1", Resource: "pods"}}
	d := &discoveryCache{clock: fc, ttl: time.Minute, discover: func(context.Context) ([]Resource, error) {
		calls++
		if fail != nil {
			return nil, fail
		}
		return []Resource{pods}, nil
	}}
	ctx := t.Context()
	for range 3 {
		if got, err := d.get(ctx); err != nil || len(got) != 1 {
			t.Fatalf("get = %v, %v", got, err)
		}
	}
	if calls != 1 {
		t.Errorf("discovery ran %d times within its TTL, want 1", calls)
	}
	fc.Step(2 * time.Minute)
	fail = errors.New("apiserver down")
	got, err := d.get(ctx)
	if calls != 2 {
		t.Errorf("discovery ran %d times after the TTL, want 2", calls)
	}
	if err == nil || len(got) != 1 {
		t.Errorf("failed refresh = %v, %v; want the previous result and the error", got, err)
	}
}

func TestDiscoveryFailureIsReported(t *testing.T) {
	cs, c := setup(t, terminating("demo"))
	c.discovery.discover = func(context.Context) ([]Resource, error) {
		return nil, &DiscoveryError{GroupVersions: []string{"example.com/v1"}}
	}
	if _, err := c.sync(t.Context(), "demo"); err == nil {
		t.Fatal("sync succeeded without knowing what to delete")
	}
	ns, err := cs.CoreV1().Namespaces().Get(t.Context(), "demo", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, cond := range ns.Status.Conditions {
		if cond.Type == corev1.NamespaceDeletionDiscoveryFailure {
			if cond.Status != corev1.ConditionTrue || cond.Reason != "DiscoveryFailed" || !strings.Contains(cond.Message, "example.com/v1") {
				t.Errorf("discovery condition = %+v", cond)
			}
			return
		}
	}
	t.Error("no NamespaceDeletionDiscoveryFailure condition")
}

func TestOrderForDeletionPutsPodsFirst(t *testing.T) {
	got := orderForDeletion([]Resource{
		{GVR: schema.GroupVersionResource{Group: "apps", Version: "v1", Resource: "deployments"}},
		{GVR: schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}},
		{GVR: schema.GroupVersionResource{Version: "v1", Resource: "pods"}},
	})
	var names []string
	for _, r := range got {
		names = append(names, r.GVR.Resource)
	}
	if strings.Join(names, ",") != "pods,configmaps,deployments" {
		t.Errorf("order = %v", names)
	}
}

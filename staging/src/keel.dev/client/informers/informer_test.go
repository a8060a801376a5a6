package informers_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	corev1 "keel.dev/api/core/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/labels"
	"keel.dev/client/fake"
	"keel.dev/client/informers"
)

type seen struct {
	mu  sync.Mutex
	evs []string
}

func (s *seen) add(f string, a ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.evs = append(s.evs, fmt.Sprintf(f, a...))
}

func (s *seen) get() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.evs...)
}

func waitFor(t *testing.T, s *seen, n int) []string {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for len(s.get()) < n {
		if time.Now().After(deadline) {
			t.Fatalf("saw %q, want %d events", s.get(), n)
		}
		time.Sleep(time.Millisecond)
	}
	return s.get()
}

func newPod(ns, name string) *corev1.Pod {
	return &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, Labels: map[string]string{"app": name}}}
}

func TestSharedInformerDeliversTypedAddUpdateDelete(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cs := fake.NewClientset(newPod("ns", "existing"))
	f := informers.NewFactory(cs.Clientset, 0)
	inf := informers.Pods(f)
	if informers.Pods(f) != inf {
		t.Fatal("the factory did not share the informer")
	}
	s := &seen{}
	reg := inf.AddEventHandler(informers.HandlerFuncs[*corev1.Pod]{
		AddFunc:    func(p *corev1.Pod, initial bool) { s.add("add %s %v", p.Name, initial) },
		UpdateFunc: func(o, n *corev1.Pod) { s.add("update %s %s->%s", n.Name, o.Spec.NodeName, n.Spec.NodeName) },
		DeleteFunc: func(p *corev1.Pod) { s.add("delete %s %s", p.Name, p.Spec.NodeName) },
	})
	f.Start(ctx)
	if !informers.WaitForCacheSync(ctx, inf, reg) {
		t.Fatal("cache did not sync")
	}
	pods := cs.CoreV1().Pods("ns")
	p, err := pods.Create(ctx, newPod("ns", "new"), metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	p.Spec.NodeName = "n1"
	if _, err := pods.Update(ctx, p, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := pods.Delete(ctx, "new", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	got := waitFor(t, s, 4)
	want := []string{"add existing true", "add new false", "update new ->n1", "delete new n1"}
	if !slices.Equal(got, want) {
		t.Errorf("handler saw %q, want %q", got, want)
	}
	if _, err := inf.Lister().Namespace("ns").Get("new"); !apierrors.IsNotFound(err) {
		t.Errorf("lister Get of a deleted pod err = %v", err)
	}
	cancel()
	f.Shutdown()
}

func TestListerFiltersByNamespaceAndSelector(t *testing.T) {
	store := informers.NewStore[*corev1.Pod](map[string]informers.IndexFunc[*corev1.Pod]{
		"node": func(p *corev1.Pod) ([]string, error) { return []string{p.Spec.NodeName}, nil },
	})
	for _, p := range []*corev1.Pod{newPod("a", "x"), newPod("a", "y"), newPod("b", "x")} {
		p.Spec.NodeName = "n-" + p.Namespace
		store.Add(p)
	}
	l := informers.NewLister(store, corev1.Resource("pods"))
	sel := labels.SelectorFromSet(labels.Set{"app": "x"})
	cases := []struct {
		name string
		got  func() ([]*corev1.Pod, error)
		want int
	}{
		{"everything in every namespace", func() ([]*corev1.Pod, error) { return l.List(labels.Everything()) }, 3},
		{"a selector in every namespace", func() ([]*corev1.Pod, error) { return l.List(sel) }, 2},
		{"one namespace", func() ([]*corev1.Pod, error) { return l.Namespace("a").List(nil) }, 2},
		{"a selector in one namespace", func() ([]*corev1.Pod, error) { return l.Namespace("b").List(sel) }, 1},
		{"a custom index", func() ([]*corev1.Pod, error) { return store.ByIndex("node", "n-a") }, 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.got()
			if err != nil || len(got) != tc.want {
				t.Errorf("got %d objects (%v), want %d", len(got), err, tc.want)
			}
		})
	}
	if _, err := l.Get("a", "missing"); !apierrors.IsNotFound(err) {
		t.Errorf("Get missing err = %v", err)
	}
	if p, err := l.Namespace("b").Get("x"); err != nil || p.Namespace != "b" {
		t.Errorf("Get b/x = %v, %v", p, err)
	}
	store.Delete("a/x")
	if got, _ := store.ByIndex("node", "n-a"); len(got) != 1 {
		t.Errorf("index not updated on delete: %d", len(got))
	}
}

func TestHandlersAddedLateReplayTheCache(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cs := fake.NewClientset(newPod("ns", "a"), newPod("ns", "b"))
	f := informers.NewFactory(cs.Clientset, 0)
	inf := informers.Pods(f)
	f.Start(ctx)
	if !f.WaitForCacheSync(ctx) {
		t.Fatal("no sync")
	}
	s := &seen{}
	inf.AddEventHandler(informers.HandlerFuncs[*corev1.Pod]{AddFunc: func(p *corev1.Pod, initial bool) { s.add("add %s %v", p.Name, initial) }})
	got := waitFor(t, s, 2)
	slices.Sort(got)
	if !slices.Equal(got, []string{"add a true", "add b true"}) {
		t.Errorf("late handler saw %q", got)
	}
}

func TestFactoryKeysInformersByNamespaceAndTweak(t *testing.T) {
	f := informers.NewFactory(fake.NewClientset().Clientset, 0)
	all := informers.Pods(f)
	ns := informers.Pods(f, informers.InNamespace("x"))
	tw := informers.Pods(f, informers.Tweak("node=a", func(o *metav1.ListOptions) { o.FieldSelector = "spec.nodeName=a" }))
	if all == ns || all == tw || ns == tw {
		t.Error("variants share an informer")
	}
	if informers.Pods(f, informers.InNamespace("x")) != ns {
		t.Error("the same variant was not shared")
	}
}

func TestTransformStripsManagedFieldsFromListedAndWatchedObjects(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	mf := []metav1.ManagedFieldsEntry{{Manager: "kubectl", Operation: metav1.ManagedFieldsOperationApply}}
	listed := newPod("ns", "listed")
	listed.ManagedFields = mf
	cs := fake.NewClientset(listed)
	f := informers.NewFactory(cs.Clientset, 0)
	calls := 0
	var mu sync.Mutex
	inf := informers.Pods(f, informers.Transform(func(p *corev1.Pod) *corev1.Pod {
		mu.Lock()
		calls++
		mu.Unlock()
		p.ManagedFields = nil
		return p
	}))
	s := &seen{}
	inf.AddEventHandler(informers.HandlerFuncs[*corev1.Pod]{
		AddFunc:    func(p *corev1.Pod, _ bool) { s.add("add %s %d", p.Name, len(p.ManagedFields)) },
		UpdateFunc: func(_, n *corev1.Pod) { s.add("update %s %d", n.Name, len(n.ManagedFields)) },
		DeleteFunc: func(p *corev1.Pod) { s.add("delete %s %d", p.Name, len(p.ManagedFields)) },
	})
	f.Start(ctx)
	if !informers.WaitForCacheSync(ctx, inf) {
		t.Fatal("cache did not sync")
	}
	pods := cs.CoreV1().Pods("ns")
	watched := newPod("ns", "watched")
	watched.ManagedFields = mf
	p, err := pods.Create(ctx, watched, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	p.Labels["v"] = "2"
	p.ManagedFields = mf
	if _, err := pods.Update(ctx, p, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := pods.Delete(ctx, "watched", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	got := waitFor(t, s, 4)
	want := []string{"add listed 0", "add watched 0", "update watched 0", "delete watched 0"}
	if !slices.Equal(got, want) {
		t.Errorf("handler saw %q, want %q", got, want)
	}
	objs, err := inf.Lister().List(labels.Everything())
	if err != nil {
		t.Fatal(err)
	}
	if len(objs) != 1 || objs[0].Name != "listed" {
		t.Fatalf("lister has %d objects, want only the listed pod", len(objs))
	}
	for _, o := range objs {
		if len(o.ManagedFields) != 0 {
			t.Errorf("lister's %s kept %d managedFields entries", o.Name, len(o.ManagedFields))
		}
	}
	mu.Lock()
	if calls < 4 {
		t.Errorf("transform ran %d times, want at least 4 (list, add, update, delete)", calls)
	}
	mu.Unlock()
	cancel()
	f.Shutdown()
}

func TestTransformOfTheWrongKindPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("NewInformer accepted a transform of another kind")
		}
	}()
	informers.Pods(informers.NewFactory(fake.NewClientset().Clientset, 0),
		informers.Transform(func(n *corev1.Node) *corev1.Node { return n }))
}

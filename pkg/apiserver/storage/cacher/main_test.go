package cacher_test

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/watch"
	"keel.dev/keel/pkg/apiserver/storage"
	"keel.dev/keel/pkg/apiserver/storage/cacher"
	"keel.dev/keel/pkg/apiserver/storage/etcd3"
	"keel.dev/keel/pkg/apiserver/storage/storagetest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	storagetest.Shutdown()
	os.Exit(code)
}

type widget = storagetest.Widget

// nodeIndex indexes widgets by spec.node.
func nodeIndex(obj runtime.Object) string { return obj.(*widget).Spec.Node }

// startCacher runs a Cacher of /widgets over a fresh prefix until the test ends.
func startCacher(t testing.TB, tune func(*cacher.Config)) (*cacher.Cacher, *etcd3.Store) {
	t.Helper()
	s := storagetest.Store(t)
	cfg := cacher.Config{Storage: s, ResourcePrefix: "/widgets",
		Indexers: map[string]cacher.IndexFunc{"spec.node": nodeIndex}}
	if tune != nil {
		tune(&cfg)
	}
	c, err := cacher.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	go c.Run(ctx)
	select {
	case <-c.Ready():
	case <-time.After(10 * time.Second):
		t.Fatal("cacher not ready")
	}
	return c, s
}

func create(t testing.TB, s storage.Interface, ns, name string, mutate func(*widget)) *widget {
	t.Helper()
	w := storagetest.MakeWidget(ns, name, nil)
	if mutate != nil {
		mutate(w)
	}
	out, err := s.Create(context.Background(), "/widgets/"+ns+"/"+name, w, storage.CreateOptions{})
	if err != nil {
		t.Fatalf("create %s/%s: %v", ns, name, err)
	}
	return out.(*widget)
}

func onNode(n string) func(*widget) { return func(w *widget) { w.Spec.Node = n } }

func next(t testing.TB, w watch.Interface) watch.Event {
	t.Helper()
	select {
	case ev, ok := <-w.ResultChan():
		if !ok {
			t.Fatal("watch closed")
		}
		return ev
	case <-time.After(10 * time.Second):
		t.Fatal("no event within 10s")
	}
	return watch.Event{}
}

func describe(ev watch.Event) string {
	switch ev.Type {
	case watch.Error:
		return fmt.Sprintf("ERROR %v", storage.EventError(ev))
	case watch.Bookmark:
		return "BOOKMARK"
	}
	return fmt.Sprintf("%s %s", ev.Type, ev.Object.(*widget).Name)
}

func rvOf(t testing.TB, obj runtime.Object) uint64 {
	t.Helper()
	rv, err := storage.ObjectResourceVersion(obj)
	if err != nil {
		t.Fatal(err)
	}
	return rv
}

func names(items []runtime.Object) string {
	var out []string
	for _, it := range items {
		out = append(out, it.(*widget).Name)
	}
	return fmt.Sprint(out)
}

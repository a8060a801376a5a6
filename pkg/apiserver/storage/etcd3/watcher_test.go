package etcd3_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/watch"
	"keel.dev/keel/pkg/apiserver/storage"
	"keel.dev/keel/pkg/apiserver/storage/etcd3"
	"keel.dev/keel/pkg/apiserver/storage/storagetest"
)

// next returns the next event or fails after a timeout.
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
	if ev.Type == watch.Error {
		return fmt.Sprintf("ERROR %v", storage.EventError(ev))
	}
	return fmt.Sprintf("%s %s", ev.Type, ev.Object.(*widget).Name)
}

func TestWatchFromResourceVersion(t *testing.T) {
	s := storagetest.Store(t)
	ctx := context.Background()
	start := mustCreate(t, s, "ns", "before", nil)
	w, err := s.Watch(ctx, "/widgets", storage.ListOptions{Recursive: true, ResourceVersion: start.ResourceVersion})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	mustCreate(t, s, "ns", "a", nil)
	if _, err := s.GuaranteedUpdate(ctx, "/widgets/ns/a", storage.UpdateOptions{}, setColor("red")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Delete(ctx, "/widgets/ns/before", storage.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	want := []string{"ADDED a", "MODIFIED a", "DELETED before"}
	var lastRV uint64
	for i, wantEv := range want {
		ev := next(t, w)
		if got := describe(ev); got != wantEv {
			t.Fatalf("event %d: got %s, want %s", i, got, wantEv)
		}
		rv := rvOf(t, ev.Object)
		if rv <= lastRV {
			t.Fatalf("event %d rv %d not after %d", i, rv, lastRV)
		}
		lastRV = rv
	}
	t.Run("Stop closes the result channel", func(t *testing.T) {
		w.Stop()
		for {
			select {
			case _, ok := <-w.ResultChan():
				if !ok {
					return
				}
			case <-time.After(5 * time.Second):
				t.Fatal("result channel still open after Stop")
			}
		}
	})
}

func TestWatchWithPredicate(t *testing.T) {
	s := storagetest.Store(t)
	ctx := context.Background()
	start := mustCreate(t, s, "ns", "x", map[string]string{"color": "red"})
	w, err := s.Watch(ctx, "/widgets", storage.ListOptions{Recursive: true, ResourceVersion: start.ResourceVersion,
		Predicate: colorIs("red")})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	relabel := func(c string) storage.UpdateFunc {
		return func(cur runtime.Object) (runtime.Object, error) {
			cur.(*widget).Labels = map[string]string{"color": c}
			return cur, nil
		}
	}
	mustCreate(t, s, "ns", "blue", map[string]string{"color": "blue"})
	s.GuaranteedUpdate(ctx, "/widgets/ns/blue", storage.UpdateOptions{}, relabel("red"))
	s.GuaranteedUpdate(ctx, "/widgets/ns/x", storage.UpdateOptions{}, relabel("green"))
	for i, want := range []string{"ADDED blue", "DELETED x"} {
		if got := describe(next(t, w)); got != want {
			t.Fatalf("event %d: got %s, want %s", i, got, want)
		}
	}
}

func TestWatchInitialEvents(t *testing.T) {
	s := storagetest.Store(t)
	ctx := context.Background()
	mustCreate(t, s, "ns", "a", nil)
	mustCreate(t, s, "ns", "b", nil)
	yes := true
	w, err := s.Watch(ctx, "/widgets", storage.ListOptions{Recursive: true, SendInitialEvents: &yes, AllowWatchBookmarks: true})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	for _, want := range []string{"ADDED a", "ADDED b"} {
		if got := describe(next(t, w)); got != want {
			t.Fatalf("got %s, want %s", got, want)
		}
	}
	bm := next(t, w)
	if bm.Type != watch.Bookmark || bm.Object.(*widget).Annotations["k8s.io/initial-events-end"] != "true" {
		t.Fatalf("got %v %+v", bm.Type, bm.Object)
	}
	mustCreate(t, s, "ns", "c", nil)
	if got := describe(next(t, w)); got != "ADDED c" {
		t.Fatalf("got %s", got)
	}
}

func TestWatchFromCompactedRevisionIsExpired(t *testing.T) {
	s := storagetest.Store(t)
	ctx := context.Background()
	old := mustCreate(t, s, "ns", "a", nil)
	mustCreate(t, s, "ns", "b", nil)
	mustCreate(t, s, "ns", "c", nil)
	cur, _ := s.CurrentRevision(ctx)
	if err := etcd3.Compact(ctx, s.Client(), cur); err != nil {
		t.Fatal(err)
	}
	w, err := s.Watch(ctx, "/widgets", storage.ListOptions{Recursive: true, ResourceVersion: old.ResourceVersion})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	ev := next(t, w)
	if ev.Type != watch.Error || !storage.IsExpired(storage.EventError(ev)) {
		t.Fatalf("got %s", describe(ev))
	}
}

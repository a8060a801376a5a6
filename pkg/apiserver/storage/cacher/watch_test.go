package cacher_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/watch"
	"keel.dev/keel/pkg/apiserver/storage"
	"keel.dev/keel/pkg/apiserver/storage/cacher"
	"keel.dev/keel/pkg/apiserver/storage/storagetest"
)

func setNode(n string) storage.UpdateFunc {
	return func(cur runtime.Object) (runtime.Object, error) {
		cur.(*widget).Spec.Node = n
		return cur, nil
	}
}

func TestWatchFromResourceVersion(t *testing.T) {
	c, _ := startCacher(t, nil)
	ctx := context.Background()
	start := create(t, c, "ns", "before", nil)
	w, err := c.Watch(ctx, "/widgets", storage.ListOptions{Recursive: true, ResourceVersion: start.ResourceVersion})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	create(t, c, "ns", "a", nil)
	if _, err := c.GuaranteedUpdate(ctx, "/widgets/ns/a", storage.UpdateOptions{}, setNode("n9")); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Delete(ctx, "/widgets/ns/before", storage.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	var last uint64
	for i, want := range []string{"ADDED a", "MODIFIED a", "DELETED before"} {
		ev := next(t, w)
		if got := describe(ev); got != want {
			t.Fatalf("event %d: got %s, want %s", i, got, want)
		}
		if rv := rvOf(t, ev.Object); rv <= last {
			t.Fatalf("event %d at %d, not after %d", i, rv, last)
		} else {
			last = rv
		}
	}
	t.Run("a second watch from the same version replays the same events", func(t *testing.T) {
		w2, err := c.Watch(ctx, "/widgets", storage.ListOptions{Recursive: true, ResourceVersion: start.ResourceVersion})
		if err != nil {
			t.Fatal(err)
		}
		defer w2.Stop()
		for i, want := range []string{"ADDED a", "MODIFIED a", "DELETED before"} {
			if got := describe(next(t, w2)); got != want {
				t.Fatalf("event %d: got %s, want %s", i, got, want)
			}
		}
	})
}

func TestWatchFromTooOldVersionIsExpired(t *testing.T) {
	c, _ := startCacher(t, func(cfg *cacher.Config) { cfg.MinEvents, cfg.MaxEvents = 1, 2 })
	first := create(t, c, "ns", "w0", nil)
	var last *widget
	for i := 1; i < 5; i++ {
		last = create(t, c, "ns", fmt.Sprint("w", i), nil)
	}
	// Let the cache see the writes.
	if _, err := c.GetList(context.Background(), "/widgets", storage.ListOptions{Recursive: true,
		ResourceVersion: last.ResourceVersion, ResourceVersionMatch: metav1.ResourceVersionMatchNotOlderThan}); err != nil {
		t.Fatal(err)
	}
	w, err := c.Watch(context.Background(), "/widgets", storage.ListOptions{Recursive: true, ResourceVersion: first.ResourceVersion})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	ev := next(t, w)
	if ev.Type != watch.Error || !storage.IsExpired(storage.EventError(ev)) {
		t.Fatalf("got %s", describe(ev))
	}
}

func TestWatchInitialEvents(t *testing.T) {
	ctx := context.Background()
	yes := true
	cases := []struct {
		name    string
		opts    storage.ListOptions
		wantEnd bool
	}{
		{"a streaming list ends its initial events with an annotated bookmark",
			storage.ListOptions{SendInitialEvents: &yes, AllowWatchBookmarks: true,
				ResourceVersionMatch: metav1.ResourceVersionMatchNotOlderThan}, true},
		{"a watch at resourceVersion 0 starts with the state and no end bookmark",
			storage.ListOptions{ResourceVersion: "0"}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, _ := startCacher(t, nil)
			create(t, c, "ns", "a", nil)
			b := create(t, c, "ns", "b", nil)
			// Let the cache see both writes: "0" may serve any older state.
			if _, err := c.GetList(ctx, "/widgets", storage.ListOptions{Recursive: true, ResourceVersion: b.ResourceVersion,
				ResourceVersionMatch: metav1.ResourceVersionMatchNotOlderThan}); err != nil {
				t.Fatal(err)
			}
			tc.opts.Recursive = true
			w, err := c.Watch(ctx, "/widgets", tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			defer w.Stop()
			for _, want := range []string{"ADDED a", "ADDED b"} {
				if got := describe(next(t, w)); got != want {
					t.Fatalf("got %s, want %s", got, want)
				}
			}
			if tc.wantEnd {
				bm := next(t, w)
				if bm.Type != watch.Bookmark || bm.Object.(*widget).Annotations[metav1.InitialEventsAnnotationKey] != "true" ||
					bm.Object.(*widget).ResourceVersion == "" {
					t.Fatalf("got %s %+v", bm.Type, bm.Object)
				}
			}
			name := fmt.Sprint("later-", tc.wantEnd)
			create(t, c, "ns", name, nil)
			if got := describe(next(t, w)); got != "ADDED "+name {
				t.Fatalf("got %s", got)
			}
		})
	}
}

func TestBookmarksArriveWhenIdle(t *testing.T) {
	c, _ := startCacher(t, func(cfg *cacher.Config) { cfg.BookmarkInterval = 100 * time.Millisecond })
	start := create(t, c, "ns", "a", nil)
	w, err := c.Watch(context.Background(), "/widgets", storage.ListOptions{Recursive: true,
		ResourceVersion: start.ResourceVersion, AllowWatchBookmarks: true})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	// A write elsewhere moves etcd's revision; the bookmark must follow it.
	other := storagetest.Store(t)
	elsewhere, err := other.Create(context.Background(), "/gadgets/x", storagetest.MakeWidget("", "x", nil), storage.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.After(5 * time.Second)
	for {
		select {
		case ev := <-w.ResultChan():
			if ev.Type != watch.Bookmark {
				t.Fatalf("got %s", describe(ev))
			}
			if rvOf(t, ev.Object) >= rvOf(t, elsewhere) {
				return
			}
		case <-deadline:
			t.Fatal("no bookmark at the newest revision within 5s")
		}
	}
}

func TestWatchPredicateAndIndex(t *testing.T) {
	c, _ := startCacher(t, nil)
	ctx := context.Background()
	start := create(t, c, "ns", "x", onNode("n1"))
	pred := storage.Predicate{
		Match:      func(o runtime.Object) bool { return o.(*widget).Spec.Node == "n1" },
		IndexHints: map[string]string{"spec.node": "n1"},
	}
	for _, hinted := range []bool{true, false} {
		t.Run(fmt.Sprintf("with index hints %v the watcher sees objects enter and leave its selection", hinted), func(t *testing.T) {
			p := pred
			if !hinted {
				p.IndexHints = nil
			}
			w, err := c.Watch(ctx, "/widgets", storage.ListOptions{Recursive: true, ResourceVersion: start.ResourceVersion, Predicate: p})
			if err != nil {
				t.Fatal(err)
			}
			defer w.Stop()
			want := []string{"ADDED y", "DELETED x"}
			if !hinted {
				// Replayed from history: the moves of the first subtest.
				want = []string{"ADDED y", "DELETED x", "ADDED y2", "DELETED y2"}
			} else {
				create(t, c, "ns", "y", onNode("n2"))
				create(t, c, "ns", "other", onNode("n3"))
				c.GuaranteedUpdate(ctx, "/widgets/ns/y", storage.UpdateOptions{}, setNode("n1"))
				c.GuaranteedUpdate(ctx, "/widgets/ns/x", storage.UpdateOptions{}, setNode("n2"))
				create(t, c, "ns", "y2", onNode("n1"))
				c.Delete(ctx, "/widgets/ns/y2", storage.DeleteOptions{})
				want = append(want, "ADDED y2", "DELETED y2")
			}
			for i, wnt := range want {
				ev := next(t, w)
				if got := describe(ev); got != wnt {
					t.Fatalf("event %d: got %s, want %s", i, got, wnt)
				}
				if wnt == "DELETED x" && ev.Object.(*widget).Spec.Node != "n1" {
					t.Fatal("a watcher losing an object should see its last matching state")
				}
			}
		})
	}
}

func TestSlowWatcherIsTerminatedWithoutBlockingOthers(t *testing.T) {
	c, _ := startCacher(t, func(cfg *cacher.Config) { cfg.WatcherQueue = 5 })
	ctx := context.Background()
	start := create(t, c, "ns", "start", nil)
	opts := storage.ListOptions{Recursive: true, ResourceVersion: start.ResourceVersion}
	slow, err := c.Watch(ctx, "/widgets", opts)
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Stop()
	fast, err := c.Watch(ctx, "/widgets", opts)
	if err != nil {
		t.Fatal(err)
	}
	defer fast.Stop()
	const n = 60
	received := make(chan int, 1)
	go func() {
		count := 0
		for range fast.ResultChan() {
			count++
			if count == n {
				break
			}
		}
		received <- count
	}()
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			for j := 0; j < n/4; j++ {
				create(t, c, "ns", fmt.Sprintf("w-%d-%d", i, j), nil)
			}
		}(i)
	}
	wg.Wait()
	select {
	case got := <-received:
		if got != n {
			t.Fatalf("fast watcher got %d events, want %d", got, n)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("fast watcher blocked")
	}
	count := 0
	timeout := time.After(5 * time.Second)
	for {
		select {
		case _, ok := <-slow.ResultChan():
			if !ok {
				if count >= n {
					t.Fatalf("slow watcher got all %d events, not terminated", count)
				}
				if got := c.WatcherCount(); got != 1 {
					t.Fatalf("%d watchers registered after the slow one ended, want 1", got)
				}
				fast.Stop()
				waitFor(t, func() bool { return c.WatcherCount() == 0 })
				return
			}
			count++
		case <-timeout:
			t.Fatal("slow watcher still open")
		}
	}
}

func TestConcurrentUpdatesThroughTheCacheLoseNothing(t *testing.T) {
	c, _ := startCacher(t, nil)
	ctx := context.Background()
	create(t, c, "ns", "counter", nil)
	const workers, each = 20, 5
	var wg sync.WaitGroup
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < each; j++ {
				_, err := c.GuaranteedUpdate(ctx, "/widgets/ns/counter", storage.UpdateOptions{},
					func(cur runtime.Object) (runtime.Object, error) {
						cur.(*widget).Spec.Count++
						return cur, nil
					})
				if err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	got, err := c.Get(ctx, "/widgets/ns/counter", storage.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if n := got.(*widget).Spec.Count; n != workers*each {
		t.Fatalf("count = %d, want %d", n, workers*each)
	}
}

// waitFor polls cond for up to 5s.
func waitFor(t testing.TB, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatal("condition not met within 5s")
}

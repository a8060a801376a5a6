package cacher_test

import (
	"context"
	"testing"
	"time"

	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/keel/pkg/apiserver/storage"
	"keel.dev/keel/pkg/apiserver/storage/cacher"
	"keel.dev/keel/pkg/apiserver/storage/etcd3"
)

func TestListFromCache(t *testing.T) {
	c, _ := startCacher(t, nil)
	ctx := context.Background()
	var last *widget
	for _, n := range []string{"c", "a", "e", "b", "d"} {
		node := "n1"
		if n == "b" || n == "d" {
			node = "n2"
		}
		last = create(t, c, "ns", n, onNode(node))
	}
	create(t, c, "other", "z", nil)
	cases := []struct {
		name      string
		key       string
		opts      storage.ListOptions
		want      string
		continues bool
	}{
		{"a list not older than the last write has every object in key order", "/widgets/ns",
			storage.ListOptions{Recursive: true, ResourceVersion: last.ResourceVersion, ResourceVersionMatch: metav1.ResourceVersionMatchNotOlderThan},
			"[a b c d e]", false},
		{"a consistent list sees every write", "/widgets",
			storage.ListOptions{Recursive: true}, "[a b c d e z]", false},
		{"a list at resourceVersion 0 with a limit returns a page and a continue token", "/widgets",
			storage.ListOptions{Recursive: true, ResourceVersion: "0", Limit: 2}, "[a b]", true},
		{"an index hint narrows the list to one node", "/widgets",
			storage.ListOptions{Recursive: true, ResourceVersion: "0", Predicate: storage.Predicate{
				Match:      func(o runtime.Object) bool { return o.(*widget).Spec.Node == "n2" },
				IndexHints: map[string]string{"spec.node": "n2"}}}, "[b d]", false},
		{"a single key lists one object", "/widgets/ns/c",
			storage.ListOptions{ResourceVersion: "0"}, "[c]", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, err := c.GetList(ctx, tc.key, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			if got := names(res.Items); got != tc.want {
				t.Fatalf("got %s, want %s", got, tc.want)
			}
			if (res.Continue != "") != tc.continues {
				t.Fatalf("continue %q", res.Continue)
			}
			if res.ResourceVersion < rvOf(t, last) {
				t.Fatalf("list rv %d older than %s", res.ResourceVersion, last.ResourceVersion)
			}
		})
	}
	t.Run("a continue token from the cache resumes from etcd", func(t *testing.T) {
		first, err := c.GetList(ctx, "/widgets", storage.ListOptions{Recursive: true, ResourceVersion: "0", Limit: 4})
		if err != nil {
			t.Fatal(err)
		}
		if first.RemainingItemCount == nil || *first.RemainingItemCount != 2 {
			t.Fatalf("remaining %v", first.RemainingItemCount)
		}
		rest, err := c.GetList(ctx, "/widgets", storage.ListOptions{Recursive: true, Continue: first.Continue})
		if err != nil {
			t.Fatal(err)
		}
		if got := names(rest.Items); got != "[e z]" || rest.ResourceVersion != first.ResourceVersion {
			t.Fatalf("got %s at %d", got, rest.ResourceVersion)
		}
	})
	t.Run("get at resourceVersion 0 serves the cached object", func(t *testing.T) {
		obj, err := c.Get(ctx, "/widgets/ns/a", storage.GetOptions{ResourceVersion: last.ResourceVersion})
		if err != nil || obj.(*widget).Name != "a" {
			t.Fatalf("got %v %v", obj, err)
		}
		if _, err := c.Get(ctx, "/widgets/ns/nope", storage.GetOptions{ResourceVersion: "0"}); !storage.IsNotFound(err) {
			t.Fatalf("got %v", err)
		}
	})
}

func TestNotOlderThanWaitsForTheCache(t *testing.T) {
	c, s := startCacher(t, func(cfg *cacher.Config) { cfg.FreshnessTimeout = 500 * time.Millisecond })
	ctx := context.Background()
	w := create(t, c, "ns", "a", nil)
	future := storage.FormatResourceVersion(rvOf(t, w) + 1)
	t.Run("a list of a revision not yet reached returns once it is", func(t *testing.T) {
		done := make(chan *storage.ListResult, 1)
		go func() {
			res, err := c.GetList(ctx, "/widgets", storage.ListOptions{Recursive: true, ResourceVersion: future,
				ResourceVersionMatch: metav1.ResourceVersionMatchNotOlderThan})
			if err != nil {
				t.Error(err)
			}
			done <- res
		}()
		time.Sleep(50 * time.Millisecond)
		create(t, s, "ns", "b", nil)
		select {
		case res := <-done:
			if res == nil || names(res.Items) != "[a b]" {
				t.Fatalf("got %v", res)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("list did not return")
		}
	})
	t.Run("a revision never reached times out with TooLargeResourceVersion", func(t *testing.T) {
		_, err := c.GetList(ctx, "/widgets", storage.ListOptions{Recursive: true, ResourceVersion: "999999999",
			ResourceVersionMatch: metav1.ResourceVersionMatchNotOlderThan})
		if !storage.IsTooLargeResourceVersion(err) {
			t.Fatalf("got %v", err)
		}
	})
}

func TestPagingThroughTheCache(t *testing.T) {
	c, s := startCacher(t, nil)
	ctx := context.Background()
	var last *widget
	for _, n := range []string{"a", "b", "c", "d", "e", "f"} {
		last = create(t, c, "ns", n, nil)
	}
	sync := storage.ListOptions{Recursive: true, ResourceVersion: last.ResourceVersion,
		ResourceVersionMatch: metav1.ResourceVersionMatchNotOlderThan}
	if _, err := c.GetList(ctx, "/widgets", sync); err != nil {
		t.Fatal(err)
	}
	pages := func(t *testing.T, between func(page int)) (string, uint64) {
		t.Helper()
		opts := storage.ListOptions{Recursive: true, Limit: 2}
		var all []runtime.Object
		var rv uint64
		for page := 0; ; page++ {
			res, err := c.GetList(ctx, "/widgets", opts)
			if err != nil {
				t.Fatal(err)
			}
			if rv == 0 {
				rv = res.ResourceVersion
			} else if res.ResourceVersion != rv {
				t.Fatalf("page %d at %d, first at %d", page, res.ResourceVersion, rv)
			}
			all = append(all, res.Items...)
			if res.Continue == "" {
				return names(all), rv
			}
			between(page)
			opts.Continue = res.Continue
		}
	}
	t.Run("consistent pages walk the whole state", func(t *testing.T) {
		got, _ := pages(t, func(int) {})
		if got != "[a b c d e f]" {
			t.Fatalf("got %s", got)
		}
	})
	t.Run("writes between pages do not show in later pages", func(t *testing.T) {
		got, _ := pages(t, func(page int) {
			if page == 0 {
				// Behind the cursor and ahead of it.
				create(t, s, "ns", "a2", nil)
				create(t, s, "ns", "e2", nil)
				c.Delete(ctx, "/widgets/ns/f", storage.DeleteOptions{})
			}
		})
		if got != "[a b c d e f]" {
			t.Fatalf("got %s", got)
		}
	})
	t.Run("a continue token of a compacted revision is expired", func(t *testing.T) {
		first, err := c.GetList(ctx, "/widgets", storage.ListOptions{Recursive: true, Limit: 2})
		if err != nil {
			t.Fatal(err)
		}
		w := create(t, s, "other", "x", nil)
		if err := etcd3.Compact(ctx, s.Client(), int64(rvOf(t, w))); err != nil {
			t.Fatal(err)
		}
		_, err = c.GetList(ctx, "/widgets", storage.ListOptions{Recursive: true, Limit: 2, Continue: first.Continue})
		if !storage.IsExpired(err) {
			t.Fatalf("got %v, want Expired", err)
		}
	})
}

package etcd3_test

import (
	"context"
	"fmt"
	"testing"

	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/keel/pkg/apiserver/storage"
	"keel.dev/keel/pkg/apiserver/storage/etcd3"
	"keel.dev/keel/pkg/apiserver/storage/storagetest"
)

func names(items []runtime.Object) []string {
	var out []string
	for _, it := range items {
		out = append(out, it.(*widget).Name)
	}
	return out
}

func colorIs(c string) storage.Predicate {
	return storage.Predicate{Match: func(o runtime.Object) bool { return o.(*widget).Labels["color"] == c }}
}

func TestListPaging(t *testing.T) {
	s := storagetest.Store(t)
	ctx := context.Background()
	for i := 0; i < 10; i++ {
		color := "red"
		if i%2 == 1 {
			color = "blue"
		}
		mustCreate(t, s, "ns", fmt.Sprintf("w%02d", i), map[string]string{"color": color})
	}
	mustCreate(t, s, "zz", "other", nil)

	t.Run("an unlimited list returns every object in key order", func(t *testing.T) {
		res, err := s.GetList(ctx, "/widgets/ns", storage.ListOptions{Recursive: true})
		if err != nil {
			t.Fatal(err)
		}
		if got := names(res.Items); len(got) != 10 || got[0] != "w00" || got[9] != "w09" {
			t.Fatalf("got %v", got)
		}
		if res.Continue != "" || res.ResourceVersion == 0 {
			t.Fatalf("continue %q rv %d", res.Continue, res.ResourceVersion)
		}
	})
	t.Run("pages of 3 walk every object once with a stable resourceVersion", func(t *testing.T) {
		var all []string
		opts := storage.ListOptions{Recursive: true, Limit: 3}
		var rv uint64
		pages := 0
		for {
			res, err := s.GetList(ctx, "/widgets", opts)
			if err != nil {
				t.Fatal(err)
			}
			pages++
			if rv == 0 {
				rv = res.ResourceVersion
				if res.RemainingItemCount == nil || *res.RemainingItemCount != 8 {
					t.Fatalf("remaining %v, want 8", res.RemainingItemCount)
				}
				// Writes between pages must not show up.
				mustCreate(t, s, "ns", "w05a", nil)
			} else if res.ResourceVersion != rv {
				t.Fatalf("page rv %d, first %d", res.ResourceVersion, rv)
			}
			all = append(all, names(res.Items)...)
			if res.Continue == "" {
				break
			}
			opts.Continue = res.Continue
		}
		if len(all) != 11 || pages != 4 || all[10] != "other" {
			t.Fatalf("got %d pages: %v", pages, all)
		}
	})
	t.Run("a filtered limited list fills its page across batches", func(t *testing.T) {
		res, err := s.GetList(ctx, "/widgets/ns", storage.ListOptions{Recursive: true, Limit: 2, Predicate: colorIs("blue")})
		if err != nil {
			t.Fatal(err)
		}
		if got := names(res.Items); fmt.Sprint(got) != "[w01 w03]" || res.Continue == "" || res.RemainingItemCount != nil {
			t.Fatalf("got %v continue %q remaining %v", got, res.Continue, res.RemainingItemCount)
		}
		res, err = s.GetList(ctx, "/widgets/ns", storage.ListOptions{Recursive: true, Limit: 2, Predicate: colorIs("blue"), Continue: res.Continue})
		if err != nil {
			t.Fatal(err)
		}
		if got := names(res.Items); fmt.Sprint(got) != "[w05 w07]" {
			t.Fatalf("second page %v", got)
		}
	})
	t.Run("a continue token of another directory is refused", func(t *testing.T) {
		_, err := s.GetList(ctx, "/widgets", storage.ListOptions{Recursive: true, Continue: "garbage!"})
		if !storage.IsInvalidArgument(err) {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("a continue token with a resourceVersion is refused", func(t *testing.T) {
		res, _ := s.GetList(ctx, "/widgets", storage.ListOptions{Recursive: true, Limit: 1})
		_, err := s.GetList(ctx, "/widgets", storage.ListOptions{Recursive: true, Continue: res.Continue, ResourceVersion: "5"})
		if !storage.IsInvalidArgument(err) {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("an exact resourceVersion lists the past state", func(t *testing.T) {
		before, _ := s.GetList(ctx, "/widgets/ns", storage.ListOptions{Recursive: true})
		mustCreate(t, s, "ns", "later", nil)
		res, err := s.GetList(ctx, "/widgets/ns", storage.ListOptions{Recursive: true,
			ResourceVersion: storage.FormatResourceVersion(before.ResourceVersion), ResourceVersionMatch: metav1.ResourceVersionMatchExact})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Items) != len(before.Items) || res.ResourceVersion != before.ResourceVersion {
			t.Fatalf("got %d items at %d, want %d at %d", len(res.Items), res.ResourceVersion, len(before.Items), before.ResourceVersion)
		}
	})
	t.Run("a list not older than a future revision is TooLargeResourceVersion", func(t *testing.T) {
		_, err := s.GetList(ctx, "/widgets", storage.ListOptions{Recursive: true, ResourceVersion: "99999999",
			ResourceVersionMatch: metav1.ResourceVersionMatchNotOlderThan})
		if !storage.IsTooLargeResourceVersion(err) {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("a non-recursive list returns the single object", func(t *testing.T) {
		res, err := s.GetList(ctx, "/widgets/ns/w03", storage.ListOptions{})
		if err != nil || fmt.Sprint(names(res.Items)) != "[w03]" {
			t.Fatalf("got %v %v", res, err)
		}
	})
}

func TestContinueExpiresAfterCompaction(t *testing.T) {
	s := storagetest.Store(t)
	ctx := context.Background()
	for i := 0; i < 4; i++ {
		mustCreate(t, s, "ns", fmt.Sprint("w", i), nil)
	}
	res, err := s.GetList(ctx, "/widgets", storage.ListOptions{Recursive: true, Limit: 2})
	if err != nil || res.Continue == "" {
		t.Fatalf("first page: %v %v", res, err)
	}
	mustCreate(t, s, "ns", "w9", nil)
	cur, err := s.CurrentRevision(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := etcd3.Compact(ctx, s.Client(), cur); err != nil {
		t.Fatal(err)
	}
	_, err = s.GetList(ctx, "/widgets", storage.ListOptions{Recursive: true, Limit: 2, Continue: res.Continue})
	if !storage.IsExpired(err) {
		t.Fatalf("got %v, want Expired", err)
	}
}

func TestCompactorKeepsOneRoundOfHistory(t *testing.T) {
	s := storagetest.Store(t)
	ctx := context.Background()
	c := etcd3.NewCompactor(s.Client(), 0)
	// Two rounds: the first may only catch up with rounds that earlier
	// compactors ran on this etcd; the second is then ours.
	for i := 0; i < 2; i++ {
		if err := c.Round(ctx); err != nil {
			t.Fatal(err)
		}
	}
	before := c.CompactedRevision()
	w := mustCreate(t, s, "ns", "a", nil)
	if err := c.Round(ctx); err != nil {
		t.Fatal(err)
	}
	got := c.CompactedRevision()
	if got <= before || uint64(got) >= rvOf(t, w) {
		t.Fatalf("compacted to %d (before %d), object written at %d", got, before, rvOf(t, w))
	}
	if _, err := s.Get(ctx, "/widgets/ns/a", storage.GetOptions{}); err != nil {
		t.Fatalf("the object written after the kept revision is gone: %v", err)
	}
	t.Run("another compactor sharing etcd skips the round it lost", func(t *testing.T) {
		other := etcd3.NewCompactor(s.Client(), 0)
		if err := other.Round(ctx); err != nil {
			t.Fatal(err)
		}
		if other.CompactedRevision() != 0 {
			t.Fatalf("other compacted to %d", other.CompactedRevision())
		}
	})
}

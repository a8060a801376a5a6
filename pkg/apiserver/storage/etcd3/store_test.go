package etcd3_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/types"
	"keel.dev/keel/pkg/apiserver/storage"
	"keel.dev/keel/pkg/apiserver/storage/storagetest"
)

type widget = storagetest.Widget

func mustCreate(t testing.TB, s storage.Interface, ns, name string, labels map[string]string) *widget {
	t.Helper()
	out, err := s.Create(context.Background(), "/widgets/"+ns+"/"+name, storagetest.MakeWidget(ns, name, labels), storage.CreateOptions{})
	if err != nil {
		t.Fatalf("create %s/%s: %v", ns, name, err)
	}
	return out.(*widget)
}

func rvOf(t testing.TB, obj runtime.Object) uint64 {
	t.Helper()
	rv, err := storage.ObjectResourceVersion(obj)
	if err != nil {
		t.Fatal(err)
	}
	return rv
}

func ptr[T any](v T) *T { return &v }

func TestCreateAndGet(t *testing.T) {
	s := storagetest.Store(t)
	ctx := context.Background()
	created := mustCreate(t, s, "ns", "a", nil)
	if created.ResourceVersion == "" {
		t.Fatal("created object has no resourceVersion")
	}
	t.Run("a second create of the same key fails with KeyExists", func(t *testing.T) {
		_, err := s.Create(ctx, "/widgets/ns/a", storagetest.MakeWidget("ns", "a", nil), storage.CreateOptions{})
		if !errors.Is(err, storage.ErrKeyExists) {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("a create with a resourceVersion set is refused", func(t *testing.T) {
		w := storagetest.MakeWidget("ns", "b", nil)
		w.ResourceVersion = "5"
		if _, err := s.Create(ctx, "/widgets/ns/b", w, storage.CreateOptions{}); !storage.IsInvalidArgument(err) {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("get returns the object with its resourceVersion", func(t *testing.T) {
		got, err := s.Get(ctx, "/widgets/ns/a", storage.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if got.(*widget).ResourceVersion != created.ResourceVersion || got.(*widget).Name != "a" {
			t.Fatalf("got %+v", got)
		}
	})
	t.Run("get of a missing key is NotFound", func(t *testing.T) {
		if _, err := s.Get(ctx, "/widgets/ns/zzz", storage.GetOptions{}); !storage.IsNotFound(err) {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("get of a missing key with IgnoreNotFound returns an empty object", func(t *testing.T) {
		got, err := s.Get(ctx, "/widgets/ns/zzz", storage.GetOptions{IgnoreNotFound: true})
		if err != nil || got.(*widget).Name != "" {
			t.Fatalf("got %v %v", got, err)
		}
	})
	t.Run("get with a resourceVersion from the future is TooLargeResourceVersion", func(t *testing.T) {
		_, err := s.Get(ctx, "/widgets/ns/a", storage.GetOptions{ResourceVersion: "999999999"})
		if !storage.IsTooLargeResourceVersion(err) {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("a key that is not a clean path is refused", func(t *testing.T) {
		if _, err := s.Get(ctx, "/widgets/../x", storage.GetOptions{}); !storage.IsInvalidArgument(err) {
			t.Fatalf("got %v", err)
		}
	})
}

func setColor(color string) storage.UpdateFunc {
	return func(cur runtime.Object) (runtime.Object, error) {
		w := cur.(*widget)
		w.Spec.Color = color
		return w, nil
	}
}

func TestGuaranteedUpdate(t *testing.T) {
	s := storagetest.Store(t)
	ctx := context.Background()
	orig := mustCreate(t, s, "ns", "a", nil)
	orig.UID = "" // keep a pristine copy below
	cases := []struct {
		name    string
		opts    storage.UpdateOptions
		wantErr func(error) bool
	}{
		{"an update without preconditions succeeds", storage.UpdateOptions{}, nil},
		{"a wrong UID precondition is a conflict",
			storage.UpdateOptions{Preconditions: &storage.Preconditions{UID: ptr(types.UID("nope"))}}, storage.IsConflict},
		{"a stale resourceVersion precondition is a conflict",
			storage.UpdateOptions{Preconditions: &storage.Preconditions{ResourceVersion: ptr(orig.ResourceVersion)}}, storage.IsConflict},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, err := s.GuaranteedUpdate(ctx, "/widgets/ns/a", tc.opts, setColor(fmt.Sprint("c", i)))
			if tc.wantErr != nil {
				if !tc.wantErr(err) {
					t.Fatalf("got %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if out.(*widget).Spec.Color != fmt.Sprint("c", i) || out.(*widget).ResourceVersion == orig.ResourceVersion {
				t.Fatalf("got %+v", out)
			}
		})
	}
	t.Run("an update that changes nothing writes nothing", func(t *testing.T) {
		before, _ := s.Get(ctx, "/widgets/ns/a", storage.GetOptions{})
		out, err := s.GuaranteedUpdate(ctx, "/widgets/ns/a", storage.UpdateOptions{}, setColor("c0"))
		if err != nil {
			t.Fatal(err)
		}
		if out.(*widget).ResourceVersion != before.(*widget).ResourceVersion {
			t.Fatalf("rv moved from %s to %s", before.(*widget).ResourceVersion, out.(*widget).ResourceVersion)
		}
	})
	t.Run("a stale cached object is retried against etcd", func(t *testing.T) {
		stale := orig.DeepCopyObject()
		out, err := s.GuaranteedUpdate(ctx, "/widgets/ns/a", storage.UpdateOptions{CachedExisting: stale}, setColor("fresh"))
		if err != nil {
			t.Fatal(err)
		}
		got, _ := s.Get(ctx, "/widgets/ns/a", storage.GetOptions{})
		if got.(*widget).Spec.Color != "fresh" || got.(*widget).ResourceVersion != out.(*widget).ResourceVersion {
			t.Fatalf("got %+v", got)
		}
		if stale.(*widget).Spec.Color == "fresh" {
			t.Fatal("the cached object was modified")
		}
	})
	t.Run("an update of a missing key is NotFound", func(t *testing.T) {
		_, err := s.GuaranteedUpdate(ctx, "/widgets/ns/missing", storage.UpdateOptions{}, setColor("x"))
		if !storage.IsNotFound(err) {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("an update of a missing key with IgnoreNotFound creates it", func(t *testing.T) {
		_, err := s.GuaranteedUpdate(ctx, "/widgets/ns/new", storage.UpdateOptions{IgnoreNotFound: true},
			func(cur runtime.Object) (runtime.Object, error) {
				w := storagetest.MakeWidget("ns", "new", nil)
				return w, nil
			})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Get(ctx, "/widgets/ns/new", storage.GetOptions{}); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("an error from tryUpdate aborts the update", func(t *testing.T) {
		boom := errors.New("boom")
		_, err := s.GuaranteedUpdate(ctx, "/widgets/ns/a", storage.UpdateOptions{},
			func(runtime.Object) (runtime.Object, error) { return nil, boom })
		if !errors.Is(err, boom) {
			t.Fatalf("got %v", err)
		}
	})
}

func TestConcurrentGuaranteedUpdateLosesNothing(t *testing.T) {
	s := storagetest.Store(t)
	ctx := context.Background()
	mustCreate(t, s, "ns", "counter", nil)
	const workers, each = 20, 5
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < each; j++ {
				_, err := s.GuaranteedUpdate(ctx, "/widgets/ns/counter", storage.UpdateOptions{},
					func(cur runtime.Object) (runtime.Object, error) {
						cur.(*widget).Spec.Count++
						return cur, nil
					})
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	got, err := s.Get(ctx, "/widgets/ns/counter", storage.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if c := got.(*widget).Spec.Count; c != workers*each {
		t.Fatalf("count = %d, want %d", c, workers*each)
	}
}

func TestDelete(t *testing.T) {
	s := storagetest.Store(t)
	ctx := context.Background()
	a := mustCreate(t, s, "ns", "a", nil)
	t.Run("a UID precondition mismatch is a conflict and keeps the object", func(t *testing.T) {
		_, err := s.Delete(ctx, "/widgets/ns/a", storage.DeleteOptions{Preconditions: &storage.Preconditions{UID: ptr(types.UID("x"))}})
		if !storage.IsConflict(err) {
			t.Fatalf("got %v", err)
		}
		if _, err := s.Get(ctx, "/widgets/ns/a", storage.GetOptions{}); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("a vetoing Validate keeps the object", func(t *testing.T) {
		veto := errors.New("veto")
		_, err := s.Delete(ctx, "/widgets/ns/a", storage.DeleteOptions{Validate: func(runtime.Object) error { return veto }})
		if !errors.Is(err, veto) {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("a delete returns the last state with the deletion's revision", func(t *testing.T) {
		out, err := s.Delete(ctx, "/widgets/ns/a", storage.DeleteOptions{
			Preconditions:  &storage.Preconditions{ResourceVersion: ptr(a.ResourceVersion)},
			CachedExisting: a,
		})
		if err != nil {
			t.Fatal(err)
		}
		w := out.(*widget)
		if w.Name != "a" || rvOf(t, w) <= rvOf(t, a) {
			t.Fatalf("got %+v, created at %s", w, a.ResourceVersion)
		}
		if _, err := s.Get(ctx, "/widgets/ns/a", storage.GetOptions{}); !storage.IsNotFound(err) {
			t.Fatalf("get after delete: %v", err)
		}
	})
	t.Run("a delete of a missing key is NotFound", func(t *testing.T) {
		if _, err := s.Delete(ctx, "/widgets/ns/a", storage.DeleteOptions{}); !storage.IsNotFound(err) {
			t.Fatalf("got %v", err)
		}
	})
}

func TestCount(t *testing.T) {
	s := storagetest.Store(t)
	for i := 0; i < 7; i++ {
		mustCreate(t, s, "ns", fmt.Sprint("w", i), nil)
	}
	mustCreate(t, s, "other", "w", nil)
	cases := []struct {
		name string
		key  string
		want int64
	}{
		{"the resource directory counts every object", "/widgets", 8},
		{"a namespace directory counts its objects", "/widgets/ns", 7},
		{"an unknown directory counts nothing", "/gadgets", 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			n, err := s.Count(context.Background(), tc.key)
			if err != nil || n != tc.want {
				t.Fatalf("got %d, %v; want %d", n, err, tc.want)
			}
		})
	}
}

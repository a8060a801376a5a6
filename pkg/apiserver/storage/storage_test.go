package storage_test

import (
	"errors"
	"fmt"
	"testing"

	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/watch"
	"keel.dev/keel/pkg/apiserver/storage"
	"keel.dev/keel/pkg/apiserver/storage/storagetest"
)

func TestErrors(t *testing.T) {
	err := fmt.Errorf("wrapped: %w", storage.NewError(storage.ErrCodeKeyNotFound, "/pods/a", 0, ""))
	cases := []struct {
		name string
		got  bool
		want bool
	}{
		{"a wrapped not-found error matches its sentinel", errors.Is(err, storage.ErrKeyNotFound), true},
		{"a not-found error does not match another sentinel", errors.Is(err, storage.ErrKeyExists), false},
		{"IsNotFound sees through wrapping", storage.IsNotFound(err), true},
		{"IsConflict rejects a not-found error", storage.IsConflict(err), false},
		{"a plain error is no storage error", storage.IsExpired(errors.New("x")), false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.got != tc.want {
				t.Fatalf("got %v", tc.got)
			}
		})
	}
	t.Run("an error event carries the error back out", func(t *testing.T) {
		ev := storage.ErrorEvent(storage.NewError(storage.ErrCodeExpired, "", 7, "too old"))
		if ev.Type != watch.Error || !storage.IsExpired(storage.EventError(ev)) {
			t.Fatalf("got %+v", ev)
		}
	})
}

func TestContinueTokens(t *testing.T) {
	tok, err := storage.EncodeContinue("/registry/pods/ns/b", "/registry/pods/", 42)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("a token decodes to the key after the last one and its revision", func(t *testing.T) {
		start, rv, err := storage.DecodeContinue(tok, "/registry/pods/")
		if err != nil || start != "/registry/pods/ns/b\x00" || rv != 42 {
			t.Fatalf("got %q %d %v", start, rv, err)
		}
	})
	for _, bad := range []string{"!!", "e30", "eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6MSwic3RhcnQiOiIuLi94In0"} {
		t.Run(fmt.Sprintf("the malformed token %q is an invalid argument", bad), func(t *testing.T) {
			if _, _, err := storage.DecodeContinue(bad, "/registry/pods/"); !storage.IsInvalidArgument(err) {
				t.Fatalf("got %v", err)
			}
		})
	}
	t.Run("a key outside the prefix cannot be encoded", func(t *testing.T) {
		if _, err := storage.EncodeContinue("/other/x", "/registry/pods/", 1); err == nil {
			t.Fatal("no error")
		}
	})
}

func TestClassifyEvent(t *testing.T) {
	red := storagetest.MakeWidget("ns", "r", map[string]string{"c": "red"})
	blue := storagetest.MakeWidget("ns", "b", map[string]string{"c": "blue"})
	isRed := storage.Predicate{Match: func(o runtime.Object) bool { return o.(*storagetest.Widget).Labels["c"] == "red" }}
	cases := []struct {
		name             string
		p                storage.Predicate
		deleted, created bool
		cur, prev        runtime.Object
		want             watch.EventType
		wantObj          runtime.Object
	}{
		{"a created match is ADDED", isRed, false, true, red, nil, watch.Added, red},
		{"a created non-match is not seen", isRed, false, true, blue, nil, "", nil},
		{"an update within the selection is MODIFIED", isRed, false, false, red, red, watch.Modified, red},
		{"an update into the selection is ADDED", isRed, false, false, red, blue, watch.Added, red},
		{"an update out of the selection is DELETED with the old state", isRed, false, false, blue, red, watch.Deleted, red},
		{"an update with unknown old state is MODIFIED", storage.Predicate{}, false, false, blue, nil, watch.Modified, blue},
		{"a deleted match is DELETED", isRed, true, false, nil, red, watch.Deleted, red},
		{"a deleted non-match is not seen", isRed, true, false, nil, blue, "", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			typ, obj := storage.ClassifyEvent(tc.p, tc.deleted, tc.created, tc.cur, tc.prev)
			if typ != tc.want || obj != tc.wantObj {
				t.Fatalf("got %v %v", typ, obj)
			}
		})
	}
}

func TestHelpers(t *testing.T) {
	t.Run("SetListItems fills a typed list", func(t *testing.T) {
		list := &storagetest.WidgetList{}
		items := []runtime.Object{storagetest.MakeWidget("ns", "a", nil), storagetest.MakeWidget("ns", "b", nil)}
		if err := storage.SetListItems(list, items); err != nil {
			t.Fatal(err)
		}
		if len(list.Items) != 2 || list.Items[1].Name != "b" {
			t.Fatalf("got %+v", list.Items)
		}
		if err := storage.SetListItems(list, []runtime.Object{&storagetest.WidgetList{}}); err == nil {
			t.Fatal("a foreign item was accepted")
		}
	})
	t.Run("a bookmark carries only the revision and the end annotation", func(t *testing.T) {
		bm := storage.NewBookmark(storagetest.NewWidget, 12, true).(*storagetest.Widget)
		if bm.ResourceVersion != "12" || bm.Name != "" || bm.Annotations[metav1.InitialEventsAnnotationKey] != "true" {
			t.Fatalf("got %+v", bm)
		}
	})
	t.Run("preconditions compare UID and resourceVersion", func(t *testing.T) {
		w := storagetest.MakeWidget("ns", "a", nil)
		w.UID, w.ResourceVersion = "u1", "5"
		rv := "4"
		if err := storage.CheckPreconditions("k", &storage.Preconditions{ResourceVersion: &rv}, w); !storage.IsConflict(err) {
			t.Fatalf("got %v", err)
		}
		rv = "5"
		if err := storage.CheckPreconditions("k", &storage.Preconditions{ResourceVersion: &rv}, w); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("a malformed resourceVersion is an invalid argument", func(t *testing.T) {
		if _, err := storage.ParseResourceVersion("abc"); !storage.IsInvalidArgument(err) {
			t.Fatalf("got %v", err)
		}
	})
}

package cacher

import (
	"fmt"
	"testing"

	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/keel/pkg/apiserver/storage/storagetest"
)

func TestStore(t *testing.T) {
	s := newStore(map[string]IndexFunc{"node": func(o runtime.Object) string { return o.(*storagetest.Widget).Spec.Node }})
	put := func(key, node string) {
		w := storagetest.MakeWidget("", key, nil)
		w.Spec.Node = node
		s.put(key, w)
	}
	for _, k := range []string{"/w/b/2", "/w/a/1", "/w/c/1", "/w/b/1", "/w/a/2"} {
		put(k, "n1")
	}
	var keysFrom func(prefix, from string, exact bool, index int, value string) string
	put("/w/b/2", "n2") // replace: moves to another index value
	s.remove("/w/c/1")
	s.remove("/w/zz") // absent: no-op
	keys := func(prefix string, exact bool, index int, value string) string {
		return keysFrom(prefix, "", exact, index, value)
	}
	keysFrom = func(prefix, from string, exact bool, index int, value string) string {
		var out []string
		s.scan(prefix, from, exact, index, value, func(e *entry) bool { out = append(out, e.key); return true })
		return fmt.Sprint(out)
	}
	cases := []struct {
		name string
		got  string
		want string
	}{
		{"a full scan is in key order", keys("/w/", false, -1, ""), "[/w/a/1 /w/a/2 /w/b/1 /w/b/2]"},
		{"a prefix scan stays in its directory", keys("/w/b/", false, -1, ""), "[/w/b/1 /w/b/2]"},
		{"an exact scan finds one key", keys("/w/a/2", true, -1, ""), "[/w/a/2]"},
		{"an index scan sees the replaced value", keys("/w/", false, 0, "n2"), "[/w/b/2]"},
		{"an index scan is sorted and scoped", keys("/w/", false, 0, "n1"), "[/w/a/1 /w/a/2 /w/b/1]"},
		{"an exact scan filtered by index can miss", keys("/w/b/2", true, 0, "n1"), "[]"},
		{"a scan from a key starts there", keysFrom("/w/", "/w/a/2\x00", false, -1, ""), "[/w/b/1 /w/b/2]"},
		{"an index scan from a key starts there", keysFrom("/w/", "/w/a/2", false, 0, "n1"), "[/w/a/2 /w/b/1]"},
		{"counting after a key counts the rest of the directory", fmt.Sprint(s.countFrom("/w/a/", "/w/a/1")), "1"},
		{"counting a directory counts only it", fmt.Sprint(s.countFrom("/w/b/", "")), "2"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.got != tc.want {
				t.Fatalf("got %s, want %s", tc.got, tc.want)
			}
		})
	}
	if len(s.indexes[0]["n1"]) != 3 || len(s.byKey) != 4 || len(s.sorted) != 4 {
		t.Fatalf("inconsistent store: %d in n1, %d keys, %d sorted", len(s.indexes[0]["n1"]), len(s.byKey), len(s.sorted))
	}
}

package jsonpatch

import (
	"encoding/json"
	"reflect"
	"testing"
)

func TestApply(t *testing.T) {
	cases := []struct {
		name, doc, patch, want string
		wantErr                bool
	}{
		{name: "add sets a new member", doc: `{"a":1}`, patch: `[{"op":"add","path":"/b","value":2}]`, want: `{"a":1,"b":2}`},
		{name: "add inserts into an array", doc: `{"a":[1,3]}`, patch: `[{"op":"add","path":"/a/1","value":2}]`, want: `{"a":[1,2,3]}`},
		{name: "add with - appends", doc: `{"a":[1]}`, patch: `[{"op":"add","path":"/a/-","value":2}]`, want: `{"a":[1,2]}`},
		{name: "remove deletes a member", doc: `{"a":1,"b":2}`, patch: `[{"op":"remove","path":"/a"}]`, want: `{"b":2}`},
		{name: "remove deletes an array element", doc: `{"a":[1,2,3]}`, patch: `[{"op":"remove","path":"/a/0"}]`, want: `{"a":[2,3]}`},
		{name: "replace changes a nested value", doc: `{"spec":{"template":{"x":1}}}`, patch: `[{"op":"replace","path":"/spec/template","value":{"y":2}}]`, want: `{"spec":{"template":{"y":2}}}`},
		{name: "replace of a missing path fails", doc: `{}`, patch: `[{"op":"replace","path":"/a","value":1}]`, wantErr: true},
		{name: "move relocates a value", doc: `{"a":{"b":1}}`, patch: `[{"op":"move","from":"/a/b","path":"/c"}]`, want: `{"a":{},"c":1}`},
		{name: "copy duplicates a value", doc: `{"a":[1]}`, patch: `[{"op":"copy","from":"/a","path":"/b"}]`, want: `{"a":[1],"b":[1]}`},
		{name: "a passing test changes nothing", doc: `{"a":1}`, patch: `[{"op":"test","path":"/a","value":1.0}]`, want: `{"a":1}`},
		{name: "a failing test fails the whole patch", doc: `{"a":1}`, patch: `[{"op":"add","path":"/b","value":2},{"op":"test","path":"/a","value":2}]`, wantErr: true},
		{name: "escaped tokens address keys with slashes", doc: `{"metadata":{"annotations":{"a/b":"x","c~d":"y"}}}`,
			patch: `[{"op":"remove","path":"/metadata/annotations/a~1b"},{"op":"replace","path":"/metadata/annotations/c~0d","value":"z"}]`,
			want:  `{"metadata":{"annotations":{"c~d":"z"}}}`},
		{name: "an index out of bounds fails", doc: `{"a":[1]}`, patch: `[{"op":"remove","path":"/a/5"}]`, wantErr: true},
		{name: "a leading-zero index fails", doc: `{"a":[1,2]}`, patch: `[{"op":"remove","path":"/a/01"}]`, wantErr: true},
		{name: "an unknown op fails", doc: `{}`, patch: `[{"op":"frob","path":"/a"}]`, wantErr: true},
		{name: "a patch that is not an array fails", doc: `{}`, patch: `{"op":"add"}`, wantErr: true},
		{name: "add without value fails", doc: `{}`, patch: `[{"op":"add","path":"/a"}]`, wantErr: true},
		{name: "moving into a child fails", doc: `{"a":{"b":{}}}`, patch: `[{"op":"move","from":"/a","path":"/a/b/c"}]`, wantErr: true},
		{name: "add to the root replaces the document", doc: `{"a":1}`, patch: `[{"op":"add","path":"","value":{"b":1}}]`, want: `{"b":1}`},
		{name: "large integers survive", doc: `{"a":9007199254740993}`, patch: `[{"op":"add","path":"/b","value":1}]`, want: `{"a":9007199254740993,"b":1}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := Apply([]byte(c.doc), []byte(c.patch))
			if c.wantErr {
				if err == nil {
					t.Fatalf("no error, got %s", got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != c.want {
				var g, w any
				_ = json.Unmarshal(got, &g)
				_ = json.Unmarshal([]byte(c.want), &w)
				if !reflect.DeepEqual(g, w) {
					t.Fatalf("got %s, want %s", got, c.want)
				}
			}
		})
	}
}

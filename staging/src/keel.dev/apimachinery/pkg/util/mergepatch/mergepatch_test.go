package mergepatch

import (
	"encoding/json"
	"reflect"
	"testing"
)

func jsonEqual(t *testing.T, got []byte, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(g, w) {
		t.Fatalf("got %s, want %s", got, want)
	}
}

func TestApply(t *testing.T) {
	cases := []struct{ name, doc, patch, want string }{
		{"a member is replaced", `{"a":"b"}`, `{"a":"c"}`, `{"a":"c"}`},
		{"a member is added", `{"a":"b"}`, `{"b":"c"}`, `{"a":"b","b":"c"}`},
		{"null deletes a member", `{"a":"b"}`, `{"a":null}`, `{}`},
		{"null deletes only its member", `{"a":"b","b":"c"}`, `{"a":null}`, `{"b":"c"}`},
		{"an array replaces an array", `{"a":["b"]}`, `{"a":"c"}`, `{"a":"c"}`},
		{"a value replaces an array", `{"a":"c"}`, `{"a":["b"]}`, `{"a":["b"]}`},
		{"nested objects merge", `{"a":{"b":"c"}}`, `{"a":{"b":"d","c":null}}`, `{"a":{"b":"d"}}`},
		{"arrays are not merged", `{"a":[{"b":"c"}]}`, `{"a":[1]}`, `{"a":[1]}`},
		{"labels merge the kubectl way", `{"metadata":{"labels":{"app":"web"}}}`, `{"metadata":{"labels":{"tier":"frontend"}}}`, `{"metadata":{"labels":{"app":"web","tier":"frontend"}}}`},
		{"a non-object patch replaces the document", `{"a":"b"}`, `["c"]`, `["c"]`},
		{"nested nulls in new members are dropped", `{}`, `{"a":{"bb":{"ccc":null}}}`, `{"a":{"bb":{}}}`},
		{"scale patch sets replicas", `{"spec":{"replicas":3}}`, `{"spec":{"replicas":5}}`, `{"spec":{"replicas":5}}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := Apply([]byte(c.doc), []byte(c.patch))
			if err != nil {
				t.Fatal(err)
			}
			jsonEqual(t, got, c.want)
		})
	}
}

func TestCreateRoundTrips(t *testing.T) {
	cases := []struct{ name, a, b, patch string }{
		{"no change gives an empty patch", `{"a":1}`, `{"a":1}`, `{}`},
		{"a removed member becomes null", `{"a":1,"b":2}`, `{"a":1}`, `{"b":null}`},
		{"a nested change is minimal", `{"s":{"r":3,"x":1}}`, `{"s":{"r":5,"x":1}}`, `{"s":{"r":5}}`},
		{"a changed array is replaced whole", `{"l":[1,2]}`, `{"l":[1]}`, `{"l":[1]}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := Create([]byte(c.a), []byte(c.b))
			if err != nil {
				t.Fatal(err)
			}
			jsonEqual(t, p, c.patch)
			out, err := Apply([]byte(c.a), p)
			if err != nil {
				t.Fatal(err)
			}
			jsonEqual(t, out, c.b)
		})
	}
}

func TestApplyRejectsMalformedPatch(t *testing.T) {
	if _, err := Apply([]byte(`{}`), []byte(`{nope`)); err == nil {
		t.Fatal("malformed patch applied")
	}
}

package cmd

import (
	"reflect"
	"testing"

	appsv1 "keel.dev/api/apps/v1"
)

func TestTypedJSON(t *testing.T) {
	sts := reflect.TypeOf(appsv1.StatefulSet{})
	cases := []struct {
		name string
		obj  string
		t    reflect.Type
		want string
	}{
		{name: "members follow the struct and nested metadata gets a null creation time in its place",
			obj: `{"spec":{"template":{"metadata":{"labels":{"a":"b"},"name":"t"}},"volumeClaimTemplates":[{"metadata":{"name":"data","annotations":{"x":"y"}}}],"serviceName":"s"},` +
				`"metadata":{"name":"s","creationTimestamp":"2026-01-01T00:00:00Z"},"kind":"StatefulSet","apiVersion":"apps/v1"}`,
			t: sts,
			want: `{"kind":"StatefulSet","apiVersion":"apps/v1","metadata":{"name":"s","creationTimestamp":"2026-01-01T00:00:00Z"},` +
				`"spec":{"selector":null,"template":{"metadata":{"name":"t","creationTimestamp":null,"labels":{"a":"b"}},"spec":{"containers":null}},` +
				`"volumeClaimTemplates":[{"metadata":{"name":"data","creationTimestamp":null,"annotations":{"x":"y"}},"spec":{"resources":{}},"status":{}}],"serviceName":"s","updateStrategy":{}},"status":{"replicas":0,"availableReplicas":0}}`},
		{name: "strings keep encoding/json's escaping",
			obj:  `{"metadata":{"name":"a","creationTimestamp":"2026-01-01T00:00:00Z","annotations":{"n":"<&>"}}}`,
			t:    sts,
			want: `{"metadata":{"name":"a","creationTimestamp":"2026-01-01T00:00:00Z","annotations":{"n":"\u003c\u0026\u003e"}},"spec":{"selector":null,"template":{"metadata":{"creationTimestamp":null},"spec":{"containers":null}},"serviceName":"","updateStrategy":{}},"status":{"replicas":0,"availableReplicas":0}}`},
		{name: "without a Go type the object keeps its own encoding",
			obj:  `{"b":1,"a":{"metadata":{}}}`,
			want: `{"a":{"metadata":{}},"b":1}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			obj, err := decodeMap([]byte(tc.obj))
			if err != nil {
				t.Fatal(err)
			}
			got, err := typedJSON(obj, tc.t)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tc.want)
			}
		})
	}
}

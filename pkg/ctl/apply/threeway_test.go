package apply

import (
	"reflect"
	"testing"

	appsv1 "keel.dev/api/apps/v1"
)

func TestThreeWayPatch(t *testing.T) {
	deploy := reflect.TypeOf(appsv1.Deployment{})
	cases := []struct {
		name                        string
		original, modified, current string
		typ                         reflect.Type
		want                        string
	}{
		{name: "a field changed live is reset to the manifest",
			original: `{"spec":{"replicas":3}}`, modified: `{"spec":{"replicas":3}}`, current: `{"spec":{"replicas":5}}`,
			typ: deploy, want: `{"spec":{"replicas":3}}`},
		{name: "an unchanged manifest gives an empty patch",
			original: `{"metadata":{"labels":{"a":"1"}}}`, modified: `{"metadata":{"labels":{"a":"1"}}}`, current: `{"metadata":{"labels":{"a":"1","b":"2"}}}`,
			typ: deploy, want: `{}`},
		{name: "a field dropped from the manifest is deleted",
			original: `{"metadata":{"labels":{"a":"1","b":"2"}}}`, modified: `{"metadata":{"labels":{"a":"1"}}}`, current: `{"metadata":{"labels":{"a":"1","b":"2"}}}`,
			typ: deploy, want: `{"metadata":{"labels":{"b":null}}}`},
		{name: "containers merge by name with their element order",
			original: `{"spec":{"template":{"spec":{"containers":[{"name":"a","image":"x:1"},{"name":"b","image":"y"}]}}}}`,
			modified: `{"spec":{"template":{"spec":{"containers":[{"name":"a","image":"x:2"}]}}}}`,
			current:  `{"spec":{"template":{"spec":{"containers":[{"name":"a","image":"x:1","imagePullPolicy":"IfNotPresent"},{"name":"b","image":"y"}]}}}}`,
			typ:      deploy, want: `{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"a"}],"containers":[{"image":"x:2","name":"a"},{"$patch":"delete","name":"b"}]}}}}`},
		{name: "without a type lists are replaced whole",
			original: `{"spec":{"items":[1,2]}}`, modified: `{"spec":{"items":[1]}}`, current: `{"spec":{"items":[1,2]}}`,
			want: `{"spec":{"items":[1]}}`},
		{name: "finalizers merge as a set",
			original: `{"metadata":{"finalizers":["a","b"]}}`, modified: `{"metadata":{"finalizers":["a"]}}`, current: `{"metadata":{"finalizers":["a","b","c"]}}`,
			typ: deploy, want: `{"metadata":{"$deleteFromPrimitiveList/finalizers":["b"]}}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ThreeWayPatch([]byte(tc.original), []byte(tc.modified), []byte(tc.current), tc.typ)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}

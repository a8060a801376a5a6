package strategicpatch

import (
	"encoding/json"
	"reflect"
	"testing"
)

// Test types shaped like the API's, with Kubernetes' patch tags.
type testPod struct {
	Metadata testMeta    `json:"metadata,omitempty"`
	Spec     testPodSpec `json:"spec,omitempty"`
}

type testMeta struct {
	Labels     map[string]string `json:"labels,omitempty"`
	Finalizers []string          `json:"finalizers,omitempty" patchStrategy:"merge"`
}

type testPodSpec struct {
	Containers  []testContainer  `json:"containers" patchStrategy:"merge" patchMergeKey:"name"`
	Volumes     []testVolume     `json:"volumes,omitempty" patchStrategy:"merge,retainKeys" patchMergeKey:"name"`
	Tolerations []testToleration `json:"tolerations,omitempty"`
	Strategy    *testStrategy    `json:"strategy,omitempty" patchStrategy:"retainKeys"`
}

type testContainer struct {
	Name  string     `json:"name"`
	Image string     `json:"image,omitempty"`
	Args  []string   `json:"args,omitempty"`
	Ports []testPort `json:"ports,omitempty" patchStrategy:"merge" patchMergeKey:"containerPort"`
	Env   []testEnv  `json:"env,omitempty" patchStrategy:"merge" patchMergeKey:"name"`
}

type testPort struct {
	ContainerPort int32  `json:"containerPort"`
	Protocol      string `json:"protocol,omitempty"`
}

type testEnv struct {
	Name  string `json:"name"`
	Value string `json:"value,omitempty"`
}

type testVolume struct {
	Name     string    `json:"name"`
	EmptyDir *struct{} `json:"emptyDir,omitempty"`
	HostPath *struct {
		Path string `json:"path"`
	} `json:"hostPath,omitempty"`
}

type testToleration struct {
	Key string `json:"key,omitempty"`
}

type testStrategy struct {
	Type          string          `json:"type,omitempty"`
	RollingUpdate *map[string]any `json:"rollingUpdate,omitempty"`
}

func TestApply(t *testing.T) {
	cases := []struct {
		name, doc, patch, want string
	}{
		{
			"containers merge by name and keep the others",
			`{"spec":{"containers":[{"name":"a","image":"a:1"},{"name":"b","image":"b:1"}]}}`,
			`{"spec":{"containers":[{"name":"b","image":"b:2"}]}}`,
			`{"spec":{"containers":[{"name":"a","image":"a:1"},{"name":"b","image":"b:2"}]}}`,
		},
		{
			"a new container is appended",
			`{"spec":{"containers":[{"name":"a","image":"a:1"}]}}`,
			`{"spec":{"containers":[{"name":"c","image":"c:1"}]}}`,
			`{"spec":{"containers":[{"name":"a","image":"a:1"},{"name":"c","image":"c:1"}]}}`,
		},
		{
			"$patch delete removes one container",
			`{"spec":{"containers":[{"name":"a"},{"name":"b"}]}}`,
			`{"spec":{"containers":[{"name":"a","$patch":"delete"}]}}`,
			`{"spec":{"containers":[{"name":"b"}]}}`,
		},
		{
			"a list without a strategy is replaced",
			`{"spec":{"containers":[{"name":"a","args":["x","y"]}]}}`,
			`{"spec":{"containers":[{"name":"a","args":["z"]}]}}`,
			`{"spec":{"containers":[{"name":"a","args":["z"]}]}}`,
		},
		{
			"ports merge by containerPort inside a merged container",
			`{"spec":{"containers":[{"name":"a","ports":[{"containerPort":80},{"containerPort":443}]}]}}`,
			`{"spec":{"containers":[{"name":"a","ports":[{"containerPort":443,"protocol":"TCP"}]}]}}`,
			`{"spec":{"containers":[{"name":"a","ports":[{"containerPort":80},{"containerPort":443,"protocol":"TCP"}]}]}}`,
		},
		{
			"a primitive merge list takes the union",
			`{"metadata":{"finalizers":["a","b"]}}`,
			`{"metadata":{"finalizers":["b","c"]}}`,
			`{"metadata":{"finalizers":["a","b","c"]}}`,
		},
		{
			"$deleteFromPrimitiveList removes values",
			`{"metadata":{"finalizers":["a","b","c"]}}`,
			`{"metadata":{"$deleteFromPrimitiveList/finalizers":["b"]}}`,
			`{"metadata":{"finalizers":["a","c"]}}`,
		},
		{
			"null deletes a label",
			`{"metadata":{"labels":{"app":"web","tier":"fe"}}}`,
			`{"metadata":{"labels":{"tier":null}}}`,
			`{"metadata":{"labels":{"app":"web"}}}`,
		},
		{
			"$setElementOrder reorders the merged list",
			`{"spec":{"containers":[{"name":"a"},{"name":"b"}]}}`,
			`{"spec":{"$setElementOrder/containers":[{"name":"b"},{"name":"a"}],"containers":[{"name":"a","image":"x"}]}}`,
			`{"spec":{"containers":[{"name":"b"},{"name":"a","image":"x"}]}}`,
		},
		{
			"$patch replace on a list element replaces the list",
			`{"spec":{"containers":[{"name":"a"},{"name":"b"}]}}`,
			`{"spec":{"containers":[{"name":"z"},{"$patch":"replace"}]}}`,
			`{"spec":{"containers":[{"name":"z"}]}}`,
		},
		{
			"$patch replace on a map replaces the map",
			`{"metadata":{"labels":{"a":"1","b":"2"}}}`,
			`{"metadata":{"labels":{"c":"3","$patch":"replace"}}}`,
			`{"metadata":{"labels":{"c":"3"}}}`,
		},
		{
			"$retainKeys clears the other members of a union",
			`{"spec":{"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":1}}}}`,
			`{"spec":{"strategy":{"$retainKeys":["type"],"type":"Recreate"}}}`,
			`{"spec":{"strategy":{"type":"Recreate"}}}`,
		},
		{
			"volumes merge by name and retainKeys swaps the source",
			`{"spec":{"volumes":[{"name":"v","emptyDir":{}}]}}`,
			`{"spec":{"volumes":[{"name":"v","hostPath":{"path":"/x"},"$retainKeys":["hostPath","name"]}]}}`,
			`{"spec":{"volumes":[{"name":"v","hostPath":{"path":"/x"}}]}}`,
		},
		{
			"kubectl rollout restart adds a template annotation",
			`{"spec":{"containers":[{"name":"a"}]}}`,
			`{"spec":{"template":{"metadata":{"annotations":{"kubectl.kubernetes.io/restartedAt":"now"}}}}}`,
			`{"spec":{"containers":[{"name":"a"}],"template":{"metadata":{"annotations":{"kubectl.kubernetes.io/restartedAt":"now"}}}}}`,
		},
		{
			"nulls inside a new member are dropped",
			`{}`,
			`{"metadata":{"labels":{"a":"1","b":null}}}`,
			`{"metadata":{"labels":{"a":"1"}}}`,
		},
		{
			"cordon sets a scalar",
			`{"spec":{}}`,
			`{"spec":{"unschedulable":true}}`,
			`{"spec":{"unschedulable":true}}`,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := Apply([]byte(c.doc), []byte(c.patch), &testPod{})
			if err != nil {
				t.Fatal(err)
			}
			var g, w any
			_ = json.Unmarshal(got, &g)
			_ = json.Unmarshal([]byte(c.want), &w)
			if !reflect.DeepEqual(g, w) {
				t.Fatalf("got  %s\nwant %s", got, c.want)
			}
		})
	}
}

func TestApplyErrors(t *testing.T) {
	cases := []struct{ name, doc, patch string }{
		{"a malformed patch is an error", `{}`, `{nope`},
		{"a merged element without its key is an error", `{"spec":{"containers":[{"name":"a"}]}}`, `{"spec":{"containers":[{"image":"x"}]}}`},
		{"an unknown directive is an error", `{"spec":{}}`, `{"spec":{"$patch":"frob"}}`},
		{"a non-object patch is an error", `{}`, `[1]`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if out, err := Apply([]byte(c.doc), []byte(c.patch), &testPod{}); err == nil {
				t.Fatalf("no error, got %s", out)
			}
		})
	}
}

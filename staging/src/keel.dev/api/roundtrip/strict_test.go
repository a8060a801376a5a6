package roundtrip

import (
	"errors"
	"strings"
	"testing"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/apimachinery/pkg/runtime"
)

// The expected messages are what Kubernetes' strict JSON decoder reports for
// the same documents.
var strictCases = []struct {
	name string
	doc  string
	want string
}{
	{
		name: "a misspelt container field",
		doc:  `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"c","image":"i","imagePullPolicyy":"Always"}]}}`,
		want: `strict decoding error: unknown field "spec.containers[0].imagePullPolicyy"`,
	},
	{
		name: "a misspelt metadata field and a field with the wrong case",
		doc:  `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","lables":{"a":"b"}},"spec":{"containers":[{"name":"c","image":"i","ImagePullPolicy":"Always"}]}}`,
		want: `strict decoding error: unknown field "metadata.lables", unknown field "spec.containers[0].ImagePullPolicy"`,
	},
	{
		name: "a duplicate field and a misspelt resources field in a template",
		doc:  `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d"},"spec":{"replicas":1,"replicas":2,"template":{"spec":{"containers":[{"name":"c","resources":{"limit":{"cpu":"1"}}}]}}}}`,
		want: `strict decoding error: duplicate field "spec.replicas", unknown field "spec.template.spec.containers[0].resources.limit"`,
	},
	{
		name: "unknown fields deep inside volumes and env",
		doc:  `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","name":"q"},"spec":{"volumes":[{"name":"v","emptyDir":{"sizeLimit":"1Gi","medium2":"x"}}],"containers":[{"name":"c","env":[{"name":"A","valueFrom":{"fieldRef":{"fieldPath":"x","extra":1}}}]}]}}`,
		want: `strict decoding error: duplicate field "metadata.name", unknown field "spec.volumes[0].emptyDir.medium2", unknown field "spec.containers[0].env[0].valueFrom.fieldRef.extra"`,
	},
	{
		name: "duplicate map keys and an unknown status field",
		doc:  `{"apiVersion":"v1","kind":"Node","metadata":{"name":"n","labels":{"a":"b","a":"c"}},"status":{"capacity":{"cpu":"1","cpu":"2"},"unknownTop":true}}`,
		want: `strict decoding error: duplicate field "metadata.labels.a", duplicate field "status.capacity.cpu", unknown field "status.unknownTop"`,
	},
}

func TestStrictDecodingReportsUnknownFields(t *testing.T) {
	for _, tt := range strictCases {
		t.Run(tt.name+" is reported like Kubernetes does", func(t *testing.T) {
			obj, _, err := serializer(t, false, true).Decode([]byte(tt.doc), nil, nil)
			var strictErr *runtime.StrictDecodingError
			if !errors.As(err, &strictErr) {
				t.Fatalf("Decode error = %v, want a *runtime.StrictDecodingError", err)
			}
			if err.Error() != tt.want {
				t.Fatalf("error\n got %s\nwant %s", err, tt.want)
			}
			if obj == nil {
				t.Fatal("strict decoding should still return the decoded object")
			}
		})
	}
}

func TestStrictDecodingOfYAMLNamesTheFieldPath(t *testing.T) {
	doc := `apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
  - name: c
    image: nginx
    imagePullPolicyy: Always
`
	_, _, err := serializer(t, true, true).Decode([]byte(doc), nil, nil)
	if err == nil || !strings.Contains(err.Error(), `unknown field "spec.containers[0].imagePullPolicyy"`) {
		t.Fatalf("Decode error = %v, want the unknown field path", err)
	}
}

func TestUnknownFieldsAreNotKept(t *testing.T) {
	for _, strict := range []bool{false, true} {
		name := "lenient"
		if strict {
			name = "strict"
		}
		decode := func(t *testing.T) *corev1.Pod {
			obj, _, err := serializer(t, false, strict).Decode([]byte(strictCases[1].doc), nil, nil)
			if !strict && err != nil {
				t.Fatalf("lenient Decode: %v", err)
			}
			pod, ok := obj.(*corev1.Pod)
			if !ok {
				t.Fatalf("decoded a %T", obj)
			}
			return pod
		}
		t.Run("a "+name+" decode drops unknown fields", func(t *testing.T) {
			out := string(encodeJSON(t, decode(t)))
			for _, field := range []string{"lables", "imagePullPolicyy"} {
				if strings.Contains(out, field) {
					t.Errorf("re-encoded object still mentions %q:\n%s", field, out)
				}
			}
			if !strings.Contains(out, `"name":"p"`) {
				t.Errorf("known fields were lost:\n%s", out)
			}
		})
		t.Run("a "+name+" decode ignores keys that differ in case", func(t *testing.T) {
			if got := decode(t).Spec.Containers[0].ImagePullPolicy; got != "" {
				t.Errorf("ImagePullPolicy = %q; a key differing in case must not set the field", got)
			}
		})
	}
}

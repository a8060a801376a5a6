package compat

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	k8sruntime "k8s.io/apimachinery/pkg/runtime"
	k8sjson "k8s.io/apimachinery/pkg/runtime/serializer/json"

	"keel.dev/apimachinery/pkg/runtime"
	keeljson "keel.dev/apimachinery/pkg/runtime/serializer/json"
)

// TestStrictDecodingMatchesKubernetes checks that Keel reports the same
// unknown and duplicate fields, worded the same, as Kubernetes' strict
// JSON and YAML decoding (what fieldValidation=Strict|Warn returns).
func TestStrictDecodingMatchesKubernetes(t *testing.T) {
	cases := []struct {
		name string
		yaml bool
		body string
	}{
		{"a misspelled container field", false, `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"c","image":"i","imagePullPolicyy":"Always"}]}}`},
		{"duplicates at several levels", false, `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d","labels":{"a":"1","a":"2"}},"spec":{"replicas":1,"replicas":2,"template":{"spec":{"containers":[{"name":"c"},{"name":"x","ports":[{"containerPort":1,"bogus":2}]}]}}}}`},
		{"unknown top-level and status fields", false, `{"apiVersion":"v1","kind":"Service","metadata":{"name":"s"},"foo":1,"status":{"loadBalancer":{"ingress":[{"ip":"1.2.3.4","nope":true}]}}}`},
		{"values that decode themselves are not looked into", false, `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","creationTimestamp":"2024-01-01T00:00:00Z"},"spec":{"containers":[{"name":"c","resources":{"limits":{"cpu":"1"}},"livenessProbe":{"httpGet":{"port":"http"}}}]}}`},
		{"a YAML manifest", true, "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: j\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      restartPolicy: Never\n      containers:\n      - name: c\n        comand: [x]\n"},
		{"a clean manifest", false, `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"a":"b"}}`},
	}
	ks := k8sScheme(t)
	ours := keelScheme(t)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			k8s := k8sjson.NewSerializerWithOptions(k8sjson.DefaultMetaFactory, ks, ks, k8sjson.SerializerOptions{Yaml: c.yaml, Strict: true})
			_, _, kerr := k8s.Decode([]byte(c.body), nil, nil)
			var want []string
			if kerr != nil {
				se, ok := k8sruntime.AsStrictDecodingError(kerr)
				if !ok {
					t.Fatalf("Kubernetes failed: %v", kerr)
				}
				for _, e := range se.Errors() {
					want = append(want, e.Error())
				}
			}
			keel := keeljson.NewSerializer(ours, keeljson.Options{Yaml: c.yaml, Strict: true})
			obj, _, err := keel.Decode([]byte(c.body), nil, nil)
			var got []string
			if err != nil {
				var se *runtime.StrictDecodingError
				if !errors.As(err, &se) {
					t.Fatalf("Keel failed: %v", err)
				}
				got = se.Errors
				if kerr.Error() != err.Error() {
					t.Errorf("message:\n got %s\nwant %s", err, kerr)
				}
			}
			if obj == nil {
				t.Fatal("Keel returned no object")
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("strict errors:\n got %s\nwant %s", strings.Join(got, "; "), strings.Join(want, "; "))
			}
		})
	}
}

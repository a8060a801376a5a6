package roundtrip

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"testing"

	appsv1 "keel.dev/api/apps/v1"
	batchv1 "keel.dev/api/batch/v1"
	coordinationv1 "keel.dev/api/coordination/v1"
	corev1 "keel.dev/api/core/v1"
	discoveryv1 "keel.dev/api/discovery/v1"
	policyv1 "keel.dev/api/policy/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/serializer/yaml"
)

// fixtures lists every single-object fixture and the Go type it decodes to.
var fixtures = []struct {
	name string
	what string
	want runtime.Object
}{
	{"pod", "a running Pod with probes, volumes, affinity, tolerations, security contexts and resources", &corev1.Pod{}},
	{"deployment", "a Deployment with a rolling update strategy and status", &appsv1.Deployment{}},
	{"service", "a dual-stack LoadBalancer Service with status", &corev1.Service{}},
	{"job", "an indexed Job with a pod failure policy and status", &batchv1.Job{}},
	{"cronjob", "a CronJob with a time zone and active jobs", &batchv1.CronJob{}},
	{"statefulset", "a StatefulSet with volume claim templates", &appsv1.StatefulSet{}},
	{"node", "a Node with capacity, conditions and node info", &corev1.Node{}},
	{"endpointslice", "an EndpointSlice with hints and conditions", &discoveryv1.EndpointSlice{}},
	{"lease", "a Lease with microsecond times", &coordinationv1.Lease{}},
	{"configmap", "a ConfigMap with binary data", &corev1.ConfigMap{}},
	{"secret", "a TLS Secret", &corev1.Secret{}},
}

func TestJSONRoundTrip(t *testing.T) {
	for _, f := range fixtures {
		t.Run(f.what+" re-encodes to the same JSON", func(t *testing.T) {
			want := readFixture(t, f.name+".json")
			obj := decodeStrict(t, serializer(t, false, true), want)
			if reflect.TypeOf(obj) != reflect.TypeOf(f.want) {
				t.Fatalf("decoded a %T, want %T", obj, f.want)
			}
			got := encodeJSON(t, obj)
			requireSameJSON(t, want, got)

			// Our own output decodes and re-encodes to identical bytes.
			again := encodeJSON(t, decodeStrict(t, serializer(t, false, true), got))
			if !bytes.Equal(got, again) {
				t.Fatalf("encoding is not stable:\n%s\n%s", got, again)
			}
		})
	}
}

func TestYAMLDecodesLikeKubernetes(t *testing.T) {
	for _, f := range fixtures {
		t.Run(f.what+" decodes from hand-written YAML", func(t *testing.T) {
			obj := decodeStrict(t, serializer(t, true, true), readFixture(t, "yaml/"+f.name+".yaml"))
			requireSameJSON(t, readFixture(t, f.name+".json"), encodeJSON(t, obj))
		})
	}
}

func TestYAMLEncodingDecodesBack(t *testing.T) {
	for _, f := range fixtures {
		t.Run(f.what+" survives a YAML round trip", func(t *testing.T) {
			want := readFixture(t, f.name+".json")
			obj := decodeStrict(t, serializer(t, false, true), want)
			var buf bytes.Buffer
			if err := serializer(t, true, false).Encode(obj, &buf); err != nil {
				t.Fatalf("Encode YAML: %v", err)
			}
			back := decodeStrict(t, serializer(t, true, true), buf.Bytes())
			requireSameJSON(t, want, encodeJSON(t, back))
		})
	}
}

func TestMultiDocumentYAML(t *testing.T) {
	var golden []json.RawMessage
	if err := json.Unmarshal(readFixture(t, "bundle.golden.json"), &golden); err != nil {
		t.Fatal(err)
	}
	wantTypes := []runtime.Object{&corev1.Namespace{}, &corev1.ConfigMap{}, &appsv1.Deployment{}, &corev1.Service{}, &batchv1.CronJob{}, &policyv1.PodDisruptionBudget{}}

	t.Run("the document reader returns every non-empty document", func(t *testing.T) {
		r := yaml.NewDocumentReader(bytes.NewReader(readFixture(t, "bundle.yaml")))
		var docs [][]byte
		for {
			doc, err := r.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("Read: %v", err)
			}
			docs = append(docs, doc)
		}
		checkBundle(t, docs, golden, wantTypes)
	})
	t.Run("SplitDocuments agrees with the reader", func(t *testing.T) {
		docs, err := yaml.SplitDocuments(readFixture(t, "bundle.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		checkBundle(t, docs, golden, wantTypes)
	})
}

func checkBundle(t *testing.T, docs [][]byte, golden []json.RawMessage, types []runtime.Object) {
	t.Helper()
	if len(docs) != len(golden) {
		t.Fatalf("got %d documents, want %d", len(docs), len(golden))
	}
	s := serializer(t, true, true)
	for i, doc := range docs {
		obj := decodeStrict(t, s, doc)
		if reflect.TypeOf(obj) != reflect.TypeOf(types[i]) {
			t.Fatalf("document %d decoded to %T, want %T", i, obj, types[i])
		}
		t.Run(fmt.Sprintf("document %d matches Kubernetes", i), func(t *testing.T) {
			requireSameJSON(t, golden[i], encodeJSON(t, obj))
		})
	}
}

func TestUserQuantitiesAreCanonicalised(t *testing.T) {
	docs, err := yaml.SplitDocuments(readFixture(t, "bundle.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	obj := decodeStrict(t, serializer(t, true, true), docs[2])
	d, ok := obj.(*appsv1.Deployment)
	if !ok {
		t.Fatalf("document 2 is a %T", obj)
	}
	res := d.Spec.Template.Spec.Containers[0].Resources
	tests := []struct {
		name string
		list corev1.ResourceList
		key  corev1.ResourceName
		want string
	}{
		{"a YAML number of cores becomes millicores", res.Requests, corev1.ResourceCPU, "250m"},
		{"a fractional binary amount moves to a smaller suffix", res.Requests, corev1.ResourceMemory, "512Mi"},
		{"a round number of millicores becomes whole cores", res.Limits, corev1.ResourceCPU, "1"},
		{"a plain byte count stays plain", res.Limits, corev1.ResourceMemory, "1073741824"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, ok := tt.list[tt.key]
			if !ok {
				t.Fatalf("%s missing", tt.key)
			}
			if got := q.String(); got != tt.want {
				t.Fatalf("%s = %q, want %q", tt.key, got, tt.want)
			}
		})
	}
}

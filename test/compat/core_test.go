package compat

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	k8sruntime "k8s.io/apimachinery/pkg/runtime"
	k8sproto "k8s.io/apimachinery/pkg/runtime/serializer/protobuf"

	"keel.dev/apimachinery/pkg/runtime"
	keelproto "keel.dev/apimachinery/pkg/runtime/serializer/protobuf"
)

// checkObject verifies a kind end to end in the protobuf envelope: Keel's
// encoding of the same object equals what Kubernetes' serializer writes
// (and the golden file testdata/<name>.pb), and each side decodes the
// other's bytes to the same JSON.
func checkObject(t *testing.T, name string, k8s k8sruntime.Object) {
	t.Helper()
	want := compareEnvelopes(t, name, k8s, k8sScheme(t), keelScheme(t))
	checkGoldenFile(t, name+".pb", want)
}

// compareEnvelopes does the checks of checkObject but the golden file, and
// returns Kubernetes' bytes.
func compareEnvelopes(t *testing.T, name string, k8s k8sruntime.Object, ks *k8sruntime.Scheme, ours *runtime.Scheme) []byte {
	t.Helper()
	gvk := k8s.GetObjectKind().GroupVersionKind()
	var want bytes.Buffer
	if err := k8sproto.NewSerializer(ks, ks).Encode(k8s, &want); err != nil {
		t.Fatalf("Kubernetes encode: %v", err)
	}

	keel, err := ours.New(runtimeGVK(gvk))
	if err != nil {
		t.Fatalf("Keel has no kind %v: %v", gvk, err)
	}
	k8sJSON := toKeel(t, k8s, keel)
	requireSameJSON(t, "Keel's JSON of the converted object", k8sJSON, mustJSON(t, keel))

	var got bytes.Buffer
	if err := keelproto.NewSerializer(ours).Encode(keel, &got); err != nil {
		t.Fatalf("Keel encode: %v", err)
	}
	if !bytes.Equal(want.Bytes(), got.Bytes()) {
		t.Errorf("%s: Keel's protobuf differs from Kubernetes' (%d vs %d bytes):\n%s",
			name, want.Len(), got.Len(), protoDiff(want.Bytes()[4:], got.Bytes()[4:]))
	}

	// What Kubernetes itself reads back from its bytes is the reference:
	// protobuf cannot carry every JSON distinction (a nil slice inside a
	// map reads back empty).
	ref, rgvk, err := k8sproto.NewSerializer(ks, ks).Decode(want.Bytes(), nil, nil)
	if err != nil {
		t.Fatalf("Kubernetes decode of its own bytes: %v", err)
	}
	ref.GetObjectKind().SetGroupVersionKind(*rgvk)
	refJSON := mustJSON(t, ref)

	decoded, dgvk, err := keelproto.NewSerializer(ours).Decode(want.Bytes(), nil, nil)
	if err != nil {
		t.Fatalf("Keel decode of Kubernetes' bytes: %v", err)
	}
	if dgvk.Kind != gvk.Kind || reflect.TypeOf(decoded) != reflect.TypeOf(keel) {
		t.Errorf("Keel decoded a %T of kind %v", decoded, dgvk)
	}
	requireSameJSON(t, "Keel decoding Kubernetes' bytes", refJSON, mustJSON(t, decoded))

	back, bgvk, err := k8sproto.NewSerializer(ks, ks).Decode(got.Bytes(), nil, nil)
	if err != nil {
		t.Fatalf("Kubernetes decode of Keel's bytes: %v", err)
	}
	back.GetObjectKind().SetGroupVersionKind(*bgvk)
	requireSameJSON(t, "Kubernetes decoding Keel's bytes", refJSON, mustJSON(t, back))
	return want.Bytes()
}

func runtimeGVK(g interface{ String() string }) (gvk runtimeGVKType) {
	s := g.String() // "group/version, Kind=kind" or "/v1, Kind=Pod"
	gv, kind, _ := strings.Cut(s, ", Kind=")
	group, version, _ := strings.Cut(gv, "/")
	return runtimeGVKType{Group: group, Version: version, Kind: kind}
}

func TestCoreKindsProtobufMatchesKubernetes(t *testing.T) {
	cases := []struct {
		name string
		obj  k8sruntime.Object
	}{
		{"pod", k8sPod()},
		{"namespace", k8sNamespace()},
		{"service", k8sService()},
		{"configmap", k8sConfigMap()},
		{"secret", k8sSecret()},
		{"node", k8sNode()},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { checkObject(t, c.name, c.obj) })
	}
}

func TestGroupKindsProtobufMatchesKubernetes(t *testing.T) {
	cases := []struct {
		name string
		obj  k8sruntime.Object
	}{
		{"deployment", k8sDeployment()},
		{"job", k8sJob()},
		{"lease", k8sLease()},
		{"endpointslice", k8sEndpointSlice()},
	}
	ours := keelScheme(t)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			gvk := c.obj.GetObjectKind().GroupVersionKind()
			if !ours.Recognizes(runtimeGVK(gvk)) {
				// The group's package does not build yet; keelScheme lists
				// what it registers.
				t.Skipf("Keel's scheme has no %v yet", gvk)
			}
			checkObject(t, c.name, c.obj)
		})
	}
}

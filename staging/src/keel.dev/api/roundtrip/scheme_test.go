package roundtrip

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	appsv1 "keel.dev/api/apps/v1"
	batchv1 "keel.dev/api/batch/v1"
	coordinationv1 "keel.dev/api/coordination/v1"
	corev1 "keel.dev/api/core/v1"
	discoveryv1 "keel.dev/api/discovery/v1"
	policyv1 "keel.dev/api/policy/v1"
	"keel.dev/apimachinery/pkg/runtime"
	kjson "keel.dev/apimachinery/pkg/runtime/serializer/json"
)

// newScheme registers every group the fixtures use.
func newScheme(t testing.TB) *runtime.Scheme {
	t.Helper()
	s := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{
		corev1.AddToScheme, appsv1.AddToScheme, batchv1.AddToScheme,
		coordinationv1.AddToScheme, discoveryv1.AddToScheme, policyv1.AddToScheme,
	} {
		if err := add(s); err != nil {
			t.Fatalf("AddToScheme: %v", err)
		}
	}
	return s
}

func serializer(t testing.TB, yaml, strict bool) *kjson.Serializer {
	return kjson.NewSerializer(newScheme(t), kjson.Options{Yaml: yaml, Strict: strict})
}

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// decodeStrict decodes data and fails the test on any error, including
// unknown or duplicate fields.
func decodeStrict(t *testing.T, s *kjson.Serializer, data []byte) runtime.Object {
	t.Helper()
	obj, _, err := s.Decode(data, nil, nil)
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	return obj
}

// encodeJSON encodes obj with the JSON serializer.
func encodeJSON(t *testing.T, obj runtime.Object) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := serializer(t, false, false).Encode(obj, &buf); err != nil {
		t.Fatalf("Encode: %v", err)
	}
	return buf.Bytes()
}

// generic decodes JSON into maps, slices, strings, float64s, bools and nils.
func generic(t *testing.T, data []byte) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatalf("invalid JSON: %v\n%s", err, data)
	}
	return v
}

// requireSameJSON fails when the two documents differ semantically.
func requireSameJSON(t *testing.T, want, got []byte) {
	t.Helper()
	w, g := generic(t, want), generic(t, got)
	if diff := cmp.Diff(w, g); diff != "" {
		t.Fatalf("JSON differs from Kubernetes' encoding (-kubernetes +keel):\n%s", diff)
	}
}
